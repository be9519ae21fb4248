/** Group types to wire JSON (cinder/api/v3/views/group_types.py): specs only where policy allows. */
import type { RequestContext } from "../../contract/context";
import { allowed } from "../../policy/policy";
import type { GroupTypeWithSpecs } from "../../volume/api/group-types";

export function groupTypeView(ctx: RequestContext, t: GroupTypeWithSpecs): Record<string, unknown> {
  const out: Record<string, unknown> = { id: t.id, name: t.name, description: t.description, is_public: t.is_public === 1 };
  if (allowed(ctx, "group:access_group_types_specs")) out.group_specs = { ...t.groupSpecs };
  return out;
}
