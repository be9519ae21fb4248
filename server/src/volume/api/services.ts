/**
 * Services (cinder/api/contrib/services.py): what runs where, up or down by its heartbeat, and
 * enabling or disabling a volume host for scheduling (a disabled host gets no new volumes).
 */
import { listServices } from "../../db/repos/services";
import type { ServiceRow } from "../../db/schema";
import { now } from "../../db/time";
import type { RequestContext } from "../../contract/context";
import { invalidInput, notFound } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { Services } from "../../services";

/** Cinder's service_down_time. */
export const SERVICE_DOWN_SECONDS = 60;

export function isUp(s: ServiceRow): boolean {
  const t = s.updated_at ?? s.created_at;
  return Date.now() - Date.parse(t + "Z") <= SERVICE_DOWN_SECONDS * 1000;
}

export async function services(svc: Services, ctx: RequestContext, host?: string, binary?: string): Promise<ServiceRow[]> {
  authorize(ctx, "volume_extension:services:index");
  let rows = await listServices(svc.db.kysely, binary);
  if (host) rows = rows.filter((r) => r.host === host || r.host.startsWith(`${host}@`));
  return rows;
}

export async function setServiceDisabled(
  svc: Services,
  ctx: RequestContext,
  host: string | null | undefined,
  binary: string,
  disabled: boolean,
  reason: string | null,
): Promise<void> {
  authorize(ctx, "volume_extension:services:update");
  if (!host) throw invalidInput("Host field is missing.");
  const res = await svc.db.kysely
    .updateTable("services")
    .set({ disabled: disabled ? 1 : 0, disabled_reason: disabled ? reason : null, updated_at: now() })
    .where("host", "=", host)
    .where("binary", "=", binary)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw notFound(`Service ${binary} could not be found on host ${host}.`);
}
