/**
 * Property values on the wire (google.protobuf.Struct) as the Pulumi engine sends them to a
 * provider that accepts secrets: secrets are `{<sig>: <secretSig>, value}` objects, unknowns (in
 * preview) the UNKNOWN string. See @pulumi/pulumi runtime/rpc.ts `specialSigKey`/`unknownValue`.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

export type Props = Record<string, unknown>;

/** The value the engine sends for a property not known until apply (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export const isUnknown = (v: unknown): boolean => v === UNKNOWN;

/** True when `v` or anything inside it is unknown. */
export function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

export function isSecretValue(v: unknown): v is { value: unknown } {
  return !!v && typeof v === "object" && (v as Props)[SIG_KEY] === SECRET_SIG;
}

export const secret = (value: unknown): Props => ({ [SIG_KEY]: SECRET_SIG, value });

function unwrapDeep(v: unknown, found: { secret: boolean }): unknown {
  if (isSecretValue(v)) {
    found.secret = true;
    return unwrapDeep(v.value, found);
  }
  if (Array.isArray(v)) return v.map((x) => unwrapDeep(x, found));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapDeep(x, found)]));
  return v;
}

/** Plain props plus the top-level keys that were (or contained) secrets. */
export interface Decoded {
  props: Props;
  secrets: Set<string>;
}

export function unwrapProps(raw: Props): Decoded {
  const secrets = new Set<string>();
  const props: Props = {};
  for (const [k, v] of Object.entries(raw)) {
    const found = { secret: false };
    props[k] = unwrapDeep(v, found);
    if (found.secret) secrets.add(k);
  }
  return { props, secrets };
}

export function decode(s: Struct | undefined): Decoded {
  return unwrapProps((s?.toJavaScript() ?? {}) as Props);
}

/** JSON-safe copy: `undefined` dropped (Struct.fromJavaScript throws on it), dates as ISO strings. */
export function clean(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(clean);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, clean(x)]));
  }
  return v;
}

/** Encode props, wrapping the `secretKeys` as secrets. */
export function encode(props: Props, secretKeys: Iterable<string> = []): Struct {
  const out = clean(props) as Props;
  for (const k of new Set(secretKeys)) if (k in out && out[k] !== UNKNOWN) out[k] = secret(out[k]);
  return Struct.fromJavaScript(out as Parameters<typeof Struct.fromJavaScript>[0]);
}
