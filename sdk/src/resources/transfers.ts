/**
 * Volume transfers (api-ref "Volume transfers", cinder/api/v3/volume_transfer.py and the legacy
 * cinder/api/contrib/volume_transfer.py): offer a volume to another project, which accepts it with
 * the auth key shown once at creation. `transfers` speaks `volume-transfers` (no_snapshots from
 * 3.55, history fields from 3.57, marker paging from 3.59); `osVolumeTransfers` the legacy
 * `os-volume-transfer`, whose list pages by `limit`/`offset` only (its pager reads one page).
 */
import type { CinderClient } from "../client";
import { MV } from "../microversions";
import { paginate, type Pager } from "../paginate";
import type { CallOptions, Op, QueryInput, QueryParams, Schemas } from "../types";
import { idOf, type Ref } from "../wait";

export type Transfer = Schemas["Transfer"];
export type TransferSummary = Schemas["TransferSummary"];
/** The create answer: the transfer and its `auth_key`, shown this once. */
export type CreatedTransfer = Schemas["TransferCreated"];
export type TransferCreate = Schemas["TransferCreateRequest"]["transfer"];
export type TransferListQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/volume-transfers/detail", "get">>>;

export function transfers(c: CinderClient) {
  const at = (ref: Ref) => ({ transfer_id: idOf(ref) });
  return {
    /** Pending transfers in detail, every page (`all_tenants` for an admin; `marker` paging needs 3.59). */
    list: (query?: TransferListQuery, opts?: CallOptions): Pager<Transfer> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/volume-transfers/detail", { query: q, ok: [200], ...opts });
        return { items: data.transfers, links: data.transfers_links };
      }, query),

    /** Pending transfers with their summary fields. */
    listBrief: (query?: TransferListQuery, opts?: CallOptions): Pager<TransferSummary> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/volume-transfers", { query: q, ok: [200], ...opts });
        return { items: data.transfers, links: data.transfers_links };
      }, query),

    get: async (ref: Ref, opts?: CallOptions): Promise<Transfer> =>
      (await c.request("get", "/v3/{project_id}/volume-transfers/{transfer_id}", { path: at(ref), ok: [200], ...opts })).data.transfer,

    /** Offer an `available` volume; the answer carries the `auth_key`. `no_snapshots` needs 3.55. */
    create: async (transfer: TransferCreate, opts?: CallOptions): Promise<CreatedTransfer> =>
      (
        await c.request("post", "/v3/{project_id}/volume-transfers", {
          body: { transfer },
          ok: [202],
          ...(transfer.no_snapshots !== undefined ? { minVersion: MV.TRANSFER_WITH_SNAPSHOTS } : {}),
          ...opts,
        })
      ).data.transfer,

    /** Withdraw the offer; the volume is `available` again. */
    delete: async (ref: Ref, opts?: CallOptions): Promise<void> => {
      await c.request("delete", "/v3/{project_id}/volume-transfers/{transfer_id}", { path: at(ref), ok: [202], ...opts });
    },

    /** Take the volume into the caller's project with the donor's `auth_key`. */
    accept: async (ref: Ref, authKey: string, opts?: CallOptions): Promise<TransferSummary> =>
      (
        await c.request("post", "/v3/{project_id}/volume-transfers/{transfer_id}/accept", {
          path: at(ref),
          body: { accept: { auth_key: authKey } },
          ok: [202],
          ...opts,
        })
      ).data.transfer,
  };
}

export type LegacyTransferCreate = Schemas["TransferCreateLegacyRequest"]["transfer"];
export type LegacyTransferListQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/os-volume-transfer/detail", "get">>>;

/** The legacy `os-volume-transfer` API (no `no_snapshots`; one page per list). */
export function osVolumeTransfers(c: CinderClient) {
  const at = (ref: Ref) => ({ transfer_id: idOf(ref) });
  return {
    list: (query?: LegacyTransferListQuery, opts?: CallOptions): Pager<Transfer> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/os-volume-transfer/detail", { query: q, ok: [200], ...opts });
        return { items: data.transfers };
      }, query),

    listBrief: (query?: LegacyTransferListQuery, opts?: CallOptions): Pager<TransferSummary> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/os-volume-transfer", { query: q, ok: [200], ...opts });
        return { items: data.transfers };
      }, query),

    get: async (ref: Ref, opts?: CallOptions): Promise<Transfer> =>
      (await c.request("get", "/v3/{project_id}/os-volume-transfer/{transfer_id}", { path: at(ref), ok: [200], ...opts })).data.transfer,

    create: async (transfer: LegacyTransferCreate, opts?: CallOptions): Promise<CreatedTransfer> =>
      (await c.request("post", "/v3/{project_id}/os-volume-transfer", { body: { transfer }, ok: [202], ...opts })).data.transfer,

    delete: async (ref: Ref, opts?: CallOptions): Promise<void> => {
      await c.request("delete", "/v3/{project_id}/os-volume-transfer/{transfer_id}", { path: at(ref), ok: [202], ...opts });
    },

    accept: async (ref: Ref, authKey: string, opts?: CallOptions): Promise<TransferSummary> =>
      (
        await c.request("post", "/v3/{project_id}/os-volume-transfer/{transfer_id}/accept", {
          path: at(ref),
          body: { accept: { auth_key: authKey } },
          ok: [202],
          ...opts,
        })
      ).data.transfer,
  };
}
