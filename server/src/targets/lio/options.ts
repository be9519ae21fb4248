/**
 * The lio target's own settings in a backend's configuration, next to the shared `targetHelper`,
 * `targetIp` and `targetPort`, and how they are read.
 */
import path from "node:path";

/** The backend option names that belong to the lio target helper. */
export const LIO_OPTIONS = ["configfsRoot", "lioStateDir"] as const;

export interface LioSettings {
  /** `configfsRoot`: LIO's configfs root; unset = the kernel's. */
  configfsRoot?: string;
  /** `lioStateDir`: where the per-volume state files live; default `<dataDir>/targets/lio/<backend>`. */
  stateDir: string;
}

function optionalPath(options: Record<string, unknown>, key: (typeof LIO_OPTIONS)[number]): string | undefined {
  const v = options[key];
  if (v !== undefined && (typeof v !== "string" || v === "")) throw new Error(`Target option '${key}' must be a path`);
  return v;
}

/** Read the lio options of one backend; a mistyped one is a configuration error. */
export function parseLioOptions(options: Record<string, unknown>, where: { dataDir: string; backendName: string }): LioSettings {
  return {
    configfsRoot: optionalPath(options, "configfsRoot"),
    stateDir: optionalPath(options, "lioStateDir") ?? path.join(where.dataDir, "targets", "lio", where.backendName),
  };
}
