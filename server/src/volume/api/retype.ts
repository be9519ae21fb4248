/**
 * Retype (cinder/api/contrib/volume_actions.py _retype, cinder/volume/api.py retype): change an
 * available or in-use volume's type. The status change and the move of the per-type quota from the
 * old type to the new one are one transaction; the scheduler then checks that the volume's backend
 * satisfies the new type, and its manager changes the type in place. A retype that changes whether the volume is multiattach needs it
 * `available`.
 */
import { qosAllowsRetype } from "../../db/repos/qos";
import { casVolume } from "../../db/repos/volumes";
import type { RequestContext } from "../../contract/context";
import { invalidInput, invalidVolume } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import { moveBetweenTypes, typeNameOf } from "../../quota/quota";
import type { ScheduleDeps } from "./deps";
import { isMultiattachType } from "./create";
import { findVolume } from "./lookup";
import { checkSizeForType } from "./type-size";
import { typeByNameOrId } from "./types";
import { VOLUME_TRANSITIONS as T } from "../../contract/status";
import type { MigrationPolicy } from "../../contract/api";
import { encryptionChanged } from "./keys";

export async function retypeVolume(
  svc: ScheduleDeps,
  ctx: RequestContext,
  id: string,
  newType: string,
  migrationPolicy: MigrationPolicy | null | undefined,
): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume:retype", v.project_id);
  let type;
  try {
    type = await typeByNameOrId(svc, ctx, newType); // a private type must be shared with the project
  } catch {
    throw invalidInput(`Invalid volume_type passed: ${newType}.`);
  }
  await checkSizeForType(svc.db.kysely, type.id, v.size);
  if (type.id === v.volume_type_id) throw invalidInput(`New volume_type same as original: ${newType}.`);
  // The volume's data is encrypted (or not) with its key, which a retype keeps as it is.
  if (await encryptionChanged(svc.db.kysely, v.volume_type_id, type.id)) throw invalidInput("Retype cannot change encryption requirements.");
  // Whether the volume may be attached to several servers cannot change while it is attached.
  const multiattach = await isMultiattachType(svc, type.id);
  const multiattachChanges = multiattach !== (v.multiattach === 1);
  if (multiattachChanges) {
    if (v.status !== "available") {
      throw invalidInput(
        "Invalid volume_type passed, retypes affecting multiattach are only allowed on available volumes, " +
          `the specified volume however currently has a status of: ${v.status}.`,
      );
    }
    if (multiattach) authorize(ctx, "volume:multiattach", v.project_id);
  }
  const task = JSON.stringify({ op: "retype", new_type_id: type.id, migration_policy: migrationPolicy ?? "never" });
  await svc.db.kysely.transaction().execute(async (trx) => {
    // The multiattach flag follows the new type as the retype is accepted (Cinder sets it once the
    // retype is cast); when it changes, the volume must still be available at that moment.
    // The status read is the one expected, so that previous_status is what the volume returns to.
    const allowed = (multiattachChanges ? ["available"] : ["available", "in-use"]).includes(v.status);
    const update = { status: T.retype.during, previous_status: v.status, task, multiattach: multiattach ? 1 : 0 };
    // A volume in a group keeps its type (cinder/volume/api.py retype: expected group_id None).
    const won = allowed && (await casVolume(trx, id, { status: [v.status], sizeIs: v.size, groupIs: null }, update));
    const qosOk = v.status !== "in-use" || (await qosAllowsRetype(trx, v.volume_type_id, type.id));
    if (!won || !qosOk || (v.migration_status && !["success", "error"].includes(v.migration_status))) {
      throw invalidVolume(
        "Retype needs volume to be in available or in-use state, not be part of an active migration or a consistency group, " +
          "requested type has to be different that the one from the volume, and for in-use volumes front-end qos specs cannot change.",
      );
    }
    const moved = { volumes: 1, gigabytes: v.size, perTypeOnly: true };
    await moveBetweenTypes(trx, svc.config.quotas, v.project_id, moved, await typeNameOf(trx, v.volume_type_id), type.name);
  });
  // The scheduler decides where the new type can be served (find_retype_backend); see scheduler.ts.
  svc.scheduler.retypeVolume(id, ctx.requestId);
}

