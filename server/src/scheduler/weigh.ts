/**
 * Weighing as Cinder does (cinder/scheduler/weights/__init__.py): each weigher's raw weights are
 * normalised to 0..1 across the candidates, multiplied by its multiplier, and summed.
 */
import type { PoolState, RequestSpec, Weigher } from "./types";

export function rank(pools: PoolState[], spec: RequestSpec, weighers: readonly Weigher[]): PoolState[] {
  const total = new Map<PoolState, number>(pools.map((p) => [p, 0]));
  for (const w of weighers) {
    const raw = pools.map((p) => w.weigh(p, spec));
    const min = Math.min(...raw);
    const max = Math.max(...raw);
    pools.forEach((p, i) => {
      const norm = max === min ? 0 : (raw[i] - min) / (max - min);
      total.set(p, (total.get(p) ?? 0) + norm * w.multiplier);
    });
  }
  return [...pools].sort((a, b) => (total.get(b) ?? 0) - (total.get(a) ?? 0) || a.host.localeCompare(b.host));
}
