/**
 * The tgt target's own settings in a backend's configuration, next to the shared `targetHelper`,
 * `targetIp` and `targetPort`, and how they are read.
 */
import path from "node:path";

/** The backend option names that belong to the tgt target helper. */
export const TGT_OPTIONS = ["tgtControlPort", "volumesDir", "writeCache"] as const;

export interface TgtSettings {
  /** `tgtControlPort`: tgtd's control port; unset = tgtd's own. */
  controlPort?: number;
  /** `volumesDir`: where target files are written; default `<dataDir>/targets/tgt/<backend>`. */
  volumesDir: string;
  /** `writeCache`: only `true` turns it on; unset = the target's default. */
  writeCache?: boolean;
}

/** Read the tgt options of one backend; a mistyped one is a configuration error. */
export function parseTgtOptions(options: Record<string, unknown>, where: { dataDir: string; backendName: string }): TgtSettings {
  const cp = options.tgtControlPort;
  if (cp !== undefined && (typeof cp !== "number" || !Number.isInteger(cp) || cp < 0)) {
    throw new Error("Target option 'tgtControlPort' must be a whole number");
  }
  const dir = options.volumesDir;
  if (dir !== undefined && (typeof dir !== "string" || dir === "")) throw new Error("Target option 'volumesDir' must be a path");
  return {
    controlPort: cp,
    volumesDir: dir ?? path.join(where.dataDir, "targets", "tgt", where.backendName),
    writeCache: options.writeCache === undefined ? undefined : options.writeCache === true,
  };
}
