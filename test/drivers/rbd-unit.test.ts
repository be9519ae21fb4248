/**
 * The rbd driver without a cluster: its parsers on output recorded from Ceph 16.2 (rbd-lab.sh), its
 * options refused with clear errors, and the argument arrays it runs (a recording executor).
 */
import assert from "node:assert/strict";
import os from "node:os";
import { createDriver } from "../../server/src/drivers/registry";
import { connectsItself } from "../../server/src/drivers/interface";
import { parseChildren, parseDf, parseDuProvisioned, parseInfo, parseLsLong, parseMonAddrs, parseSnaps } from "../../server/src/drivers/rbd/rbd";
import type { RbdDriver } from "../../server/src/drivers/rbd/driver";
import { ExecError, type ExecOptions, type Executor } from "../../server/src/exec/executor";

const INFO_CLONE =
  '{"name":"volume-b","id":"101d80ac2563","size":1073741824,"objects":256,"order":22,"object_size":4194304,"snapshot_count":0,"block_name_prefix":"rbd_data.101d80ac2563","format":2,"features":["layering","exclusive-lock","object-map","fast-diff","deep-flatten"],"op_features":[],"flags":[],"create_timestamp":"Sun Dec  6 20:38:06 2026","access_timestamp":"Sun Dec  6 20:38:06 2026","modify_timestamp":"Sun Dec  6 20:38:06 2026","parent":{"pool":"volumes","pool_namespace":"","image":"volume-a","id":"1017f483ec5b","snapshot":"s1","trash":false,"overlap":1073741824}}';
const SNAP_LS = '[{"id":4,"name":"s1","size":1073741824,"protected":"true","timestamp":"Sun Dec  6 20:38:06 2026"},{"id":5,"name":"s2","size":2147483648,"protected":"false","timestamp":"Sun Dec  6 20:38:07 2026"}]';
const DU =
  '{"images":[{"name":"volume-a","id":"1017f483ec5b","snapshot":"s1","snapshot_id":4,"provisioned_size":1073741824,"used_size":0},{"name":"volume-a","id":"1017f483ec5b","provisioned_size":1073741824,"used_size":0},{"name":"volume-b","id":"101d80ac2563","provisioned_size":1073741824,"used_size":0}],"total_provisioned_size":2147483648,"total_used_size":0}';
const LS_L =
  '[{"image":"volume-a","id":"1017f483ec5b","size":1073741824,"format":2},{"image":"volume-a","id":"1017f483ec5b","snapshot":"s1","snapshot_id":4,"size":1073741824,"format":2,"protected":"true"},{"image":"volume-b","id":"101d80ac2563","size":1073741824,"parent":{"pool":"volumes","pool_namespace":"","image":"volume-a","snapshot":"s1"},"format":2}]';
const DF =
  '{"stats":{"total_bytes":4294967296,"total_avail_bytes":4294944091,"total_used_bytes":23205},"stats_by_class":{},"pools":[{"name":"volumes","id":1,"stats":{"stored":19,"objects":1,"kb_used":1,"bytes_used":1073741824,"percent_used":4.6e-09,"max_avail":4080195328}}]}';
const MON_DUMP =
  'dumped monmap epoch 1\n{"epoch":1,"fsid":"82b83db6-3d1a-4c72-8aaa-ee3151149c40","mons":[{"rank":0,"name":"a","public_addrs":{"addrvec":[{"type":"v2","addr":"127.0.0.1:57919","nonce":0},{"type":"v1","addr":"127.0.0.1:57265","nonce":0}]},"addr":"127.0.0.1:57265/0","public_addr":"127.0.0.1:57265/0"},{"rank":1,"name":"b","addr":"[fd00::2]:6789/0"}],"quorum":[0]}';

class Recorder implements Executor {
  calls: string[][] = [];
  constructor(private readonly answer: (argv: string[]) => string | ExecError) {}
  async run(cmd: string, args: readonly string[], _opts?: ExecOptions) {
    const argv = [cmd, ...args];
    this.calls.push(argv);
    const a = this.answer(argv);
    if (a instanceof ExecError) throw a;
    return { stdout: a, stderr: "", code: 0 };
  }
}

const enoent = (argv: string[]) => new ExecError(argv[0], argv.slice(1), 2, "", "rbd: error opening image: (2) No such file or directory", false);

function rbd(executor: Executor, options: Record<string, unknown> = {}): RbdDriver {
  return createDriver("rbd", { backendName: "ceph", dataDir: os.tmpdir(), executor, options: { pool: "volumes", cephConf: "/etc/ceph/lab.conf", ...options } }) as RbdDriver;
}

describe("rbd driver (no cluster)", () => {
  it("parses rbd and ceph JSON output", () => {
    assert.deepEqual(parseInfo(INFO_CLONE), { name: "volume-b", sizeBytes: 1073741824, parent: { pool: "volumes", image: "volume-a", snapshot: "s1" } });
    assert.deepEqual(parseSnaps(SNAP_LS).map((s) => [s.name, s.protected]), [["s1", true], ["s2", false]]);
    assert.deepEqual(parseChildren('[{"pool":"volumes","pool_namespace":"","image":"volume-b"}]'), ["volumes/volume-b"]);
    assert.equal(parseDuProvisioned(DU), 2 * 1073741824, "snapshots are not counted");
    assert.deepEqual(parseLsLong(LS_L), [
      { name: "volume-a", sizeBytes: 1073741824, parent: false },
      { name: "volume-b", sizeBytes: 1073741824, parent: true },
    ]);
    assert.deepEqual(parseDf(DF, "volumes"), { bytesUsed: 1073741824, maxAvail: 4080195328 });
    assert.equal(parseDf('{"stats":{},"pools":[]}', "volumes"), null);
    assert.deepEqual(parseMonAddrs(MON_DUMP), [
      { host: "127.0.0.1", port: "57265" },
      { host: "fd00::2", port: "6789" },
    ]);
  });

  it("refuses bad options with clear errors", () => {
    const ex = new Recorder(() => "");
    assert.throws(() => rbd(ex, { pools: "x" }), /Unknown rbd driver option\(s\) pools; known: pool, /);
    assert.throws(() => rbd(ex, { maxCloneDepth: -1 }), /'maxCloneDepth' must be an integer from 0 to 64/);
    assert.throws(() => rbd(ex, { storeChunkSize: 3 }), /'storeChunkSize' must be a power of two/);
    assert.throws(() => rbd(ex, { flattenVolumeFromSnapshot: "yes" }), /'flattenVolumeFromSnapshot' must be true or false/);
    assert.throws(() => rbd(ex, { user: "client.cinder" }), /without 'client\.'/);
    assert.throws(() => rbd(ex, { pool: "a/b" }), /'pool' must be a pool name/);
    assert.throws(() => rbd(ex, { keyring: "--admin-socket" }), /'keyring' must not start with '-'/);
    assert.equal(connectsItself(rbd(ex)), true);
  });

  it("runs argument arrays with Cinder's client arguments and the chunk size", async () => {
    const ex = new Recorder(() => "");
    await rbd(ex, { storeChunkSize: 8, keyring: "/etc/ceph/k" }).createVolume({ id: "0b9a1bd8-1f4d-4c0e-9d5a-1f2f0d1c2b3a", size: 2 });
    assert.deepEqual(ex.calls, [
      ["rbd", "--id", "cinder", "--cluster", "ceph", "--conf", "/etc/ceph/lab.conf", "--keyring", "/etc/ceph/k", "create", "--size", "2048M", "--object-size", "8M", "volumes/volume-0b9a1bd8-1f4d-4c0e-9d5a-1f2f0d1c2b3a"],
    ]);
  });

  it("deletes a missing volume or snapshot as a success", async () => {
    const ex = new Recorder(enoent);
    const d = rbd(ex);
    await d.deleteVolume({ id: "0b9a1bd8-1f4d-4c0e-9d5a-1f2f0d1c2b3a", size: 1 });
    await d.deleteSnapshot({ id: "1b9a1bd8-1f4d-4c0e-9d5a-1f2f0d1c2b3a", volumeId: "0b9a1bd8-1f4d-4c0e-9d5a-1f2f0d1c2b3a", volumeSize: 1 });
  });

  it("gives Cinder's connection info from the monitor map", async () => {
    const ex = new Recorder((argv) => (argv.includes("mon") ? MON_DUMP : ""));
    const ci = await rbd(ex, { user: "admin", secretUuid: "457eb676-33da-42ec-9a8c-9293d545c337" }).initializeConnection({ id: "0b9a1bd8-1f4d-4c0e-9d5a-1f2f0d1c2b3a", size: 1 }, "v-1");
    assert.deepEqual(ci, {
      driver_volume_type: "rbd",
      data: {
        name: "volumes/volume-0b9a1bd8-1f4d-4c0e-9d5a-1f2f0d1c2b3a",
        hosts: ["127.0.0.1", "fd00::2"],
        ports: ["57265", "6789"],
        cluster_name: "ceph",
        auth_enabled: true,
        auth_username: "admin",
        secret_type: "ceph",
        secret_uuid: "457eb676-33da-42ec-9a8c-9293d545c337",
        volume_id: "v-1",
        discard: false,
      },
    });
  });
});
