/**
 * Create a volume, snapshot it, create a second volume from the snapshot and wait for it; then
 * clean everything up. The connection comes from the OS_* environment, as for the openstack CLI:
 *
 *   source admin-openrc.sh   # or: export OS_CLOUD=mycloud
 *   npx tsx examples/sdk/volume-from-snapshot.ts
 */
import { connect } from "@cinderblock/sdk";

async function main(): Promise<void> {
  const client = await connect();
  console.log(`connected to ${client.endpoint} at microversion ${client.microversion}`);
  const wait = { timeoutMs: 300_000, intervalMs: 250 };

  const source = await client.volumes.create({ size: 1, name: "example-source" });
  await client.volumes.waitFor(source, "available", wait);
  console.log(`volume ${source.id} is available`);
  try {
    const snap = await client.snapshots.create({ volume_id: source.id, name: "example-snap" });
    await client.snapshots.waitFor(snap, "available", wait);
    console.log(`snapshot ${snap.id} is available`);
    try {
      const copy = await client.volumes.create({ snapshot_id: snap.id, name: "example-from-snapshot" });
      const ready = await client.volumes.waitFor(copy, "available", wait);
      console.log(`volume ${ready.id} (from snapshot ${ready.snapshot_id}) is ${ready.status}, ${ready.size} GiB`);
      await client.volumes.delete(copy);
      await client.volumes.waitForDeleted(copy, wait);
    } finally {
      await client.snapshots.delete(snap);
      await client.snapshots.waitForDeleted(snap, wait);
    }
  } finally {
    await client.volumes.delete(source);
    await client.volumes.waitForDeleted(source, wait);
  }
  console.log("cleaned up");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
