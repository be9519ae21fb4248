/**
 * Live: a volume given to another project through the SDK, with built-in identity and with noauth:
 * `transfers.create` (with its snapshot left behind), `get`, `list`, a wrong key refused, `accept`
 * by a member of the other project, and the legacy `osVolumeTransfers` offered then withdrawn.
 */
import assert from "node:assert/strict";
import { connect, isNotFound, type CinderClient } from "../../sdk/src";
import { forEachMode, QUICK, type Live } from "./helpers";

/** A client of a member of `project`: a new user with the member role, or the noauth token of one. */
async function memberOf(live: Live, project: string): Promise<CinderClient> {
  const { client, server } = live;
  if (server.mode === "noauth") return connect({ env: { ...server.env, OS_USER_ID: "taker", OS_PROJECT_ID: project } });
  const name = `taker-${Date.now()}`;
  const password = "Taker-secret-1234";
  const user = await client.request("post", "/identity/v3/users", { body: { user: { name, password, default_project_id: project } }, ok: [201] });
  const roles = await client.request("get", "/identity/v3/roles", { query: { name: "member" }, ok: [200] });
  await client.request("put", "/identity/v3/projects/{project_id}/users/{user_id}/roles/{role_id}", {
    path: { project_id: project, user_id: user.data.user.id, role_id: roles.data.roles[0].id },
    ok: [204],
  });
  const { OS_PROJECT_NAME: _n, ...env } = server.env;
  return connect({ env: { ...env, OS_USERNAME: name, OS_PASSWORD: password, OS_PROJECT_ID: project } });
}

describe("sdk live: volume transfers", () => {
  forEachMode((live) => {
    it("gives a volume to another project, its snapshot left behind", async () => {
      const { client, otherProject } = live();
      const taker = await memberOf(live(), otherProject);
      const v = await client.volumes.waitFor(await client.volumes.create({ size: 1 }), "available", QUICK);
      const s = await client.snapshots.waitFor(await client.snapshots.create({ volume_id: v.id }), "available", QUICK);

      const t = await client.transfers.create({ volume_id: v.id, name: "gift", no_snapshots: true });
      assert.match(t.auth_key, /^[0-9a-f]{16}$/);
      assert.equal(t.no_snapshots, true);
      assert.equal((await client.volumes.get(v)).status, "awaiting-transfer");
      const shown = await client.transfers.get(t);
      assert.equal(shown.name, "gift");
      assert.ok((await client.transfers.list().all()).some((x) => x.id === t.id));
      assert.ok((await client.transfers.listBrief().all()).some((x) => x.id === t.id));

      await assert.rejects(taker.transfers.accept(t, "0000000000000000"), (e: Error) => /Invalid auth key/.test(e.message));
      const accepted = await taker.transfers.accept(t, t.auth_key);
      assert.equal(accepted.volume_id, v.id);
      const mine = await taker.volumes.get(v);
      assert.equal(mine.status, "available");
      assert.equal((await client.snapshots.get(s)).volume_id, v.id, "the snapshot stays with the donor");
      await assert.rejects(client.transfers.get(t), (e: unknown) => isNotFound(e));

      // The legacy API: offered back, then withdrawn.
      const back = await taker.osVolumeTransfers.create({ volume_id: v.id });
      assert.deepEqual((await taker.osVolumeTransfers.list().all()).map((x) => x.id), [back.id]);
      assert.equal((await taker.osVolumeTransfers.get(back)).id, back.id);
      assert.equal((await taker.osVolumeTransfers.listBrief().all()).length, 1);
      await taker.osVolumeTransfers.delete(back);
      assert.equal((await taker.volumes.get(v)).status, "available");
      await assert.rejects(client.osVolumeTransfers.accept(back, back.auth_key), (e: unknown) => isNotFound(e));
    });
  });
});
