/**
 * User messages (cinder/api/v3/messages.py, cinder/message/api.py) through the real HTTP server:
 * an asynchronous operation that fails leaves its project one message with Cinder's event id and
 * user message and the id of the request that started it, never the error's own text; the list
 * (filters, paging, sorting), show and delete, who sees what, the microversions, and expiry.
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { assertFault } from "../helpers/faults";
import { ADMIN } from "../helpers/state";
import { forEachDialect } from "../helpers/suite";
import { waitFor, waitStatus } from "../helpers/wait";
import type { VolumeDriver } from "../../server/src/drivers/interface";
import { attachVolume } from "../../server/src/volume/manager/attach";
import { createVolume as createVolumeOp } from "../../server/src/volume/manager/operations";
import { createSnapshot, createVolume, volumeAction } from "../helpers/lifecycle";

/** More than the backend holds (no oversubscription below): no backend passes the capacity filter. */
const HUGE = 100_000;
const NO_BACKEND = "VOLUME_VOLUME_001_003";
const NO_BACKEND_TEXT = "schedule allocate volume:Could not find any available weighted backend.";
const DRIVER_CREATE = "VOLUME_VOLUME_008_012";
const DRIVER_CREATE_TEXT = "create volume from backend storage:Driver failed to create the volume.";
const REQUEST_ID = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BACKENDS = [{ name: "file", driver: "file", options: { maxOverSubscriptionRatio: 1 } }];

/** POST a volume that ends in `error`; its id and the request's x-openstack-request-id. */
export async function failedCreate(c: Client, project: string, volume: Record<string, unknown> = { size: HUGE }): Promise<{ id: string; requestId: string }> {
  const r = await c.post(`/v3/${project}/volumes`, { volume });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const requestId = r.headers.get("x-openstack-request-id") ?? "";
  assert.match(requestId, REQUEST_ID);
  await waitStatus(c, "volumes", project, r.body.volume.id, "error");
  return { id: r.body.volume.id, requestId };
}

/** The messages about one resource, as the caller lists them. */
export async function messagesAbout(c: Client, project: string, resourceId: string, version = "3.71"): Promise<any[]> {
  const r = await c.get(`/v3/${project}/messages?resource_uuid=${resourceId}`, { version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.messages;
}

/** The one message about a resource, once written. */
export async function messageAbout(c: Client, project: string, resourceId: string): Promise<any> {
  const found = await waitFor(async () => {
    const list = await messagesAbout(c, project, resourceId);
    return list.length > 0 ? list : undefined;
  }, `a message about ${resourceId}`);
  assert.equal(found.length, 1, JSON.stringify(found));
  return found[0];
}

const seconds = (t: string) => Date.parse(t + "Z") / 1000;

forEachDialect("user messages", { backends: BACKENDS }, function (fx) {
  this.timeout(120_000);
  let c: Client;
  let other: Client;
  let admin: Client;
  before(() => {
    c = fx.s.client.as("alice:msg1");
    other = fx.s.client.as("bob:msg2");
    admin = fx.s.client.as(ADMIN);
  });

  describe("failures leave messages", () => {
    it("a create no backend can hold: one message with Cinder's event, text and the create's request id", async () => {
      const { id, requestId } = await failedCreate(c, "msg1");
      const m = await messageAbout(c, "msg1", id);
      assert.deepEqual(Object.keys(m).sort(), [
        "created_at",
        "event_id",
        "guaranteed_until",
        "id",
        "links",
        "message_level",
        "request_id",
        "resource_type",
        "resource_uuid",
        "user_message",
      ]);
      assert.equal(m.event_id, NO_BACKEND);
      assert.equal(m.user_message, NO_BACKEND_TEXT);
      assert.equal(m.message_level, "ERROR");
      assert.equal(m.resource_type, "VOLUME");
      assert.equal(m.resource_uuid, id);
      assert.equal(m.request_id, requestId);
      // message_ttl: 30 days by default.
      assert.ok(Math.abs(seconds(m.guaranteed_until) - seconds(m.created_at) - 2_592_000) < 2, `${m.created_at} → ${m.guaranteed_until}`);
      assert.deepEqual(
        m.links.map((l: any) => l.rel),
        ["self", "bookmark"],
      );
      assert.ok(m.links[0].href.endsWith(`/v3/msg1/messages/${m.id}`), m.links[0].href);
      const shown = await c.get(`/v3/msg1/messages/${m.id}`);
      assert.equal(shown.status, 200);
      assert.deepEqual(shown.body.message, m);
    });

    it("a create the driver fails: its message, without the error's text", async () => {
      const driver: VolumeDriver = fx.s.app.managers[0].driver;
      const create = driver.createVolume.bind(driver);
      driver.createVolume = async () => {
        throw new Error("lvcreate: secret-vg/internal-path failed");
      };
      let made: { id: string; requestId: string };
      try {
        made = await failedCreate(c, "msg1", { size: 1 });
      } finally {
        driver.createVolume = create;
      }
      const m = await messageAbout(c, "msg1", made.id);
      assert.equal(m.event_id, DRIVER_CREATE);
      assert.equal(m.user_message, DRIVER_CREATE_TEXT);
      assert.equal(m.request_id, made.requestId);
      assert.doesNotMatch(JSON.stringify(m), /secret|lvcreate/);
    });

    it("a volume that is created leaves none", async () => {
      const r = await c.post("/v3/msg1/volumes", { volume: { size: 1 } });
      await waitStatus(c, "volumes", "msg1", r.body.volume.id, "available");
      assert.deepEqual(await messagesAbout(c, "msg1", r.body.volume.id), []);
    });
  });

  describe("the other failure points", () => {
    let driver: VolumeDriver;
    before(() => (driver = fx.s.app.managers[0].driver));

    /** Run `body` with one driver method failing (its message names internals that must not show). */
    async function failing<K extends "extendVolume" | "createSnapshot" | "deleteSnapshot" | "createVolume">(name: K, body: () => Promise<void>): Promise<void> {
      const original = driver[name];
      driver[name] = (async () => {
        throw new Error("secret-vg/internal-path failed");
      }) as VolumeDriver[K];
      try {
        await body();
      } finally {
        driver[name] = original;
      }
    }
    const requestIdOf = (r: { headers: Headers }) => r.headers.get("x-openstack-request-id");

    it("an extend no backend can hold: EXTEND_VOLUME, NO_BACKEND_AVAILABLE, the volume back to available", async () => {
      const v = await createVolume(c, "msg1", { size: 1 });
      const r = await volumeAction(c, "msg1", v.id, "os-extend", { new_size: HUGE });
      assert.equal(r.status, 202);
      const m = await messageAbout(c, "msg1", v.id);
      assert.equal(m.event_id, "VOLUME_VOLUME_007_003");
      assert.equal(m.user_message, "extend volume:Could not find any available weighted backend.");
      assert.equal(m.request_id, requestIdOf(r));
      assert.equal((await waitStatus(c, "volumes", "msg1", v.id, "available")).size, 1);
    });

    it("an extend the driver fails: EXTEND_VOLUME, DRIVER_FAILED_EXTEND", async () => {
      const v = await createVolume(c, "msg1", { size: 1 });
      await failing("extendVolume", async () => {
        const r = await volumeAction(c, "msg1", v.id, "os-extend", { new_size: 2 });
        assert.equal(r.status, 202);
        await waitStatus(c, "volumes", "msg1", v.id, "error_extending");
        const m = await messageAbout(c, "msg1", v.id);
        assert.equal(m.event_id, "VOLUME_VOLUME_007_010");
        assert.equal(m.user_message, "extend volume:Volume Driver failed to extend volume.");
        assert.equal(m.request_id, requestIdOf(r));
      });
    });

    it("a snapshot the driver fails to make, and one it fails to delete: messages about the snapshot", async () => {
      const v = await createVolume(c, "msg1", { size: 1 });
      await failing("createSnapshot", async () => {
        const r = await c.post("/v3/msg1/snapshots", { snapshot: { volume_id: v.id } });
        assert.equal(r.status, 202);
        await waitStatus(c, "snapshots", "msg1", r.body.snapshot.id, "error");
        const m = await messageAbout(c, "msg1", r.body.snapshot.id);
        assert.equal(m.resource_type, "VOLUME_SNAPSHOT");
        assert.equal(m.event_id, "VOLUME_VOLUME_SNAPSHOT_009_013");
        assert.equal(m.user_message, "create snapshot:Snapshot failed to create.");
        assert.equal(m.request_id, requestIdOf(r));
      });
      const snap = await createSnapshot(c, "msg1", v.id);
      await failing("deleteSnapshot", async () => {
        const r = await c.delete(`/v3/msg1/snapshots/${snap.id}`);
        assert.equal(r.status, 202);
        await waitStatus(c, "snapshots", "msg1", snap.id, "error_deleting");
        const m = await messageAbout(c, "msg1", snap.id);
        assert.equal(m.event_id, "VOLUME_VOLUME_SNAPSHOT_010_016");
        assert.equal(m.user_message, "delete snapshot:Snapshot failed to delete.");
        assert.equal(m.request_id, requestIdOf(r));
        assert.doesNotMatch(JSON.stringify(m), /secret/);
      });
    });

    it("an attach in a mode the volume refuses: ATTACH_VOLUME, VOLUME_ATTACH_MODE_INVALID", async () => {
      const v = await createVolume(c, "msg1", { size: 1 });
      assert.equal((await volumeAction(c, "msg1", v.id, "os-update_readonly_flag", { readonly: true })).status, 202);
      // The API refuses it first; the manager's own check is what a race past the API meets.
      const requestId = "req-11111111-2222-4333-8444-555555555555";
      const attach = { volumeId: v.id, instanceUuid: null, hostName: "h1", mountpoint: "/dev/vdb", mode: "rw" as const, requestId };
      await assert.rejects(attachVolume(fx.s.app.managers[0], attach), /Invalid attaching mode/);
      const m = await messageAbout(c, "msg1", v.id);
      assert.equal(m.event_id, "VOLUME_VOLUME_002_005");
      assert.equal(m.user_message, "attach volume:Volume's attach mode is invalid.");
      assert.equal(m.request_id, requestId);
    });

    it("work resumed with no request known (a restart) gets a request id of its own", async () => {
      const v = await createVolume(c, "msg1", { size: 1 });
      assert.equal((await volumeAction(fx.s.client.as("admin:msg1"), "msg1", v.id, "os-reset_status", { status: "creating" })).status, 202);
      await failing("createVolume", async () => {
        // What a restart's reconciliation sends: the id alone.
        await createVolumeOp(fx.s.app.managers[0], v.id);
      });
      const m = await messageAbout(c, "msg1", v.id);
      assert.equal(m.event_id, DRIVER_CREATE);
      assert.match(m.request_id, REQUEST_ID);
    });
  });

  describe("list, show, delete", () => {
    const made: Array<{ id: string; requestId: string }> = [];
    let c: Client;
    before(async () => {
      c = fx.s.client.as("dave:msg3");
      for (let i = 0; i < 3; i++) made.push(await failedCreate(c, "msg3"));
      for (const v of made) await messageAbout(c, "msg3", v.id);
    });
    const list = async (query = "", version = "3.71") => {
      const r = await c.get(`/v3/msg3/messages${query}`, { version });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    };

    it("lists the project's messages, newest first", async () => {
      const body = await list();
      assert.deepEqual(
        body.messages.map((m: any) => m.resource_uuid),
        made.map((v) => v.id).reverse(),
      );
      assert.equal(body.messages_links, undefined);
    });

    it("filters by resource_uuid, request_id, event_id and message_level", async () => {
      assert.deepEqual((await list(`?resource_uuid=${made[1].id}`)).messages.map((m: any) => m.request_id), [made[1].requestId]);
      assert.deepEqual((await list(`?request_id=${made[2].requestId}`)).messages.map((m: any) => m.resource_uuid), [made[2].id]);
      assert.equal((await list(`?event_id=${NO_BACKEND}&message_level=ERROR&resource_type=VOLUME`)).messages.length, 3);
      assert.equal((await list(`?event_id=${DRIVER_CREATE}`)).messages.length, 0);
      assert.equal((await list("?message_level=INFO")).messages.length, 0);
    });

    it("refuses other filters from 3.31 (non-admins); before, or for an admin, they match nothing", async () => {
      assertFault(await c.get("/v3/msg3/messages?status=error"), 400, "Invalid filters status are found in query options.");
      assertFault(await c.get("/v3/msg3/messages?project_id=msg3&foo=1"), 400, "Invalid filters project_id,foo are found in query options.");
      assert.equal((await list("?status=error", "3.30")).messages.length, 0);
      assert.equal((await admin.get("/v3/admin/messages?status=error")).body.messages.length, 0);
      // An admin's filter on a column of the message.
      assert.equal((await admin.get("/v3/admin/messages?project_id=msg3")).body.messages.length, 3);
    });

    it("pages with next links when a page is full, keeping the query", async () => {
      const first = await list("?limit=2&event_id=" + NO_BACKEND);
      assert.equal(first.messages.length, 2);
      const next = new URL(first.messages_links[0].href);
      assert.equal(first.messages_links[0].rel, "next");
      assert.equal(next.searchParams.get("marker"), first.messages[1].id);
      assert.equal(next.searchParams.get("event_id"), NO_BACKEND);
      const second = await list(next.search);
      assert.deepEqual(
        second.messages.map((m: any) => m.resource_uuid),
        [made[0].id],
      );
      assert.equal(second.messages_links, undefined);
      assertFault(await c.get("/v3/msg3/messages?marker=00000000-0000-4000-8000-000000000000"), 404, "Message 00000000-0000-4000-8000-000000000000 could not be found.");
    });

    it("sorts by the message's columns", async () => {
      const asc = await list("?sort=created_at:asc");
      assert.deepEqual(
        asc.messages.map((m: any) => m.resource_uuid),
        made.map((v) => v.id),
      );
      const byRequest = await list("?sort_key=request_id&sort_dir=asc");
      assert.deepEqual(
        byRequest.messages.map((m: any) => m.request_id),
        made.map((v) => v.requestId).sort(),
      );
      assertFault(await c.get("/v3/msg3/messages?sort=size"), 400, "Invalid input received: Invalid sort key size");
    });

    it("ignores paging and filters before 3.5", async () => {
      assert.equal((await list("?limit=1&resource_uuid=x", "3.4")).messages.length, 3);
      assert.equal((await list("?limit=1", "3.5")).messages.length, 1);
    });

    it("is not there below 3.3", async () => {
      const id = (await list()).messages[0].id;
      assertFault(await c.get("/v3/msg3/messages", { version: "3.2" }), 404);
      assertFault(await c.get(`/v3/msg3/messages/${id}`, { version: "3.2" }), 404);
      assertFault(await c.delete(`/v3/msg3/messages/${id}`, { version: "3.2" }), 404);
      assert.equal((await list("", "3.3")).messages.length, 3);
    });

    it("keeps another project out, and shows an admin every project's", async () => {
      const id = (await list()).messages[0].id;
      assert.equal((await other.get("/v3/msg2/messages")).body.messages.length, 0);
      assertFault(await other.get(`/v3/msg2/messages/${id}`), 404, `Message ${id} could not be found.`);
      assertFault(await other.delete(`/v3/msg2/messages/${id}`), 404, `Message ${id} could not be found.`);
      const all = (await admin.get("/v3/admin/messages")).body.messages.map((m: any) => m.id);
      assert.ok(all.includes(id), "the admin lists another project's message");
      assert.equal((await admin.get(`/v3/admin/messages/${id}`)).status, 200);
    });

    it("deletes a message (204), then it is not found", async () => {
      const id = (await list()).messages[0].id;
      const r = await c.delete(`/v3/msg3/messages/${id}`);
      assert.equal(r.status, 204);
      assert.equal(r.body, undefined);
      assertFault(await c.get(`/v3/msg3/messages/${id}`), 404, `Message ${id} could not be found.`);
      assertFault(await c.delete(`/v3/msg3/messages/${id}`), 404, `Message ${id} could not be found.`);
      assert.equal((await list()).messages.length, 2);
    });
  });
});

forEachDialect("user messages expire", { backends: BACKENDS, messageTtlSeconds: 2, messageReapIntervalSeconds: 1 }, function (fx) {
  this.timeout(60_000);

  it("are listed until their guaranteed time, then neither listed nor kept", async () => {
    const c = fx.s.client.as("carol:msg4");
    const { id } = await failedCreate(c, "msg4");
    const m = await messageAbout(c, "msg4", id);
    assert.ok(Math.abs(seconds(m.guaranteed_until) - seconds(m.created_at) - 2) < 1);
    await waitFor(async () => ((await messagesAbout(c, "msg4", id)).length === 0 ? true : undefined), "the message to expire");
    assertFault(await c.get(`/v3/msg4/messages/${m.id}`), 404, `Message ${m.id} could not be found.`);
    // The scheduler's reaper removes the row.
    const db = fx.s.app.services.db.kysely;
    await waitFor(async () => ((await db.selectFrom("messages").select("id").where("id", "=", m.id).execute()).length === 0 ? true : undefined), "the reaper");
  });
});
