/**
 * QoS specs (cinder/api/contrib/qos_specs_manage.py, cinder/volume/qos_specs.py): named sets of
 * limits, consumed by the back end, the front end (the hypervisor, through the connection info) or
 * both, and associated with volume types; a volume's QoS is its type's.
 */
import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import {
  associateTypeQos,
  deleteQos as deleteQosRows,
  deleteQosKey,
  disassociateAllQos as disassociateAllTypes,
  disassociateTypeQos,
  getQos,
  insertQos,
  mergeQosKeys,
  pageQos,
  qosInUse,
  qosKeysOf,
  qosNameTaken,
  qosOfType,
  type QosFilters,
  type QosRow,
  setQosConsumer,
  typesOfQos,
} from "../../db/repos/qos";
import { getType, holdRow, isUniqueViolation } from "../../db/repos/types";
import type { Database } from "../../db/schema";
import { now } from "../../contract/time";
import type { RequestContext } from "../../contract/context";
import {
  badRequest,
  invalidInput,
  invalidVolumeType,
  qosSpecsExists,
  qosSpecsKeyNotFound,
  qosSpecsNotFound,
  volumeTypeIdNotFound,
} from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { DbDeps } from "./deps";
import { findType } from "./types";
import { type QosConsumer, type QosSpecs, withSpecs } from "../qos";

export type { QosConsumer, QosSpecs } from "../qos";

type Q = Kysely<Database> | Transaction<Database>;

async function findQos(svc: DbDeps, id: string): Promise<QosSpecs> {
  const row = await getQos(svc.db.kysely, id);
  if (!row) throw qosSpecsNotFound(id);
  return (await withSpecs(svc.db.kysely, [row]))[0];
}

/**
 * Spec values are strings. Cinder also stores a null; this deployment's table does not, so a null
 * is refused rather than silently turned into something else.
 */
function refuseNulls(specs: Record<string, string | null>): Record<string, string> {
  for (const [k, v] of Object.entries(specs)) {
    if (v === null) throw invalidInput(`Value for key "${k}" must be a string.`);
  }
  return specs as Record<string, string>;
}

export interface QosListQuery extends QosFilters {
  /** A filter on a column QoS specs do not have: nothing matches. */
  matchNothing: boolean;
}

export async function listQos(svc: DbDeps, ctx: RequestContext, q: QosListQuery): Promise<{ specs: QosSpecs[]; more: boolean }> {
  authorize(ctx, "volume_extension:qos_specs_manage:get_all");
  const db = svc.db.kysely;
  let marker: QosRow | undefined;
  if (q.marker !== undefined) {
    marker = await getQos(db, q.marker);
    if (!marker) throw qosSpecsNotFound(q.marker);
  }
  if (q.matchNothing) return { specs: [], more: false };
  const { rows, more } = await pageQos(db, q, marker);
  return { specs: await withSpecs(db, rows), more };
}

export async function showQos(svc: DbDeps, ctx: RequestContext, id: string): Promise<QosSpecs> {
  authorize(ctx, "volume_extension:qos_specs_manage:get");
  return findQos(svc, id);
}

export async function createQos(
  svc: DbDeps,
  ctx: RequestContext,
  input: { name: string; consumer?: QosConsumer; specs: Record<string, string | null> },
): Promise<QosSpecs> {
  authorize(ctx, "volume_extension:qos_specs_manage:create");
  const name = input.name.trim();
  const specs = refuseNulls(input.specs);
  const row = { id: randomUUID(), name, consumer: input.consumer ?? "back-end", created_at: now() };
  try {
    await svc.db.kysely.transaction().execute(async (trx) => {
      if (await qosNameTaken(trx, name)) throw qosSpecsExists(name);
      await insertQos(trx, row);
      await mergeQosKeys(trx, row.id, specs);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw qosSpecsExists(name);
    throw err;
  }
  return { ...row, specs: { ...specs } };
}

/** Merge keys; a `consumer` key sets the consumer (cinder/volume/qos_specs.py update). */
export async function setQosKeys(svc: DbDeps, ctx: RequestContext, id: string, body: Record<string, string | null>): Promise<void> {
  authorize(ctx, "volume_extension:qos_specs_manage:update");
  await findQos(svc, id);
  const { consumer, ...rest } = body;
  if (consumer === null) throw invalidInput('Value for key "consumer" must be a string.');
  const specs = refuseNulls(rest);
  await svc.db.kysely.transaction().execute(async (trx) => {
    if (!(await holdRow(trx, svc.db.dialect, "qos_specs", id, "update"))) throw qosSpecsNotFound(id);
    if (consumer !== undefined) await setQosConsumer(trx, id, consumer);
    await mergeQosKeys(trx, id, specs);
  });
}

/** Remove keys in order; the first absent one stops it with a 404, those before it stay removed. */
export async function unsetQosKeys(svc: DbDeps, ctx: RequestContext, id: string, keys: readonly string[]): Promise<void> {
  authorize(ctx, "volume_extension:qos_specs_manage:delete");
  await findQos(svc, id);
  for (const key of keys) {
    if (!(await deleteQosKey(svc.db.kysely, id, key))) throw qosSpecsKeyNotFound(id, key);
  }
}

export async function deleteQos(svc: DbDeps, ctx: RequestContext, id: string, force: boolean): Promise<void> {
  authorize(ctx, "volume_extension:qos_specs_manage:delete");
  await findQos(svc, id);
  await svc.db.kysely.transaction().execute(async (trx) => {
    // Locked first: an association made meanwhile either committed before (and is seen below) or waits and then fails.
    if (!(await holdRow(trx, svc.db.dialect, "qos_specs", id, "update"))) throw qosSpecsNotFound(id);
    const used = await qosInUse(trx, id);
    if (used && !force) throw badRequest("Qos specs still in use.");
    if (used) await disassociateAllTypes(trx, id);
    await deleteQosRows(trx, id);
  });
}

export interface QosAssociation {
  association_type: "volume_type";
  name: string;
  id: string;
}

export async function qosAssociations(svc: DbDeps, ctx: RequestContext, id: string): Promise<QosAssociation[]> {
  authorize(ctx, "volume_extension:qos_specs_manage:get_all");
  await findQos(svc, id);
  const types = await typesOfQos(svc.db.kysely, id);
  return types.map((t) => ({ association_type: "volume_type", name: t.name, id: t.id }));
}

function requireTypeId(typeId: string | undefined): string {
  if (!typeId) throw badRequest("Volume Type id must not be None.");
  return typeId;
}

export async function associateQos(svc: DbDeps, ctx: RequestContext, id: string, typeIdParam: string | undefined): Promise<void> {
  authorize(ctx, "volume_extension:qos_specs_manage:update");
  const typeId = requireTypeId(typeIdParam);
  await findQos(svc, id);
  await findType(svc, ctx, typeId);
  await svc.db.kysely.transaction().execute(async (trx) => {
    if (!(await holdRow(trx, svc.db.dialect, "qos_specs", id, "share"))) throw qosSpecsNotFound(id);
    if (!(await holdRow(trx, svc.db.dialect, "volume_types", typeId, "update"))) throw volumeTypeIdNotFound(typeId);
    const t = await getType(trx, typeId);
    if (!t) throw volumeTypeIdNotFound(typeId);
    if (t.qos_specs_id === id) return;
    if (t.qos_specs_id) {
      throw invalidVolumeType(`Type ${typeId} is already associated with another qos specs: ${t.qos_specs_id}`);
    }
    await associateTypeQos(trx, typeId, id);
  });
}

export async function disassociateQos(svc: DbDeps, ctx: RequestContext, id: string, typeIdParam: string | undefined): Promise<void> {
  authorize(ctx, "volume_extension:qos_specs_manage:update");
  const typeId = requireTypeId(typeIdParam);
  await findQos(svc, id);
  await findType(svc, ctx, typeId);
  await disassociateTypeQos(svc.db.kysely, typeId, id);
}

export async function disassociateAllQos(svc: DbDeps, ctx: RequestContext, id: string): Promise<void> {
  authorize(ctx, "volume_extension:qos_specs_manage:update");
  await findQos(svc, id);
  await disassociateAllTypes(svc.db.kysely, id);
}
