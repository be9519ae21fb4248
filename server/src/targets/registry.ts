/**
 * Export targets by configuration name (Cinder's `target_helper`). An unknown name is a
 * configuration error at boot.
 */
import path from "node:path";
import type { Executor } from "../exec/executor";
import type { TargetHelper } from "./interface";
import type { Log } from "../log";
import { TgtAdm } from "./tgt/tgt";
import { LioAdm } from "./lio/lio";

export interface TargetFactoryOptions {
  backendName: string;
  dataDir: string;
  executor: Executor;
  targetIp: string;
  targetPort: number;
  /** Target-specific settings (tgt: `tgtControlPort`, `volumesDir`, `writeCache`; lio: `configfsRoot`, `lioStateDir`). */
  options: Record<string, unknown>;
  log?: Pick<Log, "info" | "warn">;
}

function createTgt(o: TargetFactoryOptions): TargetHelper {
  const cp = o.options.tgtControlPort;
  if (cp !== undefined && (typeof cp !== "number" || !Number.isInteger(cp) || cp < 0)) {
    throw new Error("Target option 'tgtControlPort' must be a whole number");
  }
  const dir = o.options.volumesDir;
  if (dir !== undefined && (typeof dir !== "string" || dir === "")) throw new Error("Target option 'volumesDir' must be a path");
  return new TgtAdm({
    executor: o.executor,
    targetIp: o.targetIp,
    targetPort: o.targetPort,
    controlPort: cp as number | undefined,
    volumesDir: (dir as string | undefined) ?? path.join(o.dataDir, "targets", "tgt", o.backendName),
    writeCache: o.options.writeCache === undefined ? undefined : o.options.writeCache === true,
    log: o.log,
  });
}

function optionalPath(o: TargetFactoryOptions, key: string): string | undefined {
  const v = o.options[key];
  if (v !== undefined && (typeof v !== "string" || v === "")) throw new Error(`Target option '${key}' must be a path`);
  return v as string | undefined;
}

function createLio(o: TargetFactoryOptions): TargetHelper {
  return new LioAdm({
    executor: o.executor,
    targetIp: o.targetIp,
    targetPort: o.targetPort,
    configfsRoot: optionalPath(o, "configfsRoot"),
    stateDir: optionalPath(o, "lioStateDir") ?? path.join(o.dataDir, "targets", "lio", o.backendName),
    log: o.log,
  });
}

export const targets: Record<string, (opts: TargetFactoryOptions) => TargetHelper> = {
  tgt: createTgt,
  lio: createLio,
};

export function createTarget(name: string, opts: TargetFactoryOptions): TargetHelper {
  const factory = Object.hasOwn(targets, name) ? targets[name] : undefined;
  if (!factory) throw new Error(`Unknown target helper '${name}'; known target helpers: ${Object.keys(targets).join(", ")}`);
  return factory(opts);
}
