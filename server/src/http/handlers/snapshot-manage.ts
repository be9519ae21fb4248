/**
 * Manage existing snapshots (cinder/api/contrib/snapshot_manage.py, cinder/api/v3/snapshot_manage.py,
 * cinder/api/contrib/snapshot_unmanage.py): the 3.8 `manageable_snapshots` paths and the legacy
 * `os-snapshot-manage` extension paths share these handlers; `os-unmanage` is a snapshot action.
 */
import type { ManageableSnapshot } from "../../drivers/interface";
import { listManageableSnapshots, manageSnapshot, unmanageSnapshot } from "../../volume/api/manage-snapshots";
import type { Handler, Handlers } from "../handler";
import { MV } from "../../contract/microversion";
import { snapshotDetail } from "../views/snapshots";
import { manageableQuery } from "./volume-manage";

type ManageHandlers = Pick<
  Handlers,
  | "manageSnapshot"
  | "manageSnapshotLegacy"
  | "listManageableSnapshots"
  | "listManageableSnapshotsDetail"
  | "listManageableSnapshotsLegacy"
  | "listManageableSnapshotsDetailLegacy"
  | "unmanageSnapshot"
>;

const manage: Handler<Parameters<Handlers["manageSnapshot"]>[0]["body"]> = async (req) => {
  const b = req.body.snapshot;
  const metadata = b.metadata ?? {};
  const row = await manageSnapshot(req.svc, req.ctx, {
    volumeId: b.volume_id,
    ref: b.ref,
    name: b.name ?? undefined,
    description: b.description ?? undefined,
    metadata,
  });
  // Cinder answers with its v2 view builder (cinder/api/views/snapshots.py detail): no microversioned fields.
  return { body: { snapshot: snapshotDetail({ ...req.ctx, version: MV.BASE }, row, metadata, false) } };
};

const summary = (e: ManageableSnapshot) => ({
  reference: { "source-name": e.sourceName },
  size: e.sizeGb,
  safe_to_manage: e.safe,
  source_reference: e.sourceReference,
});
const detail = (e: ManageableSnapshot) => ({
  ...summary(e),
  reason_not_safe: e.reasonNotSafe,
  cinder_id: e.cinderId,
  extra_info: e.extraInfo,
});

function list(view: (e: ManageableSnapshot) => Record<string, unknown>): Handler<unknown> {
  return async (req) => {
    const entries = await listManageableSnapshots(req.svc, req.ctx, manageableQuery(req, "snapshot_extension:list_manageable"));
    return { body: { "manageable-snapshots": entries.map(view) } };
  };
}

export const snapshotManageHandlers: ManageHandlers = {
  manageSnapshot: manage,
  manageSnapshotLegacy: manage,
  listManageableSnapshots: list(summary),
  listManageableSnapshotsDetail: list(detail),
  listManageableSnapshotsLegacy: list(summary),
  listManageableSnapshotsDetailLegacy: list(detail),
  unmanageSnapshot: async (req) => {
    await unmanageSnapshot(req.svc, req.ctx, req.params.snapshot_id);
    return {};
  },
};
