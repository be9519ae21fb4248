/** Waiting for generic volume groups: a status, or gone. */
import assert from "node:assert/strict";
import type { Client } from "./client";
import { waitFor } from "./wait";

export async function waitGroup(c: Client, project: string, id: string, status: string): Promise<any> {
  let last = "";
  return waitFor(async () => {
    const r = await c.get(`/v3/${project}/groups/${id}`, { version: "3.13" });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    last = r.body.group.status;
    if (last === status) return r.body.group;
    if (last.startsWith("error") && !status.startsWith("error")) throw new Error(`group ${id} went to ${last} waiting for ${status}`);
    return undefined;
  }, `group ${id} to be ${status} (last ${last})`);
}

export async function waitGroupGone(c: Client, project: string, id: string): Promise<void> {
  await waitFor(async () => {
    const r = await c.get(`/v3/${project}/groups/${id}`);
    if (r.status === 404) return true;
    if (r.body?.group?.status?.startsWith("error")) throw new Error(`group ${id} went to ${r.body.group.status}`);
    return undefined;
  }, `group ${id} to be deleted`);
}

