/**
 * A volume's QoS (cinder/volume/qos_specs.py get_qos_specs, cinder/volume/manager.py
 * _parse_connection_options): the specs of its type, and what the front end is handed of them.
 * Read by the API (the QoS views) and by the volume manager (the connection info).
 */
import type { Kysely, Transaction } from "kysely";
import { qosKeysOf, qosOfType } from "../db/repos/qos";
import type { Database } from "../db/schema";

type Q = Kysely<Database> | Transaction<Database>;

export type QosConsumer = "back-end" | "front-end" | "both";

export interface QosSpecs {
  id: string;
  name: string;
  consumer: string;
  created_at: string;
  specs: Record<string, string>;
}

/** The rows with their keys. */
export async function withSpecs(db: Q, rows: Array<Omit<QosSpecs, "specs">>): Promise<QosSpecs[]> {
  const by = await qosKeysOf(db, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, specs: by.get(r.id) ?? {} }));
}

/** The QoS specs associated with a volume type, or null. */
export async function typeQos(db: Q, typeId: string | null): Promise<QosSpecs | null> {
  if (!typeId) return null;
  const row = await qosOfType(db, typeId);
  return row ? (await withSpecs(db, [row]))[0] : null;
}

const TUNE_OPTS = ["read_iops_sec", "read_bytes_sec", "write_iops_sec", "write_bytes_sec", "total_iops_sec", "total_bytes_sec"];

/**
 * What a volume's connection info carries as `qos_specs` (cinder/volume/manager.py
 * _parse_connection_options): its type's specs when consumed by `front-end` or `both`, with the
 * per-GB limits (`<opt>_per_gb`, bounded by `<opt>_per_gb_min` and `<opt>_max`) worked out for the
 * volume's size; null when the type has no QoS or only a back-end one.
 */
export async function frontEndQos(
  db: Q,
  volume: { volume_type_id: string | null; size: number },
): Promise<Record<string, string | number> | null> {
  const qos = await typeQos(db, volume.volume_type_id);
  if (!qos || (qos.consumer !== "front-end" && qos.consumer !== "both")) return null;
  const specs: Record<string, string | number> = { ...qos.specs };
  const num = (v: string | number | undefined, dflt: number) => (v === undefined ? dflt : Math.trunc(Number(v)));
  for (const opt of TUNE_OPTS) {
    const perGb = specs[`${opt}_per_gb`];
    if (perGb === undefined || Number.isNaN(Number(perGb))) continue;
    const min = num(specs[`${opt}_per_gb_min`], 0);
    const perGbValue = Math.max(min, num(perGb, 0) * volume.size);
    const max = num(specs[`${opt}_max`], perGbValue);
    delete specs[`${opt}_per_gb_min`];
    delete specs[`${opt}_max`];
    delete specs[`${opt}_per_gb`];
    specs[opt] = Math.min(perGbValue, max);
  }
  return specs;
}
