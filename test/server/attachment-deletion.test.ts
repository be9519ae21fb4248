/**
 * Ending an attachment a server may still use (cinder/volume/api.py `attachment_deletion_allowed`,
 * Cinder's fix for CVE-2023-2088): with an instance and a connection_info it is refused to a
 * project member with 409 ConflictNovaUsingAttachment, and allowed to a service (a user holding
 * the `service` role) and to an admin. The same check guards os-detach and os-terminate_connection.
 * Built-in identity, so that a user can hold the service role.
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { assertFault, createVolume, volumeAction } from "../helpers/lifecycle";
import { DIALECTS } from "../helpers/server";
import { type IdentityServer, login, provision, startIdentity } from "../identity/helpers";

const INSTANCE = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f";
const INSTANCE2 = "f5e4d3c2-b1a0-4f9e-8d7c-6b5a4f3e2d1c";
const CONNECTOR = { initiator: "iqn.1993-08.org.debian:01:0123456789ab", ip: "192.168.1.40", host: "compute-3", platform: "x86_64", os_type: "linux", multipath: false };

for (const dialect of DIALECTS) {
  describe(`attachment deletion while a server uses it (${dialect})`, () => {
    let id: IdentityServer;
    /** The project's member, its compute service's user (member + service) and the cloud admin. */
    let member: Client;
    let nova: Client;
    let admin: Client;
    let P: string;
    let adminProject: string;
    before(async () => {
      id = await startIdentity(dialect);
      const root = id.c.as(id.adminToken);
      const role = await root.post("/identity/v3/roles", { role: { name: "service" } });
      assert.equal(role.status, 201, JSON.stringify(role.body));
      const alice = await provision(id.c, id.adminToken, { project: "web", user: "alice", password: "alice-pw", role: "member" });
      const svc = await provision(id.c, id.adminToken, { project: "web", user: "nova", password: "nova-pw", role: "member" });
      const g = await root.put(`/identity/v3/projects/${svc.projectId}/users/${svc.userId}/roles/${role.body.role.id}`);
      assert.equal(g.status, 204);
      P = alice.projectId;
      member = id.c.as(await login(id.c, { user: "alice", password: "alice-pw", project: "web" }));
      nova = id.c.as(await login(id.c, { user: "nova", password: "nova-pw", project: "web" }));
      admin = id.c.as(id.adminToken);
      adminProject = (await admin.get("/identity/v3/auth/projects")).body.projects.find((p: any) => p.name === "admin").id;
    });
    after(async () => id?.s.destroy());

    /** An attachment of the member's new volume: reserved, then (with `connect`) connected and completed. */
    async function attachment(instance: string | null, connect: boolean): Promise<{ volumeId: string; id: string }> {
      const v = await createVolume(member, P);
      const body: Record<string, unknown> = { volume_uuid: v.id };
      if (instance) body.instance_uuid = instance;
      if (connect) body.connector = CONNECTOR;
      const r = await member.post(`/v3/${P}/attachments`, { attachment: body });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      if (connect) assert.equal((await member.post(`/v3/${P}/attachments/${r.body.attachment.id}/action`, { "os-complete": null })).status, 204);
      return { volumeId: v.id, id: r.body.attachment.id };
    }
    const status = async (volumeId: string) => (await member.get(`/v3/${P}/volumes/${volumeId}`)).body.volume.status;

    it("refuses a member with 409 and changes nothing", async () => {
      const a = await attachment(INSTANCE, true);
      assertFault(await member.delete(`/v3/${P}/attachments/${a.id}`), 409, `Detach volume from instance ${INSTANCE} using the Compute API`);
      const shown = await member.get(`/v3/${P}/attachments/${a.id}`);
      assert.equal(shown.status, 200);
      assert.equal(shown.body.attachment.status, "attached");
      assert.equal(await status(a.volumeId), "in-use");
      // The compute service ends it.
      const d = await nova.delete(`/v3/${P}/attachments/${a.id}`);
      assert.equal(d.status, 200, JSON.stringify(d.body));
      assert.deepEqual(d.body.attachments, []);
      assert.equal(await status(a.volumeId), "available");
    });

    it("lets an admin end it", async () => {
      const a = await attachment(INSTANCE, true);
      const d = await admin.delete(`/v3/${adminProject}/attachments/${a.id}`);
      assert.equal(d.status, 200, JSON.stringify(d.body));
      assert.equal(await status(a.volumeId), "available");
    });

    it("lets a member end an attachment with no server or no connection", async () => {
      const reserved = await attachment(INSTANCE, false);
      assert.equal((await member.delete(`/v3/${P}/attachments/${reserved.id}`)).status, 200, "a reservation: connection_info is {}");
      assert.equal(await status(reserved.volumeId), "available");
      const hostOnly = await attachment(null, true);
      assert.equal((await member.delete(`/v3/${P}/attachments/${hostOnly.id}`)).status, 200, "no server");
      assert.equal(await status(hostOnly.volumeId), "available");
    });

    it("guards os-detach and os-terminate_connection the same way", async () => {
      const a = await attachment(INSTANCE2, true);
      const refused = `Detach volume from instance ${INSTANCE2} using the Compute API`;
      assertFault(await volumeAction(member, P, a.volumeId, "os-detach", { attachment_id: a.id }), 409, refused);
      assertFault(await volumeAction(member, P, a.volumeId, "os-detach", {}), 409, refused);
      assertFault(await volumeAction(member, P, a.volumeId, "os-terminate_connection", { connector: CONNECTOR }), 409, refused);
      // An attachment the volume does not have, or one of another volume.
      assertFault(
        await volumeAction(member, P, a.volumeId, "os-detach", { attachment_id: "00000000-1111-4222-8333-444444444444" }),
        409,
        "Detach volume from instance  using the Compute API",
      );
      const other = await attachment(null, false);
      assertFault(
        await volumeAction(member, P, a.volumeId, "os-detach", { attachment_id: other.id }),
        400,
        "Invalid input received: Mismatched volume and attachment",
      );
      assert.equal(await status(a.volumeId), "in-use");

      assert.equal((await volumeAction(nova, P, a.volumeId, "os-terminate_connection", { connector: CONNECTOR })).status, 202);
      assert.equal((await volumeAction(nova, P, a.volumeId, "os-detach", { attachment_id: a.id })).status, 202);
      assert.equal(await status(a.volumeId), "available");
      assert.equal((await member.delete(`/v3/${P}/attachments/${other.id}`)).status, 200);
    });

    it("leaves the legacy flow to members (os-attach records no connection_info)", async () => {
      const v = await createVolume(member, P);
      assert.equal((await volumeAction(member, P, v.id, "os-reserve", {})).status, 202);
      assert.equal((await volumeAction(member, P, v.id, "os-attach", { instance_uuid: INSTANCE, mountpoint: "/dev/vdc" })).status, 202);
      assert.equal((await volumeAction(member, P, v.id, "os-terminate_connection", { connector: CONNECTOR })).status, 202);
      assert.equal((await volumeAction(member, P, v.id, "os-detach", {})).status, 202);
      assert.equal(await status(v.id), "available");
    });
  });
}
