/**
 * Every row of every table but `services` (whose heartbeats move on their own), as one string, once
 * the server's bus has settled: equal before and after a refused request means it changed nothing.
 */
import type { TestServer } from "./server";

const TABLES = [
  "volumes", "volume_metadata", "volume_admin_metadata", "snapshots", "snapshot_metadata", "volume_types",
  "volume_type_extra_specs", "volume_type_projects", "default_volume_types", "qos_specs", "qos_spec_keys", "quotas",
  "quota_classes", "quota_usages", "volume_attachment", "domains", "projects", "users", "roles", "role_assignments", "tokens",
] as const;

export async function tableSnapshot(s: TestServer): Promise<string> {
  if (!(await s.app.services.bus.drain(20_000))) throw new Error("the bus did not drain");
  const db = s.app.services.db.kysely as any;
  const out: Record<string, string[]> = {};
  for (const t of TABLES) {
    const rows: unknown[] = await db.selectFrom(t).selectAll().execute();
    out[t] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return JSON.stringify(out);
}
