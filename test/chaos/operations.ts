/**
 * The seeded random mix of operations every chaos mode runs between kills: create, create from a
 * snapshot, clone, delete, extend, snapshot create and delete, retype, attachments reserved and
 * deleted, manage of a file that was not Cinderblock's, backups made, restored into new volumes and
 * deleted (where the world has a backup store to look into), volumes transferred to another project
 * (accepted, or the transfer deleted, or left waiting), volumes migrated between backends (where the
 * world has two), a guest writing to a volume.
 */
import assert from "node:assert/strict";
import { backendHost, PROJECT, RECEIVER, type Rows, type World } from "./invariants";

/** Bounds on what a burst makes, for a mode whose bursts run long (none by default). */
export interface BurstLimits {
  /** No create, copy or manage once the volumes of the burst's start and those it made reach this. */
  maxVolumes?: number;
  /** No guest writes to more volumes than this (they are never deleted). */
  maxGuarded?: number;
}

export interface BurstStats {
  operations: number;
  /** Operations whose request was sent but not answered before a kill. */
  cutShort: number;
  /** Operations sent, by kind. */
  kinds?: Record<string, number>;
}

/**
 * One burst of random operations, at most 6 in flight, for `until` ms or until that promise
 * settles. `ran` settles when the burst ends (a kill then cuts short the requests still
 * unanswered); `settled` once every request has its answer or its failure, rejecting with the
 * first finding of the whole burst.
 */
export function burst(
  w: World,
  rnd: () => number,
  state: Rows,
  until: number | Promise<unknown>,
  stats: BurstStats,
  limits: BurstLimits = {},
): { ran: Promise<void>; settled: () => Promise<void> } {
  const pick = <T>(xs: T[]): T | undefined => (xs.length ? xs[Math.floor(rnd() * xs.length)] : undefined);
  // With one of a kind there is nothing to draw: the all-in-one mode keeps its sequence.
  const one = <T>(xs: T[]): T => (xs.length === 1 ? xs[0] : pick(xs)!);
  const c = () => one(w.clients);
  const busy = new Set<string>();
  const inFlight = new Set<Promise<unknown>>();
  const volumes = () => state.volumes.filter((v) => v.status === "available" && !busy.has(v.id));
  const snapshots = () => state.snapshots.filter((s) => s.status === "available" && !busy.has(s.id));
  const backups = () => state.backups.filter((b) => b.status === "available" && !busy.has(b.id));
  const answered = (label: string) => (r: { status: number; body: unknown }) => {
    // Any answer but a server error: a request that lost a race is refused with a 4xx.
    assert.ok(r.status < 500, `${label} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r;
  };
  const v = (id: string | undefined) => `/v3/${PROJECT}/volumes/${id}`;
  let made = 0;
  /** Room for one more volume: counts it, or refuses the operation (undefined). */
  const room = (): true | undefined => {
    if (state.volumes.length + made >= (limits.maxVolumes ?? Infinity)) return undefined;
    made++;
    return true;
  };
  const ops: Array<[number, string, () => Promise<unknown> | undefined]> = [
    [4, "create", () => room() && c().post(`/v3/${PROJECT}/volumes`, { volume: { size: 1 + Math.floor(rnd() * 2), volume_type: pick(w.types) } }).then(answered("create"))],
    [2, "create from snapshot", () => {
      const s = pick(snapshots());
      return s && room() && c().post(`/v3/${PROJECT}/volumes`, { volume: { snapshot_id: s.id, size: s.size } }).then(answered("create from snapshot"));
    }],
    [2, "clone", () => {
      const src = pick(volumes());
      return src && room() && c().post(`/v3/${PROJECT}/volumes`, { volume: { source_volid: src.id, size: src.size } }).then(answered("clone"));
    }],
    [6, "delete", () => {
      const x = pick(volumes().filter((x) => !w.guarded.has(x.id)));
      if (!x) return undefined;
      busy.add(x.id);
      return c().delete(v(x.id)).then(answered("delete"));
    }],
    [2, "extend", () => {
      // A guarded volume keeps its size: its content hash covers it.
      const x = pick(volumes().filter((x) => x.size < 4 && !w.guarded.has(x.id)));
      if (!x) return undefined;
      busy.add(x.id);
      return c().post(`${v(x.id)}/action`, { "os-extend": { new_size: x.size + 1 } }).then(answered("extend"));
    }],
    [2, "snapshot", () => {
      const x = pick(volumes());
      return x && c().post(`/v3/${PROJECT}/snapshots`, { snapshot: { volume_id: x.id } }).then(answered("snapshot"));
    }],
    [2, "delete snapshot", () => {
      const s = pick(snapshots());
      if (!s) return undefined;
      busy.add(s.id);
      return c().delete(`/v3/${PROJECT}/snapshots/${s.id}`).then(answered("delete snapshot"));
    }],
    [1, "retype", () => {
      const x = pick(volumes());
      if (!x) return undefined;
      busy.add(x.id);
      const to = w.types.find((t) => t !== x.volume_type) ?? w.types[0];
      return c().post(`${v(x.id)}/action`, { "os-retype": { new_type: to, migration_policy: "never" } }).then(answered("retype"));
    }],
    [1, "attach", () => {
      const x = pick(volumes());
      if (!x) return undefined;
      busy.add(x.id);
      const api = c();
      const connector = w.storage.connector;
      // With a connector the volume is exported; the attach may be completed before it is let go.
      const attachment = { volume_uuid: x.id, instance_uuid: "9a3b7c3e-8d35-4e1b-9b4e-2f7e5d0c1a11", ...(connector ? { connector } : {}) };
      const version = connector ? "3.54" : "3.27";
      return api
        .post(`/v3/${PROJECT}/attachments`, { attachment }, { version })
        .then(answered("reserve"))
        .then((r) =>
          connector && r.status === 200 && rnd() < 0.5
            ? api.post(`/v3/${PROJECT}/attachments/${(r.body as any).attachment.id}/action`, { "os-complete": null }, { version }).then(answered("complete")).then(() => r)
            : r,
        )
        .then((r) => (r.status === 200 && rnd() < 0.7 ? api.delete(`/v3/${PROJECT}/attachments/${(r.body as any).attachment.id}`, { version }).then(answered("unreserve")) : r));
    }],
    [1, "manage", () => {
      if (!room()) return undefined;
      return w.storage
        .foreign(w.imports++, one)
        .then(({ host, name }) => c().post(`/v3/${PROJECT}/manageable_volumes`, { volume: { host, ref: { "source-name": name } } }, { version: "3.8" }))
        .then(answered("manage"));
    }],
    [2, "backup", () => {
      // A full backup: the volume is backing-up while its chunks are written.
      if (!w.backups) return undefined;
      const x = pick(volumes());
      if (!x) return undefined;
      busy.add(x.id);
      return c().post(`/v3/${PROJECT}/backups`, { backup: { volume_id: x.id } }).then(answered("backup"));
    }],
    [1, "restore", () => {
      // A restore into a new volume of the backup's size.
      const b = pick(backups());
      if (!b || !room()) return undefined;
      busy.add(b.id);
      return c().post(`/v3/${PROJECT}/backups/${b.id}/restore`, { restore: {} }).then(answered("restore"));
    }],
    [1, "delete backup", () => {
      const b = pick(backups());
      if (!b) return undefined;
      busy.add(b.id);
      return c().delete(`/v3/${PROJECT}/backups/${b.id}`).then(answered("delete backup"));
    }],
    [1, "transfer", () => {
      // A transfer to the receiving project: accepted, taken back, or left waiting.
      const x = pick(volumes());
      if (!x) return undefined;
      busy.add(x.id);
      const api = c();
      const transfers = (project: string) => `/v3/${project}/volume-transfers`;
      return api
        .post(transfers(PROJECT), { transfer: { volume_id: x.id, name: "chaos" } }, { version: "3.55" })
        .then(answered("transfer"))
        .then((r) => {
          if (r.status !== 202) return r;
          const t = (r.body as any).transfer;
          const draw = rnd();
          if (draw < 0.6) {
            return api.as(`admin:${RECEIVER}`).post(`${transfers(RECEIVER)}/${t.id}/accept`, { accept: { auth_key: t.auth_key } }, { version: "3.55" }).then(answered("accept"));
          }
          return draw < 0.8 ? api.delete(`${transfers(PROJECT)}/${t.id}`, { version: "3.55" }).then(answered("delete transfer")) : r;
        });
    }],
    [1, "migrate", () => {
      // A migration to the other backend; a guarded volume stays where its disk is read back.
      if ((w.backends?.length ?? 0) < 2) return undefined;
      const x = pick(volumes().filter((x) => !w.guarded.has(x.id)));
      if (!x) return undefined;
      busy.add(x.id);
      const to = w.backends!.find((b) => b !== backendHost(x))!;
      return c().post(`${v(x.id)}/action`, { "os-migrate_volume": { host: to } }).then(answered("migrate"));
    }],
    [2, "guest write", () => {
      // A guest writes to its disk; from now on the volume's data must survive every kill.
      if (w.guarded.size >= (limits.maxGuarded ?? Infinity)) return undefined;
      const x = pick(volumes().filter((x) => !w.guarded.has(x.id)));
      if (!x) return undefined;
      busy.add(x.id);
      return w.storage.write(x.id, x["os-vol-host-attr:host"] ?? "").then((g) => void w.guarded.set(x.id, g));
    }],
  ];
  const total = ops.reduce((n, [weight]) => n + weight, 0);
  let over: () => boolean;
  if (typeof until === "number") {
    const deadline = Date.now() + until;
    over = () => Date.now() >= deadline;
  } else {
    let ended = false;
    void until.finally(() => (ended = true)).catch(() => undefined);
    over = () => ended;
  }
  const errors: unknown[] = [];
  const loop = async (): Promise<void> => {
    while (!over()) {
      let r = rnd() * total;
      const [, kind, op] = ops.find(([weight]) => (r -= weight) < 0)!;
      const p = op();
      if (!p) {
        // Nothing to do for this draw: let answers, and a kill's timer, through before the next.
        await new Promise((res) => setImmediate(res));
        continue;
      }
      stats.operations++;
      stats.kinds = { ...stats.kinds, [kind]: (stats.kinds?.[kind] ?? 0) + 1 };
      const tracked = p.catch((err: unknown) => {
        // A request the kill cut short fails to fetch; anything else is a finding.
        if (!(err instanceof TypeError && /fetch failed/.test(err.message))) errors.push(err);
        else stats.cutShort++;
      });
      inFlight.add(tracked);
      void tracked.finally(() => inFlight.delete(tracked));
      // A few at a time, with a little time between them.
      if (inFlight.size >= 6) await Promise.race(inFlight);
      await new Promise((res) => setTimeout(res, rnd() * 20));
    }
  };
  const found = () => {
    if (errors.length > 0) throw errors[0];
  };
  const ran = loop().then(found);
  return { ran, settled: () => Promise.all([...inFlight]).then(found) };
}
