/**
 * Group update (cinder/api/v3/groups.py update, cinder/group/api.py update): name and
 * description change at once; volumes to add or remove are checked here, in Cinder's order and
 * words, and moved by the group's volume service while the group is `updating`.
 */
import { backendOf, queueOf } from "../../bus/rpc";
import { casGroup, volumesOfGroup } from "../../db/repos/groups";
import { groupVolumeTypes } from "../../db/repos/groups";
import { getVolume } from "../../db/repos/volumes";
import type { GroupRow, VolumeRow } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import { invalidGroup, invalidVolume } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { CastDeps } from "./deps";
import { findGroup } from "./groups";

const VALID_ADD = ["available", "in-use"];
const VALID_REMOVE = ["available", "in-use", "error", "error_deleting"];

/** A Python tuple or list of strings as Cinder's messages print it. */
const pyTuple = (xs: readonly string[]) => `(${xs.map((x) => `'${x}'`).join(", ")})`;
const pyList = (xs: readonly string[]) => `[${xs.map((x) => `'${x}'`).join(", ")}]`;

export interface GroupUpdate {
  name?: string | null;
  description?: string | null;
  addVolumes?: string | null;
  removeVolumes?: string | null;
}

/** "a,b," → ["a", "b"] (cinder strips commas at the ends, then splits). */
function idList(s: string | null | undefined): string[] {
  if (!s) return [];
  const t = s.replace(/^,+|,+$/g, "");
  return t === "" ? [] : t.split(",");
}

async function checkAdd(svc: CastDeps, ctx: RequestContext, g: GroupRow, inGroup: VolumeRow[], ids: string[]): Promise<string[]> {
  const already = new Set(inGroup.map((v) => v.id));
  const types = (await groupVolumeTypes(svc.db.kysely, [g.id])).get(g.id) ?? [];
  const out: string[] = [];
  for (const id of ids.filter((i) => !already.has(i))) {
    const v = await getVolume(svc.db.kysely, id);
    const cannot = `Cannot add volume ${id} to group ${g.id}`;
    if (!v || (!ctx.isAdmin && v.project_id !== ctx.projectId)) throw invalidVolume(`${cannot} because volume cannot be found.`);
    if (v.group_id) throw invalidVolume(`${cannot} because it is already in group ${v.group_id}.`);
    if (v.project_id !== g.project_id) throw invalidVolume(`${cannot} as they belong to different projects.`);
    if (!v.volume_type_id) throw invalidVolume(`${cannot} because it has no volume type.`);
    if (!types.includes(v.volume_type_id)) throw invalidVolume(`${cannot} because volume type ${v.volume_type_id} is not supported by the group.`);
    if (!VALID_ADD.includes(v.status)) {
      throw invalidVolume(`${cannot} because volume is in an invalid state: ${v.status}. Valid states are: ${pyTuple(VALID_ADD)}.`);
    }
    const volHost = v.cluster_name ?? v.host;
    const groupHost = g.cluster_name ?? g.host;
    if (!volHost || !groupHost || backendOf(volHost) !== backendOf(groupHost)) throw invalidVolume("Volume is not local to this node.");
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

function checkRemove(g: GroupRow, inGroup: VolumeRow[], ids: string[]): string[] {
  const out: string[] = [];
  for (const v of inGroup) {
    if (!ids.includes(v.id)) continue;
    if (!VALID_REMOVE.includes(v.status)) {
      throw invalidVolume(
        `Cannot remove volume ${v.id} from group ${g.id} because volume is in an invalid state: ${v.status}. Valid states are: ${pyTuple(VALID_REMOVE)}.`,
      );
    }
    out.push(v.id);
  }
  for (const id of ids) {
    if (!out.includes(id)) throw invalidVolume(`Cannot remove volume ${id} from group ${g.id} because it is not in the group.`);
  }
  return out;
}

export async function updateGroup(svc: CastDeps, ctx: RequestContext, id: string, u: GroupUpdate): Promise<void> {
  const g = await findGroup(svc, ctx, id);
  authorize(ctx, "group:update", g.project_id);
  if (g.status !== "available") throw invalidGroup(`Group status must be available, but current status is: ${g.status}.`);
  const addIds = idList(u.addVolumes);
  const removeIds = idList(u.removeVolumes);
  const both = addIds.filter((i) => removeIds.includes(i));
  if (both.length > 0) throw invalidVolume(`UUIDs ${pyList(both)} are in both add and remove volume list.`);
  const inGroup = await volumesOfGroup(svc.db.kysely, g.id);
  const name = u.name?.trim();
  const description = u.description?.trim();
  const newName = name !== undefined && name !== g.name ? name : undefined;
  const newDescription = description !== undefined && description !== g.description ? description : undefined;
  const add = addIds.length > 0 ? await checkAdd(svc, ctx, g, inGroup, addIds) : [];
  const remove = removeIds.length > 0 ? checkRemove(g, inGroup, removeIds) : [];
  if (newName === undefined && newDescription === undefined && add.length === 0 && remove.length === 0) {
    throw invalidGroup(`Cannot update group ${g.id} because no valid name, description, add_volumes, or remove_volumes were provided.`);
  }
  const moving = add.length > 0 || remove.length > 0;
  const won = await casGroup(
    svc.db.kysely,
    g.id,
    { status: ["available"] },
    {
      ...(newName !== undefined ? { name: newName } : {}),
      ...(newDescription !== undefined ? { description: newDescription } : {}),
      status: moving ? "updating" : "available",
    },
  );
  if (!won) throw invalidGroup(`Group status must be available, but current status is: ${(await findGroup(svc, ctx, id)).status}.`);
  if (moving) svc.volumes.updateGroup(queueOf(g), g.id, add, remove);
}
