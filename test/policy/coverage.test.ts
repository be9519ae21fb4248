/**
 * Every endpoint in the spec names a policy rule (x-policy), and every rule named is in the policy
 * table (or, for the image API, among the Glance rules the image service checks itself): an
 * operation cannot be added without deciding who may call it.
 */
import assert from "node:assert/strict";
import { routes } from "../../server/src/generated/routes";
import { RULE_TABLE } from "../../server/src/policy/rules";
import { IMAGE_POLICIES } from "../../server/src/image/rules";

/** Operation-level names on action endpoints: the dispatch itself; each action carries its own rule. */
const DISPATCH = new Set(["volume:action", "volume:snapshot_action", "volume:attachment_action", "volume_extension:volume_type_action", "group:action", "group:snapshot_action", "backup:backup_action"]);

describe("policy coverage", () => {
  it("gives every operation and every action of the spec a rule that the policy table knows", () => {
    const missing: string[] = [];
    for (const r of routes) {
      if (r.twin) continue;
      if (r.actions) {
        for (const a of r.actions) {
          if (!a.policy || !(a.policy in RULE_TABLE)) missing.push(`${a.operation} (${a.policy ?? "no x-policy"})`);
        }
        if (!r.policy || !DISPATCH.has(r.policy)) missing.push(`${r.operationId} (${r.policy ?? "no x-policy"})`);
        continue;
      }
      if (!r.policy || !(r.policy in RULE_TABLE || IMAGE_POLICIES.has(r.policy))) missing.push(`${r.operationId} (${r.policy ?? "no x-policy"})`);
    }
    assert.deepEqual(missing, [], `operations whose policy rule is not in server/src/policy/rules.ts:\n${missing.join("\n")}`);
  });
});
