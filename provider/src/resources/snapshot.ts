/**
 * cinder:index:Snapshot — a snapshot of a volume (api-ref "Volume snapshots (snapshots)"). In
 * place: name, description, metadata. Replaced: volumeId, force. Waits for `available`; a snapshot
 * that ends in `error` is reported as partial state.
 */
import type { CinderClient, Snapshot } from "@cinderblock/sdk";
import { autoname, checkInputs, previewOuts } from "../lib/check";
import { diffInputs, mapChanges, type Rule } from "../lib/diff";
import { ResourceInitFailedError } from "../lib/errors";
import { ignoreGone, orGone } from "../lib/sdk";
import { StatusError, TimeoutError, waitForStatus } from "../lib/wait";
import type { Props } from "../lib/wire";
import type { Ctx, PropSpec, ResourceDef } from "./types";

export const snapshotProperties: Record<string, PropSpec> = {
  volumeId: { type: "string", input: true, required: true, replaceOnChanges: true, description: "The volume to snapshot (replaces on change)." },
  name: { type: "string", always: true, input: true, description: "Name (default: the logical name plus a random suffix)." },
  description: { type: "string", input: true, description: "Description." },
  metadata: { type: "stringMap", input: true, description: "Metadata keys the program manages." },
  force: { type: "boolean", input: true, replaceOnChanges: true, description: "Snapshot an in-use volume (needed before 3.66)." },
  size: { type: "integer", description: "Size in GiB (the volume's)." },
  status: { type: "string", description: "Status reported by the server." },
  allMetadata: { type: "stringMap", description: "All metadata the server reports." },
  createdAt: { type: "string", description: "Creation time (ISO 8601)." },
  updatedAt: { type: "string", always: false, description: "Last update time (ISO 8601)." },
};

const RULES: Record<string, Rule> = { volumeId: "replace", force: "replace", name: "update", description: "update", metadata: "perKey" };

const managed = (all: Record<string, string>, mine: unknown) =>
  mine && typeof mine === "object" ? Object.fromEntries(Object.keys(mine).filter((k) => k in all).map((k) => [k, all[k]])) : undefined;

function outputs(s: Snapshot, inputs: Props): Props {
  return {
    ...inputs,
    volumeId: s.volume_id,
    name: s.name ?? undefined,
    description: s.description ?? undefined,
    metadata: managed(s.metadata ?? {}, inputs.metadata),
    allMetadata: s.metadata ?? {},
    size: s.size,
    status: s.status,
    createdAt: s.created_at,
    updatedAt: s.updated_at ?? undefined,
  };
}

const getter = (c: CinderClient, id: string) => () => orGone(() => c.snapshots.get(id));

export const snapshot: ResourceDef = {
  token: "cinder:index:Snapshot",
  description: "A snapshot of a Cinder volume.",
  properties: snapshotProperties,
  importId: "the snapshot id",
  defaultTimeoutSec: 600,
  check(news, olds, input) {
    const r = checkInputs(snapshotProperties, news);
    autoname(r.inputs, olds, input);
    return r;
  },
  diff: (olds, news, oldInputs) => diffInputs(Object.keys(oldInputs).length ? oldInputs : olds, news, RULES),
  preview: (inputs, olds) => previewOuts(snapshotProperties, inputs, olds),

  async create(ctx: Ctx, inputs) {
    const c = await ctx.client();
    const s = await c.snapshots.create({
      volume_id: inputs.volumeId as string,
      name: inputs.name as string | undefined,
      description: inputs.description as string | undefined,
      force: inputs.force as boolean | undefined,
      metadata: inputs.metadata as Record<string, string> | undefined,
    });
    try {
      const done = await waitForStatus("snapshot", s.id, getter(c, s.id), ["available"], { timeoutMs: ctx.timeoutMs, signal: ctx.signal, clock: ctx.clock });
      return { id: s.id, outs: outputs(done!, inputs) };
    } catch (e) {
      const last = e instanceof StatusError || e instanceof TimeoutError ? (e.item as Snapshot) : s;
      throw new ResourceInitFailedError(`snapshot ${s.id} was created but is not usable: ${(e as Error).message}`, s.id, outputs(last, inputs));
    }
  },

  async read(ctx, id, state, oldInputs) {
    const c = await ctx.client();
    const s = await orGone(() => c.snapshots.get(id));
    if (!s) return undefined;
    const importing = Object.keys(oldInputs).length === 0;
    const inputs: Props = { ...oldInputs, volumeId: s.volume_id, name: s.name ?? undefined, description: s.description ?? undefined };
    if (importing) inputs.metadata = Object.keys(s.metadata ?? {}).length ? s.metadata : undefined;
    else if (oldInputs.metadata !== undefined) inputs.metadata = managed(s.metadata ?? {}, oldInputs.metadata);
    if (importing && inputs.description === undefined) delete inputs.description;
    return { id, outs: outputs(s, { ...state, ...inputs }), inputs };
  },

  async update(ctx, id, olds, news, oldInputs) {
    const c = await ctx.client();
    const before = Object.keys(oldInputs).length ? oldInputs : olds;
    if (news.name !== before.name || news.description !== before.description) {
      await c.snapshots.update(id, { name: (news.name as string | undefined) ?? null, description: (news.description as string | undefined) ?? null } as never);
    }
    const meta = mapChanges(before.metadata as Props | undefined, news.metadata as Props | undefined);
    if (Object.keys(meta.set).length) await c.snapshots.setMetadata(id, meta.set as Record<string, string>);
    for (const k of meta.unset) await ignoreGone(() => c.snapshots.deleteMetadataItem(id, k));
    return outputs(await c.snapshots.get(id), news);
  },

  async delete(ctx, id) {
    const c = await ctx.client();
    await ignoreGone(() => c.snapshots.delete(id));
    await waitForStatus("snapshot", id, getter(c, id), ["deleted"], { timeoutMs: ctx.timeoutMs, signal: ctx.signal, clock: ctx.clock });
  },
};
