/** Helpers shared by the SDK classes, as Pulumi's codegen emits them (utilities.ts). */
import * as pulumi from "@pulumi/pulumi";

export const VERSION = "0.1.0";

export function getEnv(...vars: string[]): string | undefined {
  for (const v of vars) {
    const value = process.env[v];
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}

export function getEnvBoolean(...vars: string[]): boolean | undefined {
  const s = getEnv(...vars);
  return s === undefined ? undefined : /^(1|true|yes|on)$/i.test(s);
}

export const resourceOptsDefaults = (): pulumi.CustomResourceOptions => ({ version: VERSION });
export const invokeOptsDefaults = (): pulumi.InvokeOptions => ({ version: VERSION });

/**
 * Resource inputs for `super(...)`: from the state when reading an existing resource (`opts.id`),
 * else from the args, with `Missing required property` errors and every output key present (an
 * Output property exists only for keys passed to the constructor).
 */
export function resourceInputs(
  argsOrState: Record<string, unknown> | undefined,
  opts: pulumi.CustomResourceOptions,
  spec: { inputs: readonly string[]; outputs: readonly string[]; required: readonly string[] },
): pulumi.Inputs {
  const r: pulumi.Inputs = {};
  if (opts.id) {
    for (const k of [...spec.inputs, ...spec.outputs]) r[k] = argsOrState?.[k];
    return r;
  }
  for (const k of spec.required) {
    if ((!argsOrState || argsOrState[k] === undefined) && !opts.urn) throw new Error(`Missing required property '${k}'`);
  }
  for (const k of spec.inputs) r[k] = argsOrState?.[k];
  for (const k of spec.outputs) r[k] = undefined;
  return r;
}
