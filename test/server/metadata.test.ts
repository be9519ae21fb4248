/**
 * User metadata of volumes and snapshots (cinder/api/v2/volume_metadata.py, v3/snapshot_metadata.py):
 * list, create (merge), replace, show, update and delete one key — the same six operations on both.
 */
import assert from "node:assert/strict";
import { assertFault, createSnapshot, createVolume, volumeAction } from "../helpers/lifecycle";
import { forEachDialect } from "../helpers/suite";

const KINDS = [
  { kind: "volumes", key: "volume", Name: "Volume" },
  { kind: "snapshots", key: "snapshot", Name: "Snapshot" },
] as const;

forEachDialect("metadata", (fx) => {
  let volumeId: string;
  before(async () => {
    volumeId = (await createVolume(fx.c, "p1", { size: 1 })).id;
  });

  async function make(kind: "volumes" | "snapshots", metadata: Record<string, string>): Promise<string> {
    if (kind === "volumes") return (await createVolume(fx.c, "p1", { size: 1, metadata })).id;
    return (await createSnapshot(fx.c, "p1", volumeId, { metadata })).id;
  }

  for (const { kind, key, Name } of KINDS) {
    describe(kind, () => {
      it("lists the metadata given at create", async () => {
        const id = await make(kind, { a: "1", b: "2" });
        const r = await fx.c.get(`/v3/p1/${kind}/${id}/metadata`);
        assert.equal(r.status, 200);
        assert.deepEqual(r.body, { metadata: { a: "1", b: "2" } });
      });

      it("POST merges: new keys are added, existing keys overwritten, others kept", async () => {
        const id = await make(kind, { a: "1", b: "2" });
        const r = await fx.c.post(`/v3/p1/${kind}/${id}/metadata`, { metadata: { b: "20", c: "3" } });
        assert.equal(r.status, 200);
        assert.deepEqual(r.body, { metadata: { a: "1", b: "20", c: "3" } });
        const shown = await fx.c.get(`/v3/p1/${kind}/${id}`);
        assert.deepEqual(shown.body[key].metadata, { a: "1", b: "20", c: "3" });
      });

      it("PUT replaces the whole set, and an empty set clears it", async () => {
        const id = await make(kind, { a: "1", b: "2" });
        const r = await fx.c.put(`/v3/p1/${kind}/${id}/metadata`, { metadata: { z: "26" } });
        assert.equal(r.status, 200);
        assert.deepEqual(r.body, { metadata: { z: "26" } });
        assert.deepEqual((await fx.c.get(`/v3/p1/${kind}/${id}/metadata`)).body, { metadata: { z: "26" } });
        const cleared = await fx.c.put(`/v3/p1/${kind}/${id}/metadata`, { metadata: {} });
        assert.equal(cleared.status, 200);
        assert.deepEqual(cleared.body, { metadata: {} });
        assert.deepEqual((await fx.c.get(`/v3/p1/${kind}/${id}`)).body[key].metadata, {});
      });

      it("shows, updates and deletes one key", async () => {
        const id = await make(kind, { a: "1", b: "2" });
        const show = await fx.c.get(`/v3/p1/${kind}/${id}/metadata/a`);
        assert.equal(show.status, 200);
        assert.deepEqual(show.body, { meta: { a: "1" } });

        const upd = await fx.c.put(`/v3/p1/${kind}/${id}/metadata/a`, { meta: { a: "one" } });
        assert.equal(upd.status, 200);
        assert.deepEqual(upd.body, { meta: { a: "one" } });
        const added = await fx.c.put(`/v3/p1/${kind}/${id}/metadata/n`, { meta: { n: "new" } });
        assert.equal(added.status, 200, "PUT on a new key creates it");
        assert.deepEqual((await fx.c.get(`/v3/p1/${kind}/${id}/metadata`)).body.metadata, { a: "one", b: "2", n: "new" });

        const del = await fx.c.delete(`/v3/p1/${kind}/${id}/metadata/b`);
        assert.equal(del.status, 200);
        assert.deepEqual((await fx.c.get(`/v3/p1/${kind}/${id}/metadata`)).body.metadata, { a: "one", n: "new" });
        assertFault(await fx.c.get(`/v3/p1/${kind}/${id}/metadata/b`), 404, `${Name} ${id} has no metadata with key b.`);
        assertFault(await fx.c.delete(`/v3/p1/${kind}/${id}/metadata/b`), 404, `${Name} ${id} has no metadata with key b.`);
      });

      it("refuses a key update whose body does not match the URL", async () => {
        const id = await make(kind, { a: "1" });
        assertFault(await fx.c.put(`/v3/p1/${kind}/${id}/metadata/a`, { meta: { other: "x" } }), 400, "Request body and URI mismatch");
        assertFault(
          await fx.c.put(`/v3/p1/${kind}/${id}/metadata/a`, { meta: { a: "x", other: "y" } }),
          400,
          // The schema's maxProperties: 1 answers first (cinder/api/schemas/volume_metadata.py update).
          "Invalid input for field/attribute meta. Value: {'a': 'x', 'other': 'y'}. {'a': 'x', 'other': 'y'} has too many properties",
        );
        assert.deepEqual((await fx.c.get(`/v3/p1/${kind}/${id}/metadata`)).body.metadata, { a: "1" }, "nothing changed");
      });

      it("is the owner's: another project gets 404 on every operation", async () => {
        const id = await make(kind, { secret: "s" });
        const bob = fx.c.as("bob:p2");
        const notFound = `${Name} ${id} could not be found.`;
        assertFault(await bob.get(`/v3/p2/${kind}/${id}/metadata`), 404, notFound);
        assertFault(await bob.post(`/v3/p2/${kind}/${id}/metadata`, { metadata: { x: "1" } }), 404, notFound);
        assertFault(await bob.put(`/v3/p2/${kind}/${id}/metadata`, { metadata: {} }), 404, notFound);
        assertFault(await bob.get(`/v3/p2/${kind}/${id}/metadata/secret`), 404, notFound);
        assertFault(await bob.put(`/v3/p2/${kind}/${id}/metadata/secret`, { meta: { secret: "x" } }), 404, notFound);
        assertFault(await bob.delete(`/v3/p2/${kind}/${id}/metadata/secret`), 404, notFound);
        assert.deepEqual((await fx.c.get(`/v3/p1/${kind}/${id}/metadata`)).body.metadata, { secret: "s" });
      });

      it("on a missing resource answers 404", async () => {
        const missing = "00000000-0000-4000-8000-000000000000";
        assertFault(await fx.c.get(`/v3/p1/${kind}/${missing}/metadata`), 404, `${Name} ${missing} could not be found.`);
        assertFault(await fx.c.post(`/v3/p1/${kind}/${missing}/metadata`, { metadata: { a: "1" } }), 404);
      });
    });
  }

  it("refuses volume metadata writes in maintenance, and a delete while uploading, changing nothing", async () => {
    const id = await make("volumes", { a: "1" });
    assert.equal((await volumeAction(fx.admin, "p1", id, "os-reset_status", { status: "maintenance" })).status, 202);
    const updating = "Invalid volume: Updating volume metadata is not allowed for volumes in maintenance status.";
    assertFault(await fx.c.post(`/v3/p1/volumes/${id}/metadata`, { metadata: { b: "2" } }), 400, updating);
    assertFault(await fx.c.put(`/v3/p1/volumes/${id}/metadata`, { metadata: {} }), 400, updating);
    assertFault(await fx.c.put(`/v3/p1/volumes/${id}/metadata/a`, { meta: { a: "x" } }), 400, updating);
    assertFault(
      await fx.c.delete(`/v3/p1/volumes/${id}/metadata/a`),
      400,
      "Invalid volume: Deleting volume metadata is not allowed for volumes in maintenance status.",
    );
    assert.deepEqual((await fx.c.get(`/v3/p1/volumes/${id}/metadata`)).body.metadata, { a: "1" }, "nothing changed");

    assert.equal((await volumeAction(fx.admin, "p1", id, "os-reset_status", { status: "uploading" })).status, 202);
    assert.equal((await fx.c.post(`/v3/p1/volumes/${id}/metadata`, { metadata: { b: "2" } })).status, 200, "a merge is allowed while uploading");
    assertFault(
      await fx.c.delete(`/v3/p1/volumes/${id}/metadata/a`),
      400,
      "Invalid volume: Deleting volume metadata is not allowed for volumes in uploading status.",
    );
    assert.deepEqual((await fx.c.get(`/v3/p1/volumes/${id}/metadata`)).body.metadata, { a: "1", b: "2" });
    assert.equal((await volumeAction(fx.admin, "p1", id, "os-reset_status", { status: "available" })).status, 202);
  });

  it("keeps admin metadata (readonly) out of the user metadata list, but shows it on the volume", async () => {
    const id = await make("volumes", { a: "1" });
    assert.equal((await volumeAction(fx.c, "p1", id, "os-update_readonly_flag", { readonly: true })).status, 202);
    assert.deepEqual((await fx.c.get(`/v3/p1/volumes/${id}/metadata`)).body.metadata, { a: "1" });
    assert.deepEqual((await fx.c.get(`/v3/p1/volumes/${id}`)).body.volume.metadata, { a: "1", readonly: "True" });
    // Replacing the user metadata does not touch it.
    assert.equal((await fx.c.put(`/v3/p1/volumes/${id}/metadata`, { metadata: {} })).status, 200);
    assert.deepEqual((await fx.c.get(`/v3/p1/volumes/${id}`)).body.volume.metadata, { readonly: "True" });
  });
});
