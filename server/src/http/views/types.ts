/**
 * Volume types to wire JSON. List, show and `types/default` use cinder/api/v3/views/types.py (extra
 * specs and `qos_specs_id` as policy allows); create and update use the older
 * cinder/api/views/types.py (every extra spec, no `qos_specs_id`). `os-volume-type-access:is_public`
 * is what cinder/api/contrib/volume_type_access.py adds where its policy allows.
 */
import type { RequestContext } from "../../contract/context";
import { allowed } from "../../policy/policy";
import type { ProjectDefault } from "../../volume/api/default-types";
import { visibleExtraSpecs } from "../../volume/api/type-extra-specs";
import type { TypeWithSpecs } from "../../volume/api/types";

const ACCESS_KEY = "os-volume-type-access:is_public";

function withAccess(ctx: RequestContext, out: Record<string, unknown>, t: TypeWithSpecs): Record<string, unknown> {
  if (allowed(ctx, "volume_extension:volume_type_access")) out[ACCESS_KEY] = t.is_public === 1;
  return out;
}

/** List and show items; `access` adds os-volume-type-access:is_public (not for types/default). */
export function volumeTypeView(ctx: RequestContext, t: TypeWithSpecs, access = true): Record<string, unknown> {
  const out: Record<string, unknown> = { id: t.id, name: t.name, is_public: t.is_public === 1, description: t.description };
  if (allowed(ctx, "volume_extension:access_types_extra_specs")) out.extra_specs = visibleExtraSpecs(ctx, t.extraSpecs);
  if (allowed(ctx, "volume_extension:access_types_qos_specs_id")) out.qos_specs_id = t.qos_specs_id;
  return access ? withAccess(ctx, out, t) : out;
}

/** Create (with the access field) and update (without) responses. */
export function managedTypeView(ctx: RequestContext, t: TypeWithSpecs, access: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: t.id,
    name: t.name,
    is_public: t.is_public === 1,
    extra_specs: { ...t.extraSpecs },
    description: t.description,
  };
  return access ? withAccess(ctx, out, t) : out;
}

/** cinder/api/v3/views/default_types.py. */
export function defaultTypeView(d: ProjectDefault): { project_id: string; volume_type_id: string } {
  return { project_id: d.project_id, volume_type_id: d.volume_type_id };
}
