/**
 * Set up a volume type with extra specs and a QoS spec, create a volume of that type, show how it
 * all fits together, and clean up. Needs an admin; the connection comes from the OS_* environment.
 *
 *   npx tsx examples/sdk/type-with-qos.ts
 */
import { connect } from "@cinderblock/sdk";

async function main(): Promise<void> {
  const client = await connect();
  const suffix = Date.now().toString(36);
  const wait = { timeoutMs: 300_000, intervalMs: 250 };

  const qos = await client.qosSpecs.create({ name: `gold-qos-${suffix}`, consumer: "front-end", read_iops_sec: "2000", write_iops_sec: "1000" });
  const type = await client.volumeTypes.create({ name: `gold-${suffix}`, description: "thin volumes with an IOPS cap" });
  try {
    await client.volumeTypes.setExtraSpecs(type, { "provisioning:type": "thin" });
    await client.qosSpecs.associate(qos, type);
    const associations = await client.qosSpecs.listAssociations(qos);
    console.log(`QoS ${qos.name} ${JSON.stringify(qos.specs)} is associated with ${associations.map((a) => a.name).join(", ")}`);
    console.log(`type ${type.name} has extra specs ${JSON.stringify(await client.volumeTypes.getExtraSpecs(type))}`);

    const volume = await client.volumes.create({ size: 1, name: `gold-volume-${suffix}`, volume_type: type.name });
    try {
      const ready = await client.volumes.waitFor(volume, "available", wait);
      console.log(`volume ${ready.id} of type ${ready.volume_type} is ${ready.status}`);
    } finally {
      await client.volumes.delete(volume);
      await client.volumes.waitForDeleted(volume, wait);
    }
  } finally {
    await client.qosSpecs.disassociateAll(qos);
    await client.qosSpecs.delete(qos);
    await client.volumeTypes.delete(type);
  }
  console.log("cleaned up");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
