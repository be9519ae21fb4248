/**
 * Keystone's policy checks on the identity API: the rules live with Cinder's in policy/rules.ts
 * (one table, one policy file); a refusal is Keystone's 403 naming the rule.
 */
import { allowedOn } from "../policy/policy";
import type { RequestContext } from "../contract/context";
import { ksForbidden } from "./errors";

/** A target project id no token is scoped to: the rule then passes only for its admin branch. */
export const NO_PROJECT = "(none)";

export function enforce(ctx: RequestContext, rule: string, target: { project_id?: string; user_id?: string } = {}): void {
  if (!allowedOn(ctx, rule, target)) throw ksForbidden(rule);
}
