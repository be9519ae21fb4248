/** The services every layer below http shares; built once by app.ts. */
import type { Bus } from "./bus/bus";
import type { SchedulerRpc, VolumeRpc } from "./bus/rpc";
import type { Config } from "./config";
import type { Db } from "./db/database";
import type { IdentityService } from "./identity/service";
import type { KeyManager } from "./keymgr/interface";
import type { Log } from "./log";
import type { Policy } from "./policy/policy";

export interface Services {
  config: Config;
  db: Db;
  bus: Bus;
  log: Log;
  scheduler: SchedulerRpc;
  volumes: VolumeRpc;
  identity: IdentityService;
  /** The policy in force: Cinder's defaults with the policy file's overrides. */
  policy: Policy;
  /** Where volume keys are made, kept and removed (built-in or Barbican). */
  keyManager: KeyManager;
}
