/**
 * Live: the legacy attach family through the SDK's named wrappers, each call checked on the
 * server: reserve/unreserve, initializeConnection (the connection info answered), attach,
 * beginDetaching/rollDetaching, terminateConnection and detach.
 */
import assert from "node:assert/strict";
import { forEachMode, QUICK } from "./helpers";

const CONNECTOR = { initiator: "iqn.1993-08.org.debian:01:sdk-test", ip: "127.0.0.1", host: "sdk-host", multipath: false, platform: "x86_64", os_type: "linux" };

describe("sdk live: legacy attach actions", () => {
  forEachMode((live) => {
    it("reserve → connect → attach → detach, and each step's way back", async () => {
      const { client } = live();
      const v = await client.volumes.waitFor(await client.volumes.create({ size: 1 }), "available", QUICK);
      const status = async () => (await client.volumes.get(v)).status;

      await client.volumes.reserve(v);
      assert.equal(await status(), "attaching");
      await client.volumes.unreserve(v);
      assert.equal(await status(), "available");
      await assert.rejects(client.volumes.beginDetaching(v), /must be 'in-use'/);

      await client.volumes.reserve(v);
      const info = await client.volumes.initializeConnection(v, CONNECTOR);
      assert.equal(typeof info.driver_volume_type, "string");
      assert.ok(info.data && typeof info.data === "object", "connection data for the host");
      await client.volumes.attach(v, { host_name: "sdk-host", mountpoint: "/dev/vdb", mode: "rw" });
      const attached = await client.volumes.get(v);
      assert.equal(attached.status, "in-use");
      assert.equal(attached.attachments[0].host_name, "sdk-host");

      await client.volumes.beginDetaching(v);
      assert.equal(await status(), "detaching");
      await client.volumes.rollDetaching(v);
      assert.equal(await status(), "in-use");

      await client.volumes.beginDetaching(v);
      await client.volumes.terminateConnection(v, CONNECTOR);
      await client.volumes.detach(v, attached.attachments[0].attachment_id);
      const after = await client.volumes.waitFor(v, "available", QUICK);
      assert.deepEqual(after.attachments, []);
      await client.volumes.delete(v);
      await client.volumes.waitForDeleted(v, QUICK);
    });
  });
});
