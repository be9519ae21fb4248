/**
 * The rbd driver's configuration (Cinder's `rbd_*` options in camel case), validated at boot with
 * the same kind of errors as the other drivers' options.
 */
import path from "node:path";
import type { DriverFactoryOptions } from "../registry";
import { RbdDriver } from "./driver";

export const RBD_OPTIONS = [
  "pool",
  "clusterName",
  "cephConf",
  "user",
  "keyring",
  "secretUuid",
  "flattenVolumeFromSnapshot",
  "maxCloneDepth",
  "storeChunkSize",
  "reportDiscardSupported",
  "reservedPercentage",
  "maxOverSubscriptionRatio",
  "capabilities",
  "copyTimeoutMs",
];

function str(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || v === "") throw new Error(`Driver option '${key}' must be a non-empty string`);
  // Every string goes into an rbd or ceph argument: none may pass for an option.
  if (v.startsWith("-")) throw new Error(`Driver option '${key}' must not start with '-'`);
  return v;
}

function bool(o: Record<string, unknown>, key: string): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") throw new Error(`Driver option '${key}' must be true or false`);
  return v;
}

function int(o: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new Error(`Driver option '${key}' must be an integer from ${min} to ${max}`);
  return v;
}

function num(o: Record<string, unknown>, key: string): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`Driver option '${key}' must be a number`);
  return v;
}

function capabilities(o: Record<string, unknown>): Record<string, string | number | boolean> | undefined {
  const v = o.capabilities;
  if (v === undefined) return undefined;
  const ok = typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((x) => ["string", "number", "boolean"].includes(typeof x));
  if (!ok) throw new Error("Driver option 'capabilities' must map names to strings, numbers or booleans");
  return v as Record<string, string | number | boolean>;
}

export function createRbdDriver(opts: DriverFactoryOptions): RbdDriver {
  const o = opts.options;
  const unknown = Object.keys(o).filter((k) => !RBD_OPTIONS.includes(k));
  if (unknown.length) throw new Error(`Unknown rbd driver option(s) ${unknown.join(", ")}; known: ${RBD_OPTIONS.join(", ")}`);
  const pool = str(o, "pool") ?? "rbd";
  if (/[/@\s]/.test(pool)) throw new Error("Driver option 'pool' must be a pool name (no '/', '@' or spaces)");
  const user = str(o, "user") ?? "cinder";
  if (user.startsWith("client.")) throw new Error("Driver option 'user' is the rados user without 'client.' (e.g. 'cinder')");
  const storeChunkSize = int(o, "storeChunkSize", 1, 32) ?? 4;
  if ((storeChunkSize & (storeChunkSize - 1)) !== 0) throw new Error("Driver option 'storeChunkSize' must be a power of two (MiB)");
  return new RbdDriver({
    backendName: opts.backendName,
    executor: opts.executor,
    pool,
    client: { clusterName: str(o, "clusterName") ?? "ceph", cephConf: str(o, "cephConf"), user, keyring: str(o, "keyring") },
    secretUuid: str(o, "secretUuid"),
    flattenVolumeFromSnapshot: bool(o, "flattenVolumeFromSnapshot") ?? false,
    maxCloneDepth: int(o, "maxCloneDepth", 0, 64) ?? 5,
    storeChunkSize,
    reportDiscardSupported: bool(o, "reportDiscardSupported") ?? false,
    reservedPercentage: num(o, "reservedPercentage"),
    maxOverSubscriptionRatio: num(o, "maxOverSubscriptionRatio"),
    capabilities: capabilities(o),
    copyTimeoutMs: num(o, "copyTimeoutMs"),
    tmpDir: path.join(opts.dataDir, "rbd-staging", opts.backendName),
    log: opts.log,
  });
}
