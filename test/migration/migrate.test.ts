/**
 * os-migrate_volume between two file backends of one server, over HTTP: the data moves bit for
 * bit and the old storage goes; Cinder's refusals; a destination the scheduler's filters refuse;
 * os-migrate_volume_completion on its own; retype with migration_policy on-demand.
 */
import assert from "node:assert/strict";
import { openDb } from "../../server/src/db/database";
import { forEachDialect, type ServerFixture } from "../helpers/suite";
import { assertContent, assertFault, createSnapshot, createVolume, deleteVolume, exists, scribble, volumeAction, volumeFile } from "../helpers/lifecycle";
import { waitFor } from "../helpers/wait";

const P = "p1";
const BACKENDS = { backends: [
  { name: "a", driver: "file" as const, options: {} },
  { name: "b", driver: "file" as const, options: {} },
] };

/** The admin view of a volume (host, migration status, name_id). */
export async function adminView(fx: ServerFixture, id: string): Promise<any> {
  const r = await fx.admin.get(`/v3/${P}/volumes/${id}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.volume;
}

export function backendOfHost(host: string): string {
  return host.split("@")[1].split("#")[0];
}

forEachDialect("volume migration", BACKENDS, function (fx) {
  this.timeout(120_000);
  const migrate = (id: string, body: unknown, version?: string) => volumeAction(fx.admin, P, id, "os-migrate_volume", body, version);
  const complete = (id: string, body: unknown) => volumeAction(fx.admin, P, id, "os-migrate_volume_completion", body);

  before(async () => {
    for (const [name, specs] of [
      ["on-a", { volume_backend_name: "a" }],
      ["on-b", { volume_backend_name: "b" }],
    ] as const) {
      const t = await fx.admin.post(`/v3/${P}/types`, { volume_type: { name, extra_specs: specs } });
      assert.equal(t.status, 200, JSON.stringify(t.body));
    }
  });

  async function onA(size = 1): Promise<any> {
    const v = await createVolume(fx.c, P, { size, volume_type: "on-a" });
    assert.equal(backendOfHost((await adminView(fx, v.id))["os-vol-host-attr:host"]), "a");
    return v;
  }

  /** A volume of the default type (either backend satisfies it): where it is, and the other backend. */
  async function untyped(size = 1): Promise<{ v: any; src: string; dst: string }> {
    const v = await createVolume(fx.c, P, { size });
    const src = backendOfHost((await adminView(fx, v.id))["os-vol-host-attr:host"]);
    return { v, src, dst: src === "a" ? "b" : "a" };
  }

  async function settled(id: string): Promise<any> {
    return waitFor(async () => {
      const v = await adminView(fx, id);
      return ["success", "error"].includes(v.migration_status) && v.status !== "retyping" ? v : undefined;
    }, `the migration of ${id} to end`, 60_000);
  }

  async function usage(): Promise<any> {
    return (await fx.admin.get(`/v3/${P}/os-quota-sets/${P}?usage=true`)).body.quota_set;
  }

  async function rowCount(): Promise<number> {
    const db = openDb(fx.s.db.url);
    try {
      return (await db.kysely.selectFrom("volumes").select("id").where("project_id", "=", P).execute()).length;
    } finally {
      await db.close();
    }
  }

  it("moves the data to the other backend bit for bit; the volume keeps its id and its old storage goes", async () => {
    const { v, src, dst } = await untyped(1);
    const pattern = await scribble(volumeFile(fx.s, v.id, src), 1);
    const before = await usage();
    assert.equal((await migrate(v.id, { host: `testhost@${dst}`, force_host_copy: false })).status, 202);
    const done = await settled(v.id);
    assert.equal(done.migration_status, "success");
    assert.equal(done.status, "available");
    assert.equal(done["os-vol-host-attr:host"], `testhost@${dst}#${dst}`);
    const nameId = done["os-vol-mig-status-attr:name_id"];
    assert.ok(nameId && nameId !== v.id, "the volume's storage is the target's");
    await assertContent(volumeFile(fx.s, nameId, dst), pattern, "the migrated volume");
    assert.equal(await exists(volumeFile(fx.s, v.id, src)), false, "the old storage is gone");
    assert.equal((await fx.admin.get(`/v3/${P}/volumes/${nameId}`)).status, 404, "the target row is gone");
    const after = await usage();
    assert.equal(after.volumes.in_use, before.volumes.in_use);
    assert.equal(after.gigabytes.in_use, before.gigabytes.in_use);
    // The volume is an ordinary one again: it can be snapshotted and deleted, and the delete
    // removes the storage under its name_id.
    await createSnapshot(fx.c, P, v.id).then((s) => fx.c.delete(`/v3/${P}/snapshots/${s.id}`));
    await waitFor(async () => ((await fx.c.get(`/v3/${P}/snapshots?volume_id=${v.id}`)).body.snapshots.length === 0 ? true : undefined), "the snapshot gone");
    await deleteVolume(fx.c, P, v.id);
    assert.equal(await exists(volumeFile(fx.s, nameId, dst)), false, "the delete removed the migrated storage");
  });

  it("locks the volume with lock_volume and returns it to available", async () => {
    const { v, dst } = await untyped(1);
    assert.equal((await migrate(v.id, { host: `testhost@${dst}#${dst}`, lock_volume: true })).status, 202);
    assert.equal((await adminView(fx, v.id)).status, "maintenance", "locked while it migrates");
    const done = await settled(v.id);
    assert.equal(done.migration_status, "success");
    assert.equal(done.status, "available");
    assert.equal(done["os-vol-host-attr:host"], `testhost@${dst}#${dst}`);
  });

  it("refuses what Cinder refuses", async () => {
    const v = await onA(1);
    assertFault(await volumeAction(fx.c, P, v.id, "os-migrate_volume", { host: "testhost@b" }), 403,
      "Policy doesn't allow volume_extension:volume_admin_actions:migrate_volume to be performed.");
    assertFault(await migrate(v.id, {}, "3.0"), 400, "Invalid input received: Host field is missing.");
    assertFault(await migrate(v.id, {}), 400, "Invalid input received: One and only one of cluster and host must be set.");
    assertFault(await migrate(v.id, { host: "testhost@b", cluster: "c@b" }, "3.15"), 400, /Additional properties are not allowed \('cluster' was unexpected\)/);
    assertFault(await migrate(v.id, { host: "testhost@b", cluster: "c@b" }, "3.16"), 400, "Invalid input received: One and only one of cluster and host must be set.");
    assertFault(await migrate(v.id, { cluster: "nosuch@b" }, "3.16"), 400, "Invalid host: No available service named 'nosuch@b'");
    assertFault(await migrate(v.id, { host: "testhost@nosuch" }), 400, "Invalid host: No available service named 'testhost@nosuch'");
    assertFault(await migrate(v.id, { host: "testhost@b", force_host_copy: "maybe" }), 400);
    const busy = `Invalid volume: Volume ${v.id} status must be available or in-use, must not be migrating, have snapshots, be replicated, be part of a group and destination host/cluster must be different than the current one`;
    assertFault(await migrate(v.id, { host: "testhost@a#a" }), 400, busy);
    // A migration already under way.
    assert.equal((await volumeAction(fx.admin, P, v.id, "os-reset_status", { migration_status: "migrating" })).status, 202);
    assertFault(await migrate(v.id, { host: "testhost@b" }), 400, busy);
    // ... and a delete is refused meanwhile, as Cinder refuses it.
    assertFault(await fx.c.delete(`/v3/${P}/volumes/${v.id}`), 400,
      "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.");
    assert.equal((await volumeAction(fx.admin, P, v.id, "os-reset_status", { migration_status: "none" })).status, 202);
    // Snapshots.
    const s = await createSnapshot(fx.c, P, v.id);
    assertFault(await migrate(v.id, { host: "testhost@b" }), 400, busy);
    await fx.c.delete(`/v3/${P}/snapshots/${s.id}`);
    await waitFor(async () => ((await fx.c.get(`/v3/${P}/snapshots/${s.id}`)).status === 404 ? true : undefined), "the snapshot gone");
    // A disabled destination.
    const off = await fx.admin.put(`/v3/${P}/os-services/disable`, { host: "testhost@b", binary: "cinder-volume" });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assertFault(await migrate(v.id, { host: "testhost@b" }), 400, "Invalid host: No available service named 'testhost@b'");
    assert.equal((await fx.admin.put(`/v3/${P}/os-services/enable`, { host: "testhost@b", binary: "cinder-volume" })).status, 200);
    // Attached: there is no compute service to swap the volume.
    assert.equal((await volumeAction(fx.c, P, v.id, "os-attach", { instance_uuid: "5f6c9a62-4d3a-4c1b-9d4e-0a1b2c3d4e5f", mountpoint: "/dev/vdb" })).status, 202);
    assertFault(await migrate(v.id, { host: "testhost@b" }), 400, /is in-use: an attached volume can only be migrated by the compute service/);
    assert.equal((await volumeAction(fx.c, P, v.id, "os-detach", {})).status, 202);
    const shown = await adminView(fx, v.id);
    assert.equal(shown.migration_status, null);
    assert.equal(backendOfHost(shown["os-vol-host-attr:host"]), "a");
  });

  it("ends in migration_status error when the destination does not pass the scheduler's filters", async () => {
    const v = await onA(1);
    const pattern = await scribble(volumeFile(fx.s, v.id, "a"), 1);
    // The volume's type wants backend a: b fails the capabilities filter (NoValidBackend).
    assert.equal((await migrate(v.id, { host: "testhost@b", lock_volume: true })).status, 202);
    const done = await settled(v.id);
    assert.equal(done.migration_status, "error");
    assert.equal(done.status, "available", "the lock is released");
    assert.equal(done["os-vol-host-attr:host"], "testhost@a#a");
    assert.equal(done["os-vol-mig-status-attr:name_id"], null);
    await assertContent(volumeFile(fx.s, v.id, "a"), pattern, "the volume left in place");
    // An error is no migration in progress: the volume can be migrated (and deleted) again.
    assert.equal((await volumeAction(fx.admin, P, v.id, "os-retype", { new_type: "on-b", migration_policy: "on-demand" })).status, 202);
    const moved = await settled(v.id);
    assert.equal(moved.migration_status, "success");
    await assertContent(volumeFile(fx.s, moved["os-vol-mig-status-attr:name_id"], "b"), pattern, "the volume retyped to b");
  });

  it("retypes with migration_policy on-demand by migrating; never keeps refusing", async () => {
    const v = await onA(2);
    const pattern = await scribble(volumeFile(fx.s, v.id, "a"), 2);
    const before = await usage();
    assert.equal((await volumeAction(fx.c, P, v.id, "os-retype", { new_type: "on-b", migration_policy: "never" })).status, 202);
    const refused = await waitFor(async () => {
      const r = await adminView(fx, v.id);
      return r.status === "available" ? r : undefined;
    }, "the refused retype");
    assert.equal(refused.volume_type, "on-a");
    assert.equal(refused.migration_status, null);
    assert.equal((await volumeAction(fx.c, P, v.id, "os-retype", { new_type: "on-b", migration_policy: "on-demand" })).status, 202);
    const done = await settled(v.id);
    assert.equal(done.migration_status, "success");
    assert.equal(done.status, "available");
    assert.equal(done.volume_type, "on-b");
    assert.equal(done["os-vol-host-attr:host"], "testhost@b#b");
    await assertContent(volumeFile(fx.s, done["os-vol-mig-status-attr:name_id"], "b"), pattern, "the retyped volume");
    assert.equal(await exists(volumeFile(fx.s, v.id, "a")), false);
    const after = await usage();
    assert.equal(after["volumes_on-b"].in_use, (before["volumes_on-b"]?.in_use ?? 0) + 1);
    assert.equal(after["gigabytes_on-a"].in_use, before["gigabytes_on-a"].in_use - 2);
    assert.equal(after.volumes.in_use, before.volumes.in_use);
  });

  describe("os-migrate_volume_completion", () => {
    /** X on a, migrating; Y on b made its target (as a migration in progress leaves them). */
    async function midMigration(): Promise<{ x: any; y: any }> {
      const x = await onA(1);
      const y = await createVolume(fx.c, P, { size: 1, volume_type: "on-b" });
      const db = openDb(fx.s.db.url);
      try {
        await db.kysely.updateTable("volumes").set({ migration_status: "migrating" }).where("id", "=", x.id).execute();
        await db.kysely.updateTable("volumes").set({ migration_status: `target:${x.id}` }).where("id", "=", y.id).execute();
      } finally {
        await db.close();
      }
      return { x, y };
    }

    it("answers the new volume's id when neither is migrating, and refuses half a migration", async () => {
      const x = await onA(1);
      const y = await onA(1);
      const r = await complete(x.id, { new_volume: y.id });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body, { save_volume_id: y.id });
      assertFault(await volumeAction(fx.c, P, x.id, "os-migrate_volume_completion", { new_volume: y.id }), 403,
        "Policy doesn't allow volume_extension:volume_admin_actions:migrate_volume_completion to be performed.");
      assertFault(await complete(x.id, { new_volume: "00000000-0000-4000-8000-000000000000" }), 404);
      assertFault(await complete(x.id, {}), 400);
      assert.equal((await volumeAction(fx.admin, P, x.id, "os-reset_status", { migration_status: "migrating" })).status, 202);
      assertFault(await complete(x.id, { new_volume: y.id }), 400, "Invalid volume: Destination volume not mid-migration.");
      assertFault(await complete(y.id, { new_volume: x.id }), 400, "Invalid volume: Source volume not mid-migration.");
      assert.equal((await volumeAction(fx.admin, P, y.id, "os-reset_status", { migration_status: "migrating" })).status, 202);
      assertFault(await complete(x.id, { new_volume: y.id }), 400, `Invalid volume: Destination has migration_status migrating, expected target:${x.id}.`);
    });

    it("swaps the source onto the target's storage", async () => {
      const { x, y } = await midMigration();
      const r = await complete(x.id, { new_volume: y.id });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body, { save_volume_id: x.id });
      const v = await adminView(fx, x.id);
      assert.equal(v.migration_status, "success");
      assert.equal(v["os-vol-host-attr:host"], "testhost@b#b");
      assert.equal(v["os-vol-mig-status-attr:name_id"], y.id);
      assert.equal((await fx.admin.get(`/v3/${P}/volumes/${y.id}`)).status, 404);
      assert.equal(await exists(volumeFile(fx.s, x.id, "a")), false, "the source's old storage is gone");
      assert.ok(await exists(volumeFile(fx.s, y.id, "b")), "the target's storage is the volume's now");
    });

    it("with error, removes the target and leaves the source in migration_status error", async () => {
      const { x, y } = await midMigration();
      const r = await complete(x.id, { new_volume: y.id, error: true });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body, { save_volume_id: x.id });
      const v = await adminView(fx, x.id);
      assert.equal(v.migration_status, "error");
      assert.equal(v["os-vol-host-attr:host"], "testhost@a#a");
      assert.equal((await fx.admin.get(`/v3/${P}/volumes/${y.id}`)).status, 404);
      assert.equal(await exists(volumeFile(fx.s, y.id, "b")), false);
      assert.ok(await exists(volumeFile(fx.s, x.id, "a")));
    });
  });

  it("lists and counts no migration target", async () => {
    const x = await onA(1);
    const db = openDb(fx.s.db.url);
    try {
      const rows = await rowCount();
      const y = await createVolume(fx.c, P, { size: 1 });
      await db.kysely.updateTable("volumes").set({ migration_status: `target:${x.id}` }).where("id", "=", y.id).execute();
      const listed = await fx.admin.get(`/v3/${P}/volumes/detail?all_tenants=1&with_count=true`, { version: "3.45" });
      assert.equal(listed.status, 200);
      assert.ok(!listed.body.volumes.some((v: any) => v.id === y.id), "the target is not listed");
      assert.equal(listed.body.count, rows);
      await db.kysely.updateTable("volumes").set({ migration_status: null }).where("id", "=", y.id).execute();
    } finally {
      await db.close();
    }
  });
});
