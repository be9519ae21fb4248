/**
 * Volume transfer handlers: `volume-transfers` (cinder/api/v3/volume_transfer.py) and the legacy
 * `os-volume-transfer` (cinder/api/contrib/volume_transfer.py). Both share one domain API and one
 * view; they differ in the create body (`no_snapshots` on the new one from 3.55, by the spec) and
 * in paging (`marker` on the new one from 3.59).
 */
import { MV } from "../../contract/microversion";
import { transferNotFound, acceptTransfer, createTransfer, deleteTransfer, listTransfers, showTransfer } from "../../volume/api/transfers";
import type { PendingTransfer } from "../../db/repos/transfers";
import type { Handlers, HandlerRequest } from "../handler";
import { parsePaging, type Column } from "../query";
import type { SortKey } from "../../contract/paging";
import { pyRepr } from "../validate";
import { badRequest } from "../../contract/errors";
import { transferCreated, transferDetail, transferSummary, TRANSFER_COLLECTION } from "../views/transfers";
import { bodyFlag, collectionLinks } from "./common";

type Names = "createTransfer" | "listTransfers" | "listTransfersDetail" | "showTransfer" | "deleteTransfer" | "acceptTransfer";
type H = Pick<Handlers, Names | `${Names}Legacy`>;

const SORT_KEYS: Record<string, Column> = { created_at: { column: "created_at" }, id: { column: "id" } };
const SORTING = new Set(["sort", "sort_key", "sort_dir"]);

/** Rows in the order of `sort`, `id` breaking ties in the direction of the first key. */
function sorted(rows: PendingTransfer[], sort: readonly SortKey[]): PendingTransfer[] {
  const keys = [...sort, { column: "id", dir: sort[0]?.dir ?? "asc" }] as const;
  const value = (r: PendingTransfer, c: string) => (c === "id" ? r.id : r.created_at);
  return [...rows].sort((a, b) => {
    for (const k of keys) {
      const x = value(a, k.column);
      const y = value(b, k.column);
      if (x !== y) return (x < y ? -1 : 1) * (k.dir === "desc" ? -1 : 1);
    }
    return 0;
  });
}

/**
 * One page of the pending transfers (cinder/api/common.py `limited`): the legacy list, and the new
 * one below 3.59, in created_at, id ascending order; the new one from 3.59 sorted by `sort`
 * (default created_at desc) and paged by `marker` too (cinder/api/v3/volume_transfer.py).
 */
async function page(req: HandlerRequest<unknown>, legacy: boolean): Promise<{ rows: PendingTransfer[]; more: boolean }> {
  const paginated = !legacy && req.ctx.version >= MV.SUPPORT_TRANSFER_PAGINATION;
  const query = Object.fromEntries(Object.entries(req.query).filter(([k]) => paginated || !SORTING.has(k)));
  const p = parsePaging(query, SORT_KEYS, req.ctx.version, req.svc.config.maxLimit);
  let rows = await listTransfers(req.svc, req.ctx, req.query.all_tenants !== undefined);
  if (paginated) {
    rows = sorted(rows, p.sort);
    if (p.marker !== undefined) {
      const at = rows.findIndex((r) => r.id === p.marker);
      if (at < 0) throw transferNotFound(p.marker);
      rows = rows.slice(at + 1);
    }
  }
  const out = rows.slice(p.offset, p.offset + p.limit);
  return { rows: out, more: out.length === p.limit && out.length > 0 };
}

function list(detail: boolean, legacy: boolean) {
  return async (req: HandlerRequest<unknown>) => {
    const { rows, more } = await page(req, legacy);
    const view = (t: PendingTransfer) => (detail ? transferDetail(req.ctx, req.link, t) : transferSummary(req.link, t));
    return { body: { transfers: rows.map(view), ...collectionLinks(req, "transfers_links", TRANSFER_COLLECTION, more, rows.at(-1)?.id) } };
  };
}

type CreateBody = { transfer: { volume_id: string; name?: string | null; no_snapshots?: unknown } };

function create() {
  return async (req: HandlerRequest<CreateBody>) => {
    const b = req.body.transfer;
    // create_v355 adds the key (cinder/api/v3/volume_transfer.py); the spec's schema is the latest.
    if (b.no_snapshots !== undefined && req.ctx.version < MV.TRANSFER_WITH_SNAPSHOTS) {
      throw badRequest(`Invalid input for field/attribute transfer. Value: ${pyRepr(b)}. Additional properties are not allowed ('no_snapshots' was unexpected)`);
    }
    const { row, authKey } = await createTransfer(req.svc, req.ctx, {
      volumeId: b.volume_id,
      name: b.name === undefined || b.name === null ? null : b.name.trim(),
      noSnapshots: bodyFlag(b.no_snapshots) ?? false,
    });
    return { body: { transfer: transferCreated(req.ctx, req.link, row, authKey) } };
  };
}

const show = async (req: HandlerRequest<unknown>) => ({
  body: { transfer: transferDetail(req.ctx, req.link, await showTransfer(req.svc, req.ctx, req.params.transfer_id)) },
});

const remove = async (req: HandlerRequest<unknown>) => {
  await deleteTransfer(req.svc, req.ctx, req.params.transfer_id);
  return {};
};

const accept = async (req: HandlerRequest<{ accept: { auth_key: string | number } }>) => {
  const t = await acceptTransfer(req.svc, req.ctx, req.params.transfer_id, req.body.accept.auth_key);
  return { body: { transfer: transferSummary(req.link, t) } };
};

export const transferHandlers: H = {
  createTransfer: create(),
  listTransfers: list(false, false),
  listTransfersDetail: list(true, false),
  showTransfer: show,
  deleteTransfer: remove,
  acceptTransfer: accept,
  createTransferLegacy: create(),
  listTransfersLegacy: list(false, true),
  listTransfersDetailLegacy: list(true, true),
  showTransferLegacy: show,
  deleteTransferLegacy: remove,
  acceptTransferLegacy: accept,
};
