/** The resource table: token → definition. The schema, the server and the SDK all derive from it. */
import { groupType } from "./group-type";
import { image } from "./image";
import { qosAssociation } from "./qos-association";
import { qosSpec } from "./qos-spec";
import { quotaSet } from "./quota-set";
import { snapshot } from "./snapshot";
import type { ResourceDef } from "./types";
import { volume } from "./volume";
import { volumeAttachment } from "./volume-attachment";
import { volumeType } from "./volume-type";
import { volumeTypeAccess } from "./volume-type-access";
import { volumeTypeEncryption } from "./volume-type-encryption";

export const RESOURCES: Record<string, ResourceDef> = Object.fromEntries(
  [volume, snapshot, volumeType, volumeTypeAccess, volumeTypeEncryption, qosSpec, qosAssociation, quotaSet, groupType, volumeAttachment, image].map((r) => [r.token, r]),
);
