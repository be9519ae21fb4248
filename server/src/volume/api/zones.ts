/** Availability zones: those of the enabled volume services (cinder/volume/api.py list_availability_zones). */
import { listServices } from "../../db/repos/services";
import type { DbDeps } from "./deps";
import { VOLUME_BINARY } from "../../contract/services";
import type { Zone } from "../../contract/api";

export async function availabilityZones(svc: DbDeps): Promise<Zone[]> {
  const services = await listServices(svc.db.kysely, VOLUME_BINARY);
  const zones = new Map<string, boolean>();
  for (const s of services) zones.set(s.availability_zone, (zones.get(s.availability_zone) ?? false) || s.disabled === 0);
  return [...zones.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, available]) => ({ name, available }));
}
