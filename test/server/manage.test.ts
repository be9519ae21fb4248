/**
 * Manage existing volumes on the file driver, through the API: a file dropped into the backend's
 * folder is listed as manageable, adopted as a volume (renamed to volume-<id>, its bytes kept, its
 * size rounded up to whole GiB), and then listed as already managed; plus Cinder's faults.
 */
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import path from "node:path";
import type { Client } from "../helpers/client";
import { assertFault, backendDir, exists, fileSize, GiB, MiB, readAt, volumeFile, writeAt } from "../helpers/lifecycle";
import { forEachDialect } from "../helpers/suite";
import { waitStatus } from "../helpers/wait";

const HOST = "testhost@file";

forEachDialect("manage existing volumes", (fx) => {
  const list = (query: string, detail = false, version = "3.8") =>
    fx.admin.get(`/v3/p1/manageable_volumes${detail ? "/detail" : ""}?${query}`, { version });
  const manage = (volume: Record<string, unknown>, c: Client = fx.admin, url = "/v3/p1/os-volume-manage") =>
    c.post(url, { volume }, { version: "3.8" });

  it("lists a foreign file as safe, manages it keeping its bytes, then lists it as already managed", async () => {
    const foreign = path.join(backendDir(fx.s), "legacy-disk.img");
    await fsp.writeFile(foreign, "");
    await fsp.truncate(foreign, GiB + 3 * MiB);
    const data = Buffer.from("data written before the volume was managed");
    await writeAt(foreign, 4096, data);
    await writeAt(foreign, GiB + MiB, data);

    const before = await list(`host=${HOST}`, true);
    assert.equal(before.status, 200);
    const entry = before.body["manageable-volumes"].find((e: any) => e.reference["source-name"] === "legacy-disk.img");
    assert.deepEqual(entry, {
      reference: { "source-name": "legacy-disk.img" },
      size: 2,
      safe_to_manage: true,
      reason_not_safe: null,
      cinder_id: null,
      extra_info: null,
    });

    const r = await manage({ host: HOST, ref: { "source-name": "legacy-disk.img" }, name: " adopted ", metadata: { k: "v" }, bootable: "true" });
    assert.equal(r.status, 202);
    const v = r.body.volume;
    assert.equal(v.status, "creating", "managing is shown as creating");
    assert.equal(v.size, 0);
    assert.equal(v.name, "adopted");
    assert.equal(v.bootable, "true");
    assert.deepEqual(v.metadata, { k: "v" });
    assert.equal(v.volume_type_id, undefined, "the v2 view: no microversioned fields");

    const done = await waitStatus(fx.admin, "volumes", "p1", v.id, "available");
    assert.equal(done.size, 2, "ceil(1 GiB + 3 MiB) = 2 GiB");
    assert.equal(await exists(foreign), false);
    const file = volumeFile(fx.s, v.id);
    assert.equal(await fileSize(file), 2 * GiB);
    assert.deepEqual(await readAt(file, 4096, data.length), data);
    assert.deepEqual(await readAt(file, GiB + MiB, data.length), data);

    const after = await list(`host=${HOST}`, true);
    const managed = after.body["manageable-volumes"].find((e: any) => e.reference["source-name"] === `volume-${v.id}`);
    assert.deepEqual(managed, {
      reference: { "source-name": `volume-${v.id}` },
      size: 2,
      safe_to_manage: false,
      reason_not_safe: "already managed",
      cinder_id: v.id,
      extra_info: null,
    });
    const summary = await list(`host=${HOST}`);
    assert.deepEqual(
      summary.body["manageable-volumes"].find((e: any) => e.reference["source-name"] === `volume-${v.id}`),
      { reference: { "source-name": `volume-${v.id}` }, size: 2, safe_to_manage: false },
    );

    const again = await manage({ host: HOST, ref: { "source-name": `volume-${v.id}` } });
    assertFault(again, 400, "Invalid volume: Unable to manage existing volume. The volume is already managed");
  });

  it("manages through the 3.8 path with a pool host, and pages and sorts the list", async () => {
    for (const [name, mib] of [["a.img", 1], ["b.img", 1500], ["c.img", 10]] as const) {
      const f = path.join(backendDir(fx.s), name);
      await fsp.writeFile(f, "");
      await fsp.truncate(f, mib * MiB);
    }
    const page = await list(`host=${HOST}&sort=reference:asc&limit=1&marker=${encodeURIComponent('{"source-name": "a.img"}')}`);
    assert.deepEqual(page.body["manageable-volumes"].map((e: any) => e.reference["source-name"]), ["b.img"]);
    const bySize = await list(`host=${HOST}&sort=size:asc,reference:desc&limit=2`);
    assert.deepEqual(bySize.body["manageable-volumes"].map((e: any) => e.reference["source-name"]), ["c.img", "a.img"]);
    const skipped = await list(`host=${HOST}&sort=size:asc,reference:desc&limit=1&offset=1`);
    assert.deepEqual(skipped.body["manageable-volumes"].map((e: any) => e.reference["source-name"]), ["a.img"]);
    assertFault(await list(`host=${HOST}&sort=name`), 400, "Invalid sort keys passed: name");

    const r = await manage({ host: `${HOST}#file`, ref: { "source-name": "c.img" } }, fx.admin, "/v3/p1/manageable_volumes");
    assert.equal(r.status, 202);
    const done = await waitStatus(fx.admin, "volumes", "p1", r.body.volume.id, "available");
    assert.equal(done.size, 1);
    assert.equal(done["os-vol-host-attr:host"], `${HOST}#file`);
  });

  it("a reference naming nothing ends in error_managing; a bad ref is not accepted", async () => {
    const r = await manage({ host: HOST, ref: { "source-name": "no-such-file" } });
    assert.equal(r.status, 202);
    await waitStatus(fx.admin, "volumes", "p1", r.body.volume.id, "error");
    const noName = await manage({ host: HOST, ref: { "other-key": "x" } });
    assert.equal(noName.status, 202);
    await waitStatus(fx.admin, "volumes", "p1", noName.body.volume.id, "error");
    assertFault(await manage({ host: HOST }), 400, /'ref' is a required property/);
  });

  it("answers Cinder's faults for hosts, versions and policy", async () => {
    assertFault(await manage({ host: "nohost@nobackend", ref: { "source-name": "x" } }), 400, "Host 'nohost@nobackend' not found");
    assertFault(await manage({ ref: { "source-name": "x" } }), 400, "Invalid input received: Host field is missing.");
    assertFault(await list(`host=nohost@x`), 404, "Service cinder-volume could not be found on host nohost@x.");
    assertFault(await list(""), 400, "Invalid input received: Host field is missing.");
    assertFault(await list("", false, "3.17"), 400, "Invalid input received: One and only one of cluster and host must be set.");
    assertFault(await list(`host=${HOST}`, false, "3.7"), 404);
    const member = fx.s.client.as("alice:p1");
    assertFault(await manage({ host: HOST, ref: { "source-name": "x" } }, member), 403, "Policy doesn't allow volume_extension:volume_manage to be performed.");
    assertFault(await member.get(`/v3/p1/manageable_volumes?host=${HOST}`, { version: "3.8" }), 403,
      "Policy doesn't allow volume_extension:list_manageable to be performed.");
    const legacy = await fx.admin.get(`/v3/p1/os-volume-manage/detail?host=${HOST}`, { version: "3.0" });
    assert.equal(legacy.status, 200);
  });
});
