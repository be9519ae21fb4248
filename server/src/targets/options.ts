/**
 * A backend's configuration holds, in one flat record, the settings of its export target and of
 * its volume driver (the file format has always been flat). This module is the one place that
 * tells them apart: the shared target settings (`targetHelper`, `targetIp`, `targetPort`) and every
 * registered helper's own option names (tgt/options.ts, lio/options.ts) belong to the target;
 * everything else belongs to the driver, whose factory reads it (drivers/registry.ts).
 *
 * Splitting checks nothing: a mistyped helper option is refused by the helper's factory
 * (createTarget), and a name nobody declares goes to the driver, whose factory decides whether it
 * knows it, so the errors and their order are those of building the driver, then the target.
 */
import { targetEntry, targets } from "./registry";

/** The shared target settings a backend may set for itself. */
export const SHARED_TARGET_OPTIONS = ["targetHelper", "targetIp", "targetPort"] as const;

/** The server-wide target settings a backend falls back on. */
export interface TargetDefaults {
  targetHelper?: string;
  targetIp: string;
  targetPort: number;
}

/** How one backend's volumes are exported: what createTarget takes. */
export interface TargetChoice {
  helper: string;
  targetIp: string;
  targetPort: number;
  /** The options the chosen helper declares, as the backend set them. */
  options: Record<string, unknown>;
}

export interface SplitBackendOptions {
  /** Unset when neither the backend nor the server names a helper: volumes are local only. */
  target?: TargetChoice;
  /** The options left for the volume driver. */
  driver: Record<string, unknown>;
}

/** Every option name that belongs to a target: the shared ones and each registered helper's own. */
export function targetOptionNames(): Set<string> {
  return new Set([...SHARED_TARGET_OPTIONS, ...Object.values(targets).flatMap((t) => t.options)]);
}

/**
 * Split a backend's options into its target's and its driver's. The backend's `targetHelper` wins
 * over the server's, and an empty one turns exporting off for that backend; a `targetIp` that is
 * not a string or a `targetPort` that is not a number falls back on the server's. Options of
 * helpers other than the chosen one are dropped, not handed to the driver.
 */
export function splitBackendOptions(options: Record<string, unknown>, defaults: TargetDefaults): SplitBackendOptions {
  const targetNames = targetOptionNames();
  const driver: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (!targetNames.has(k)) driver[k] = v;

  const named = options.targetHelper ?? defaults.targetHelper;
  if (!named) return { driver };
  const helper = String(named);
  const own: Record<string, unknown> = {};
  for (const k of targetEntry(helper)?.options ?? []) if (Object.hasOwn(options, k)) own[k] = options[k];
  return {
    target: {
      helper,
      targetIp: typeof options.targetIp === "string" ? options.targetIp : defaults.targetIp,
      targetPort: typeof options.targetPort === "number" ? options.targetPort : defaults.targetPort,
      options: own,
    },
    driver,
  };
}
