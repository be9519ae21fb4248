/**
 * Export targets by configuration name (Cinder's `target_helper`). An unknown name is a
 * configuration error at boot.
 */
import type { Executor } from "../exec/executor";
import type { TargetHelper } from "./interface";
import type { Log } from "../log";
import { TgtAdm } from "./tgt/tgt";
import { TGT_OPTIONS, parseTgtOptions } from "./tgt/options";
import { LioAdm } from "./lio/lio";
import { LIO_OPTIONS, parseLioOptions } from "./lio/options";

export interface TargetFactoryOptions {
  backendName: string;
  dataDir: string;
  executor: Executor;
  targetIp: string;
  targetPort: number;
  /** The helper's own settings from the backend (tgt/options.ts and lio/options.ts name them). */
  options: Record<string, unknown>;
  log?: Pick<Log, "info" | "warn">;
}

function createTgt(o: TargetFactoryOptions): TargetHelper {
  const tgt = parseTgtOptions(o.options, o);
  return new TgtAdm({
    executor: o.executor,
    targetIp: o.targetIp,
    targetPort: o.targetPort,
    controlPort: tgt.controlPort,
    volumesDir: tgt.volumesDir,
    writeCache: tgt.writeCache,
    log: o.log,
  });
}

function createLio(o: TargetFactoryOptions): TargetHelper {
  const lio = parseLioOptions(o.options, o);
  return new LioAdm({
    executor: o.executor,
    targetIp: o.targetIp,
    targetPort: o.targetPort,
    configfsRoot: lio.configfsRoot,
    stateDir: lio.stateDir,
    log: o.log,
  });
}

export interface TargetEntry {
  /** The backend option names this helper reads (beside targetHelper, targetIp and targetPort). */
  options: readonly string[];
  create(opts: TargetFactoryOptions): TargetHelper;
}

export const targets: Record<string, TargetEntry> = {
  tgt: { options: TGT_OPTIONS, create: createTgt },
  lio: { options: LIO_OPTIONS, create: createLio },
};

/** The registered helper of that name, if any. */
export function targetEntry(name: string): TargetEntry | undefined {
  return Object.hasOwn(targets, name) ? targets[name] : undefined;
}

export function createTarget(name: string, opts: TargetFactoryOptions): TargetHelper {
  const entry = targetEntry(name);
  if (!entry) throw new Error(`Unknown target helper '${name}'; known target helpers: ${Object.keys(targets).join(", ")}`);
  return entry.create(opts);
}
