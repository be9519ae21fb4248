/**
 * Volume delete. Cinder refuses to delete an attached volume (400 "Volume status must be
 * available or error..."), and statuses such as `reserved`, `attaching` or `detaching` never change
 * by themselves, so waiting on them only runs out the timeout. With `detachOnDelete` (default true,
 * as @pulumi/openstack / terraform-provider-openstack, which detach every attachment before they
 * delete) the provider ends each attachment through the attachments API (3.27; `os-unreserve` /
 * `os-roll_detaching` for a half-done legacy attach or detach) and logs each one to the engine.
 * With `detachOnDelete: false` it fails at once, naming every attachment.
 */
import { MV, type CinderClient, type Volume } from "@cinderblock/sdk";
import { ignoreGone, orGone } from "../lib/sdk";
import { waitForStatus } from "../lib/wait";
import type { Props } from "../lib/wire";
import type { Ctx } from "./types";

/** Statuses that move on by themselves (a manager is working); delete waits them out. */
const PROGRESSING = new Set(["creating", "downloading", "extending", "retyping", "backing-up", "restoring-backup", "uploading"]);
/** Statuses held by an attach or detach that only a client can finish or undo. */
const HELD = new Set(["in-use", "reserved", "attaching", "detaching"]);
const SETTLED = ["available", "in-use", "reserved", "attaching", "detaching", "error", "error_extending", "error_restoring"];

interface Held {
  id: string;
  serverId?: string;
  hostName?: string;
  status?: string;
}

async function attachmentsOf(c: CinderClient, v: Volume): Promise<Held[]> {
  const fromVolume = (v.attachments ?? []).map((a) => ({ id: a.attachment_id, serverId: a.server_id ?? undefined, hostName: a.host_name ?? undefined }));
  if (!c.supports(MV.NEW_ATTACH)) return fromVolume;
  // The attachments API also lists `reserved` attachments, which the volume does not show.
  const listed = await c.attachments.list({ volume_id: v.id } as never).all();
  const held: Held[] = listed.map((a) => ({ id: a.id, serverId: a.instance ?? undefined, status: a.status }));
  for (const a of fromVolume) if (!held.some((h) => h.id === a.id)) held.push(a);
  for (const h of held) h.hostName ??= fromVolume.find((a) => a.id === h.id)?.hostName;
  return held;
}

const describe = (a: Held) =>
  `attachment ${a.id}${a.serverId ? ` (server ${a.serverId})` : a.hostName ? ` (host ${a.hostName})` : ""}${a.status ? ` ${a.status}` : ""}`;

export async function deleteVolume(ctx: Ctx, id: string, state: Props): Promise<void> {
  const c = await ctx.client();
  const getter = () => orGone(() => c.volumes.get(id));
  const wait = (targets: string[]) => waitForStatus("volume", id, getter, targets, { timeoutMs: ctx.timeoutMs, signal: ctx.signal, clock: ctx.clock });
  let now = await getter();
  if (!now) return;
  if (PROGRESSING.has(now.status)) now = await wait(SETTLED);
  if (!now) return;
  const held = await attachmentsOf(c, now);
  if (HELD.has(now.status) || held.length) {
    if (state.detachOnDelete === false) {
      const what = held.length ? held.map(describe).join(", ") : "no attachment record";
      throw new Error(
        `volume ${id} is ${now.status} (${what}): Cinder cannot delete an attached volume. Detach it first, or set detachOnDelete: true to let the provider end its attachments.`,
      );
    }
    await detachAll(ctx, c, now, held);
    now = await wait(["available", "error", "deleted"]);
    if (!now) return;
  }
  await ignoreGone(() => c.volumes.delete(id, state.cascade === true ? { cascade: true } : undefined));
  await wait(["deleted"]);
}

async function detachAll(ctx: Ctx, c: CinderClient, v: Volume, held: Held[]): Promise<void> {
  if (v.status === "detaching") await c.volumes.rollDetaching(v.id);
  if (v.status === "attaching" && !held.length) {
    ctx.log?.(`volume ${v.id}: ending its unfinished attach (os-unreserve) before delete`);
    await c.volumes.unreserve(v.id);
  }
  for (const a of held) {
    ctx.log?.(`volume ${v.id}: detaching ${describe(a)} before delete (detachOnDelete)`);
    if (c.supports(MV.NEW_ATTACH)) await ignoreGone(() => c.attachments.delete(a.id));
    else await c.volumes.detach(v.id, a.id);
  }
}
