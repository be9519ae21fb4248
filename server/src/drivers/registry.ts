/**
 * Volume drivers by configuration name (cf. democratic-csi's driver factory, and Cinder's
 * `volume_driver` option naming a class). An unknown name is a configuration error at boot.
 */
import path from "node:path";
import type { Executor } from "../exec/executor";
import type { VolumeDriver } from "./interface";
import { FileDriver, type DriverLogger } from "./file/driver";

export type { DriverLogger } from "./file/driver";

export interface DriverFactoryOptions {
  backendName: string;
  /** The server's data folder; drivers keep their files under it unless told otherwise. */
  dataDir: string;
  executor: Executor;
  /** The backend's driver-specific settings from the configuration file. */
  options: Record<string, unknown>;
  log?: DriverLogger;
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

function createFileDriver(opts: DriverFactoryOptions): VolumeDriver {
  const o = opts.options;
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

export const drivers: Record<string, (opts: DriverFactoryOptions) => VolumeDriver> = {
  file: createFileDriver,
};

export function createDriver(name: string, opts: DriverFactoryOptions): VolumeDriver {
  const factory = Object.hasOwn(drivers, name) ? drivers[name] : undefined;
  if (!factory) {
    throw new Error(`Unknown volume driver '${name}'; known drivers: ${Object.keys(drivers).join(", ")}`);
  }
  return factory(opts);
}
