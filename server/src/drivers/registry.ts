/**
 * Volume drivers by configuration name (cf. democratic-csi's driver factory, and Cinder's
 * `volume_driver` option naming a class). An unknown name is a configuration error at boot.
 */
import path from "node:path";
import type { Executor } from "../exec/executor";
import type { VolumeDriver } from "./interface";
import type { Log } from "../log";
import { FileDriver } from "./file/driver";
import { LvmDriver, type LvmType } from "./lvm/driver";
import { createRbdDriver } from "./rbd/options";

export interface DriverFactoryOptions {
  backendName: string;
  /** The server's data folder; drivers keep their files under it unless told otherwise. */
  dataDir: string;
  executor: Executor;
  /** The backend's driver-specific settings from the configuration file. */
  options: Record<string, unknown>;
  log?: Log;
}

function optionalNumber(options: Record<string, unknown>, key: string): number | undefined {
  const v = options[key];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`Driver option '${key}' must be a number`);
  return v;
}

function optionalString(options: Record<string, unknown>, key: string): string | undefined {
  const v = options[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || v === "") throw new Error(`Driver option '${key}' must be a non-empty string`);
  return v;
}

function optionalCapabilities(options: Record<string, unknown>): Record<string, string | number | boolean> | undefined {
  const v = options.capabilities;
  if (v === undefined) return undefined;
  const ok =
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => ["string", "number", "boolean"].includes(typeof x));
  if (!ok) throw new Error("Driver option 'capabilities' must map names to strings, numbers or booleans");
  return v as Record<string, string | number | boolean>;
}

const FILE_OPTIONS = ["dir", "reservedPercentage", "maxOverSubscriptionRatio", "capabilities", "copyTimeoutMs"];

function createFileDriver(opts: DriverFactoryOptions): VolumeDriver {
  const o = opts.options;
  // A mistyped option (a `dir` spelt otherwise) would otherwise put the volumes somewhere else unnoticed.
  const unknown = Object.keys(o).filter((k) => !FILE_OPTIONS.includes(k));
  if (unknown.length) throw new Error(`Unknown file driver option(s) ${unknown.join(", ")}; known: ${FILE_OPTIONS.join(", ")}`);
  return new FileDriver({
    dir: optionalString(o, "dir") ?? path.join(opts.dataDir, "volumes", opts.backendName),
    backendName: opts.backendName,
    executor: opts.executor,
    reservedPercentage: optionalNumber(o, "reservedPercentage"),
    maxOverSubscriptionRatio: optionalNumber(o, "maxOverSubscriptionRatio"),
    capabilities: optionalCapabilities(o),
    copyTimeoutMs: optionalNumber(o, "copyTimeoutMs"),
    log: opts.log,
  });
}

function optionalChoice<T extends string>(options: Record<string, unknown>, key: string, choices: readonly T[]): T | undefined {
  const v = options[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !choices.includes(v as T)) throw new Error(`Driver option '${key}' must be one of ${choices.join(", ")}`);
  return v as T;
}

const LVM_OPTIONS = [
  "volumeGroup",
  "lvmType",
  "thinPoolName",
  "volumeClear",
  "volumeClearSize",
  "volumeClearIonice",
  "reservedPercentage",
  "maxOverSubscriptionRatio",
  "capabilities",
  "lvmConfDir",
  "copyTimeoutMs",
];

function createLvmDriver(opts: DriverFactoryOptions): VolumeDriver {
  const o = opts.options;
  const unknown = Object.keys(o).filter((k) => !LVM_OPTIONS.includes(k));
  if (unknown.length) throw new Error(`Unknown lvm driver option(s) ${unknown.join(", ")}; known: ${LVM_OPTIONS.join(", ")}`);
  return new LvmDriver({
    backendName: opts.backendName,
    executor: opts.executor,
    volumeGroup: optionalString(o, "volumeGroup"),
    lvmType: optionalChoice<LvmType>(o, "lvmType", ["default", "thin", "auto"]),
    thinPoolName: optionalString(o, "thinPoolName"),
    volumeClear: optionalChoice(o, "volumeClear", ["zero", "none"] as const),
    volumeClearSize: optionalNumber(o, "volumeClearSize"),
    volumeClearIonice: optionalString(o, "volumeClearIonice"),
    reservedPercentage: optionalNumber(o, "reservedPercentage"),
    maxOverSubscriptionRatio: optionalNumber(o, "maxOverSubscriptionRatio"),
    capabilities: optionalCapabilities(o),
    lvmConfDir: optionalString(o, "lvmConfDir"),
    copyTimeoutMs: optionalNumber(o, "copyTimeoutMs"),
    log: opts.log,
  });
}

export const drivers: Record<string, (opts: DriverFactoryOptions) => VolumeDriver> = {
  file: createFileDriver,
  lvm: createLvmDriver,
  rbd: createRbdDriver,
};

export function createDriver(name: string, opts: DriverFactoryOptions): VolumeDriver {
  const factory = Object.hasOwn(drivers, name) ? drivers[name] : undefined;
  if (!factory) {
    throw new Error(`Unknown volume driver '${name}'; known drivers: ${Object.keys(drivers).join(", ")}`);
  }
  return factory(opts);
}
