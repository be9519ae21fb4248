/**
 * Services (cinder/api/contrib/services.py): what runs where, up or down by its heartbeat, and
 * enabling or disabling a volume host for scheduling (a disabled host gets no new volumes).
 */
import { listServices, setDisabled } from "../../db/repos/services";
import type { ServiceRow } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import { invalidInput, notFound } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { ConfigDeps, DbDeps } from "./deps";
import { isServiceUp } from "../../contract/services";

/** Up by the configured service_down_time. */
export function isUp(svc: Pick<ConfigDeps, "config">, s: ServiceRow): boolean {
  return isServiceUp(s, svc.config.serviceDownTimeSeconds);
}

export async function services(svc: DbDeps, ctx: RequestContext, host?: string, binary?: string): Promise<ServiceRow[]> {
  authorize(ctx, "volume_extension:services:index");
  let rows = await listServices(svc.db.kysely, binary);
  if (host) rows = rows.filter((r) => r.host === host || r.host.startsWith(`${host}@`));
  return rows;
}

export async function setServiceDisabled(
  svc: DbDeps,
  ctx: RequestContext,
  host: string | null | undefined,
  binary: string,
  disabled: boolean,
  reason: string | null,
): Promise<void> {
  authorize(ctx, "volume_extension:services:update");
  if (!host) throw invalidInput("Host field is missing.");
  if (!(await setDisabled(svc.db.kysely, host, binary, disabled, reason))) throw notFound(`Service ${binary} could not be found on host ${host}.`);
}
