/**
 * Glance's image update: a JSON patch in `application/openstack-images-v2.1-json-patch`
 * (glance/api/v2/images.py RequestDeserializer `update`, `_decode_json_pointer`): a list of
 * `{"op": "add"|"replace"|"remove", "path": "/<attribute>", "value": ...}` applied in order.
 */
import { glanceBadRequest, CORE, READ_ONLY } from "./rules";
import { CinderError } from "../contract/errors";

export interface PatchOp {
  op: "add" | "replace" | "remove";
  path: string;
  value?: unknown;
}

/** The changes as Glance parses them. @throws 400 for a malformed patch, 403 for a read-only attribute. */
export function parsePatch(body: unknown): PatchOp[] {
  if (!Array.isArray(body)) throw glanceBadRequest("Request body must be a JSON array of operation objects.");
  return body.map((raw) => {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw glanceBadRequest("Operations must be JSON objects.");
    const o = raw as Record<string, unknown>;
    if (!["add", "replace", "remove"].includes(String(o.op))) {
      throw glanceBadRequest(`Operation objects must contain exactly one member named "add", "remove", or "replace".`);
    }
    if (typeof o.path !== "string" || !o.path.startsWith("/")) throw glanceBadRequest(`Pointer \`${String(o.path)}\` does not start with "/".`);
    const attr = decodePointer(o.path);
    if (o.op !== "remove" && !("value" in o)) throw glanceBadRequest(`Operation "${String(o.op)}" requires a member named "value".`);
    if (READ_ONLY.has(attr)) throw new CinderError(403, `Attribute '${attr}' is read-only.`);
    if (o.op === "remove" && CORE.has(attr)) throw new CinderError(403, `Attribute '${attr}' is reserved and cannot be removed.`);
    return { op: o.op as PatchOp["op"], path: attr, ...(o.op === "remove" ? {} : { value: o.value }) };
  });
}

/** `/a~1b` -> `a/b`; only one level (Glance allows nested paths only under `locations`, not served here). */
function decodePointer(pointer: string): string {
  const rest = pointer.slice(1);
  if (rest.includes("/")) throw glanceBadRequest(`Nested paths are not allowed: ${pointer}`);
  if (/~[^01]|~$/.test(rest)) throw glanceBadRequest(`Invalid escape sequence in pointer ${pointer}`);
  const attr = rest.replace(/~1/g, "/").replace(/~0/g, "~");
  if (attr === "") throw glanceBadRequest("Pointer contains an empty attribute name.");
  return attr;
}
