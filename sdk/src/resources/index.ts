/**
 * The resource modules a client carries, by property name (`client.volumes`, …). Each is one file
 * exporting `(client) => ({ …functions })`; a new resource (backups, transfers, attachments) is
 * that file plus one line here.
 */
import { attachments } from "./attachments";
import { availabilityZones } from "./availability-zones";
import { clusters } from "./clusters";
import { defaultTypes } from "./default-types";
import { extensions } from "./extensions";
import { groupTypes } from "./group-types";
import { groups } from "./groups";
import { groupSnapshots } from "./group-snapshots";
import { hosts } from "./hosts";
import { limits } from "./limits";
import { manageableSnapshots } from "./manageable-snapshots";
import { manageableVolumes } from "./manageable-volumes";
import { messages } from "./messages";
import { backups } from "./backups";
import { pools } from "./pools";
import { qosSpecs } from "./qos-specs";
import { quotas } from "./quotas";
import { services } from "./services";
import { snapshots } from "./snapshots";
import { osVolumeTransfers, transfers } from "./transfers";
import { volumeTypes } from "./volume-types";
import { volumes } from "./volumes";

export const resources = {
  volumes,
  snapshots,
  volumeTypes,
  defaultTypes,
  qosSpecs,
  groupTypes,
  groups,
  groupSnapshots,
  quotas,
  limits,
  availabilityZones,
  services,
  clusters,
  pools,
  hosts,
  extensions,
  attachments,
  manageableVolumes,
  manageableSnapshots,
  transfers,
  osVolumeTransfers,
  messages,
  backups,
};

/** The client properties the resource modules make. */
export type Resources = { readonly [K in keyof typeof resources]: ReturnType<(typeof resources)[K]> };
