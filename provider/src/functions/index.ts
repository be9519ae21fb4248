/**
 * Functions (data sources), token `cinder:index:get<Name>`. Each finds exactly one object (by id,
 * or by name and filters) and fails with a message naming the filter when there are none or, for
 * volumes, several.
 */
import type { Snapshot, Volume } from "@cinderblock/sdk";
import { orGone } from "../lib/sdk";
import type { Props } from "../lib/wire";
import type { CheckFailure, Ctx, PropSpec } from "../resources/types";

export type FnResult = { result: Props } | { failures: CheckFailure[] };

export interface FunctionDef {
  token: string;
  description: string;
  inputs: Record<string, PropSpec>;
  outputs: Record<string, PropSpec>;
  invoke(ctx: Pick<Ctx, "client" | "timeoutMs">, args: Props): Promise<FnResult>;
}

const s = (description: string): PropSpec => ({ type: "string", description });
const fail = (property: string, reason: string): FnResult => ({ failures: [{ property, reason }] });

const volumeOut = (v: Volume): Props => ({
  id: v.id, name: v.name ?? "", description: v.description ?? "", size: v.size, status: v.status, volumeType: v.volume_type ?? "",
  availabilityZone: v.availability_zone, bootable: v.bootable === "true", multiattach: v.multiattach, metadata: v.metadata ?? {},
  sourceVolumeId: v.source_volid ?? "", snapshotId: v.snapshot_id ?? "",
});

const snapshotOut = (x: Snapshot): Props => ({
  id: x.id, name: x.name ?? "", description: x.description ?? "", size: x.size, status: x.status, volumeId: x.volume_id, metadata: x.metadata ?? {}, createdAt: x.created_at,
});

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const getVolume: FunctionDef = {
  token: "cinder:index:getVolume",
  description: "One volume, by id or by name (and optional status); fails on none or several.",
  inputs: { id: s("Volume id."), name: s("Volume name."), status: s("Status filter.") },
  outputs: {
    id: s("Id."), name: s("Name."), description: s("Description."), size: { type: "integer", description: "GiB." }, status: s("Status."),
    volumeType: s("Type name."), availabilityZone: s("Zone."), bootable: { type: "boolean", description: "Bootable." },
    multiattach: { type: "boolean", description: "Multiattach." }, metadata: { type: "stringMap", description: "Metadata." },
    sourceVolumeId: s("Source volume."), snapshotId: s("Source snapshot."),
  },
  async invoke(ctx, a) {
    const c = await ctx.client();
    if (a.id) {
      const v = await orGone(() => c.volumes.get(a.id as string));
      return v ? { result: volumeOut(v) } : fail("id", `no volume with id ${a.id}`);
    }
    if (!a.name) return fail("name", "getVolume needs id or name");
    const found = await all(c.volumes.list({ name: a.name as string, ...(a.status ? { status: a.status as string } : {}) }));
    if (found.length !== 1) return fail("name", `${found.length} volumes are named '${a.name}'; expected exactly one (use id)`);
    return { result: volumeOut(found[0]) };
  },
};

const getSnapshot: FunctionDef = {
  token: "cinder:index:getSnapshot",
  description: "One snapshot, by id, or by name and/or volumeId (the most recent when mostRecent is set).",
  inputs: { id: s("Snapshot id."), name: s("Name."), volumeId: s("Volume id."), status: s("Status."), mostRecent: { type: "boolean", description: "Pick the newest of several." } },
  outputs: {
    id: s("Id."), name: s("Name."), description: s("Description."), size: { type: "integer", description: "GiB." }, status: s("Status."),
    volumeId: s("Volume."), metadata: { type: "stringMap", description: "Metadata." }, createdAt: s("Creation time."),
  },
  async invoke(ctx, a) {
    const c = await ctx.client();
    if (a.id) {
      const x = await orGone(() => c.snapshots.get(a.id as string));
      return x ? { result: snapshotOut(x) } : fail("id", `no snapshot with id ${a.id}`);
    }
    const q: Record<string, string> = {};
    for (const k of ["name", "status"] as const) if (a[k]) q[k] = a[k] as string;
    if (a.volumeId) q.volume_id = a.volumeId as string;
    if (!Object.keys(q).length) return fail("name", "getSnapshot needs id, name, volumeId or status");
    const found = (await all(c.snapshots.list(q))).sort((x, y) => y.created_at.localeCompare(x.created_at));
    if (!found.length) return fail("name", `no snapshot matches ${JSON.stringify(q)}`);
    if (found.length > 1 && !a.mostRecent) return fail("mostRecent", `${found.length} snapshots match ${JSON.stringify(q)}; set mostRecent to take the newest`);
    return { result: snapshotOut(found[0]) };
  },
};

const getVolumeType: FunctionDef = {
  token: "cinder:index:getVolumeType",
  description: "A volume type by id or name.",
  inputs: { id: s("Type id."), name: s("Type name.") },
  outputs: { id: s("Id."), name: s("Name."), description: s("Description."), isPublic: { type: "boolean", description: "Public." }, extraSpecs: { type: "stringMap", description: "Extra specs." } },
  async invoke(ctx, a) {
    const c = await ctx.client();
    const ref = (a.id ?? a.name) as string | undefined;
    if (!ref) return fail("name", "getVolumeType needs id or name");
    // Cinder resolves a name in GET /types/{id}; fall back to the list where a server does not.
    const t = (await orGone(() => c.volumeTypes.get(ref))) ?? (a.id ? undefined : (await all(c.volumeTypes.list())).find((x) => x.name === ref));
    if (!t) return fail(a.id ? "id" : "name", `no volume type '${ref}'`);
    const specs = t.extra_specs ?? (await c.volumeTypes.getExtraSpecs(t.id));
    return { result: { id: t.id, name: t.name, description: t.description ?? "", isPublic: t.is_public, extraSpecs: specs ?? {} } };
  },
};

const getQosSpec: FunctionDef = {
  token: "cinder:index:getQosSpec",
  description: "A QoS spec by id or name.",
  inputs: { id: s("QoS spec id."), name: s("Name.") },
  outputs: { id: s("Id."), name: s("Name."), consumer: s("Consumer."), specs: { type: "stringMap", description: "Keys." } },
  async invoke(ctx, a) {
    const c = await ctx.client();
    let q = a.id ? await orGone(() => c.qosSpecs.get(a.id as string)) : undefined;
    if (!a.id && a.name) q = (await all(c.qosSpecs.list())).find((x) => x.name === a.name);
    if (!q) return fail(a.id ? "id" : "name", a.id || a.name ? `no QoS spec '${a.id ?? a.name}'` : "getQosSpec needs id or name");
    return { result: { id: q.id, name: q.name, consumer: q.consumer, specs: q.specs ?? {} } };
  },
};

const getAvailabilityZones: FunctionDef = {
  token: "cinder:index:getAvailabilityZones",
  description: "Names of the availability zones (optionally only `available` or `unavailable` ones).",
  inputs: { state: { type: "string", enum: ["available", "unavailable"], description: "Filter by state." } },
  outputs: { names: { type: "array", items: { type: "string" }, description: "Zone names, sorted." } },
  async invoke(ctx, a) {
    const c = await ctx.client();
    const zones = await c.availabilityZones.list();
    const want = a.state === undefined ? undefined : a.state === "available";
    const names = zones.filter((z) => want === undefined || z.zoneState.available === want).map((z) => z.zoneName).sort();
    return { result: { names } };
  },
};

const getQuotaSet: FunctionDef = {
  token: "cinder:index:getQuotaSet",
  description: "A project's quota limits.",
  inputs: { projectId: { type: "string", required: true, description: "The project." } },
  outputs: Object.fromEntries(
    ["projectId", "volumes", "snapshots", "gigabytes", "backups", "backupGigabytes", "perVolumeGigabytes", "groups"].map((k) => [
      k,
      k === "projectId" ? s("The project.") : ({ type: "integer", description: `Limit on ${k}.` } as PropSpec),
    ]),
  ),
  async invoke(ctx, a) {
    if (!a.projectId) return fail("projectId", "getQuotaSet needs projectId");
    const c = await ctx.client();
    const q = await c.quotas.get(a.projectId as string);
    return {
      result: {
        projectId: a.projectId, volumes: q.volumes, snapshots: q.snapshots, gigabytes: q.gigabytes, backups: q.backups,
        backupGigabytes: q.backup_gigabytes, perVolumeGigabytes: q.per_volume_gigabytes, groups: q.groups,
      },
    };
  },
};

export const FUNCTIONS: Record<string, FunctionDef> = Object.fromEntries(
  [getVolume, getSnapshot, getVolumeType, getQosSpec, getAvailabilityZones, getQuotaSet].map((f) => [f.token, f]),
);
