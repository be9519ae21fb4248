/**
 * The storage this example declares, as a function of a few settings so that the mini-engine test
 * (test/provider/mini-engine.test.ts) can run this very program across several `up`s.
 */
import * as cinder from "@cinderblock/pulumi";

export interface Settings {
  /** Size of the data volume in GiB (grow only). */
  dataSize: number;
  /** The team tag on the data volume. */
  team: string;
  /** The type of the logs volume: "gold" or "silver". */
  logsTier: "gold" | "silver";
}

export const defaults: Settings = { dataSize: 1, team: "storage", logsTier: "gold" };

export function storage(s: Settings) {
  const fast = new cinder.QosSpec("fast", { name: "fast", consumer: "back-end", specs: { total_iops_sec: "500" } });
  const gold = new cinder.VolumeType("gold", { name: "gold", description: "Fast storage", extraSpecs: { "x:tier": "gold" } });
  const silver = new cinder.VolumeType("silver", { name: "silver", extraSpecs: { "x:tier": "silver" } });
  new cinder.QosAssociation("fast-gold", { qosSpecId: fast.id, volumeTypeId: gold.id });

  const data = new cinder.Volume("data", { name: "data", size: s.dataSize, volumeType: gold.name, metadata: { team: s.team } });
  const logs = new cinder.Volume("logs", { name: "logs", size: 1, volumeType: s.logsTier === "gold" ? gold.name : silver.name });
  const nightly = new cinder.Snapshot("nightly", { name: "nightly", volumeId: data.id, metadata: { schedule: "nightly" } });
  const restored = new cinder.Volume("restored", { name: "restored", size: 1, snapshotId: nightly.id });
  const zones = cinder.getAvailabilityZonesOutput({});

  return { dataId: data.id, dataStatus: data.status, logsType: logs.volumeType, restoredFrom: restored.snapshotId, zones: zones.names };
}
