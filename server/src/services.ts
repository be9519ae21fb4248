/** The services every layer below http shares; built once by app.ts. */
import type { Bus } from "./bus/bus";
import type { SchedulerRpc, VolumeRpc } from "./bus/rpc";
import type { Config } from "./config";
import type { Db } from "./db/database";
import type { IdentityService } from "./identity/service";
import type { BuiltinImages } from "./image/builtin";
import type { ImageService } from "./image/interface";
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
  /** The image service volumes are made from and uploaded to: the built-in one or an external Glance. */
  images: ImageService;
  /** The built-in image service, when it is the one in use (it then serves /image/v2). */
  builtinImages?: BuiltinImages;
}
