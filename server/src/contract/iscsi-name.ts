/**
 * iSCSI names (RFC 3720 §3.2.6, RFC 3721; `naa.` from RFC 3980): what a connector's `initiator`
 * must be before a target uses it. LIO makes a configfs folder of it (one path component), so the
 * check is also what keeps `/`, `..`, a leading `-` and control characters out of paths and
 * command lines.
 *
 *   iqn.yyyy-mm.reversed.domain[:identifier]   iqn.2004-10.org.debian:01:c9b1f0f8e0f
 *   eui. + 16 hex digits                       eui.02004567A425678D
 *   naa. + 16 or 32 hex digits                 naa.52004567BA64678D
 *
 * At most 223 bytes. Names are compared without case (RFC 3722's stringprep maps them to lower
 * case; rtslib lowercases them; LIO ACL lookups here ignore case), so upper-case letters are
 * accepted. Only ASCII letters, digits, '.', '-' and ':' are: RFC 3720 also admits some non-ASCII
 * characters after nameprep, which no initiator os-brick knows produces.
 */
import { type Connector, InvalidConnectorError } from "./connector";

export const MAX_ISCSI_NAME_BYTES = 223;

const CHARS = /^[A-Za-z0-9.:-]+$/;
const LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";
const IQN = new RegExp(`^iqn\\.\\d{4}-(?:0[1-9]|1[0-2])\\.${LABEL}(?:\\.${LABEL})*(?::[a-z0-9.:-]+)?$`, "i");
const EUI = /^eui\.[0-9a-f]{16}$/i;
const NAA = /^naa\.(?:[0-9a-f]{16}|[0-9a-f]{32})$/i;

/** Why `name` is not an iSCSI name (a phrase that follows "it"), or null when it is one. */
export function iscsiNameProblem(name: unknown): string | null {
  if (typeof name !== "string") return `is ${name === null ? "null" : `a ${typeof name}`}, not a string`;
  if (name === "") return "is empty";
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes > MAX_ISCSI_NAME_BYTES) return `is ${bytes} bytes long; an iSCSI name has at most ${MAX_ISCSI_NAME_BYTES} bytes`;
  if (!CHARS.test(name)) return "holds characters an iSCSI name cannot: only letters, digits, '.', '-' and ':' are allowed";
  const type = name.slice(0, 4).toLowerCase();
  if (type === "iqn.") {
    return IQN.test(name) ? null : "is not of the form iqn.yyyy-mm.reversed.domain[:identifier] (e.g. iqn.2004-10.org.debian:01:c9b1f0f8e0f)";
  }
  if (type === "eui.") return EUI.test(name) ? null : "is not eui. followed by 16 hex digits";
  if (type === "naa.") return NAA.test(name) ? null : "is not naa. followed by 16 or 32 hex digits";
  return "does not start with iqn., eui. or naa.";
}

export function isIscsiName(name: unknown): name is string {
  return iscsiNameProblem(name) === null;
}

/** A caller's value inside a message: JSON-quoted (control characters escaped) and cut short. */
export function shownValue(v: unknown): string {
  const s = typeof v === "string" ? v : (JSON.stringify(v) ?? String(v));
  return JSON.stringify(s.length > 64 ? `${s.slice(0, 64)}...` : s);
}

/** What is wrong with the connector's initiator, as a sentence; null when it is an iSCSI name. */
export function initiatorProblem(connector: Connector): string | null {
  const ini = connector.initiator;
  const problem = iscsiNameProblem(ini);
  return problem && `Connector initiator ${shownValue(ini)} is not a valid iSCSI name: it ${problem}.`;
}

/**
 * The connector's initiator, checked (cf. cinder/volume/targets/iscsi.py `validate_connector`).
 * @throws InvalidConnectorError when it is missing or not an iSCSI name.
 */
export function checkedInitiator(connector: Connector): string {
  const ini = connector.initiator;
  if (ini === undefined || ini === null || ini === "") {
    throw new InvalidConnectorError("Connector doesn't have required information: initiator");
  }
  const problem = initiatorProblem(connector);
  if (problem) throw new InvalidConnectorError(problem);
  return ini as string;
}
