/**
 * Transfer representations (cinder/api/views/transfers.py). Links name `os-volume-transfer`
 * whichever API was asked: Cinder's view builder has that one collection name.
 */
import type { TransferRow } from "../../db/schema";
import { MV } from "../../contract/microversion";
import type { RequestContext } from "../../contract/context";
import { resourceLinks, type LinkBase } from "./links";

export const TRANSFER_COLLECTION = "os-volume-transfer";

type Viewable = Pick<TransferRow, "id" | "volume_id" | "display_name">;

export function transferSummary(link: LinkBase, t: Viewable): Record<string, unknown> {
  return { id: t.id, volume_id: t.volume_id, name: t.display_name, links: resourceLinks(link, TRANSFER_COLLECTION, t.id) };
}

/** The detail view, with the fields of 3.55 (no_snapshots) and 3.57 (history) when asked for. */
export function transferDetail(ctx: RequestContext, link: LinkBase, t: TransferRow): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: t.id,
    created_at: t.created_at,
    name: t.display_name,
    volume_id: t.volume_id,
    links: resourceLinks(link, TRANSFER_COLLECTION, t.id),
  };
  if (ctx.version >= MV.TRANSFER_WITH_SNAPSHOTS) out.no_snapshots = t.no_snapshots === 1;
  if (ctx.version >= MV.TRANSFER_WITH_HISTORY) {
    out.destination_project_id = t.destination_project_id;
    out.source_project_id = t.source_project_id;
    out.accepted = t.accepted === 1;
  }
  return out;
}

/** The create view: the detail view and the auth key, shown this once. */
export function transferCreated(ctx: RequestContext, link: LinkBase, t: TransferRow, authKey: string): Record<string, unknown> {
  return { ...transferDetail(ctx, link, t), auth_key: authKey };
}
