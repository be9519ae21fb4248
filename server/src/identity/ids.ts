/** Keystone-style ids: 32 lowercase hex digits (a uuid4 without dashes). */
import { randomUUID } from "node:crypto";

export function newId(): string {
  return randomUUID().replace(/-/g, "");
}

export const DEFAULT_DOMAIN_ID = "default";
export const DEFAULT_DOMAIN_NAME = "Default";
/** Keystone's implied roles: admin implies member, member implies reader. */
export const IMPLIED_ROLES: Record<string, string[]> = {
  admin: ["member", "reader"],
  member: ["reader"],
};
export const STANDARD_ROLES = ["admin", "member", "reader"];
