/** The resource table: token → definition. The schema, the server and the SDK all derive from it. */
import { qosAssociation } from "./qos-association";
import { qosSpec } from "./qos-spec";
import { quotaSet } from "./quota-set";
import { snapshot } from "./snapshot";
import type { Features, ResourceDef } from "./types";
import { volume } from "./volume";
import { volumeType } from "./volume-type";
import { volumeTypeAccess } from "./volume-type-access";

export const RESOURCES: Record<string, ResourceDef> = Object.fromEntries(
  [volume, snapshot, volumeType, volumeTypeAccess, qosSpec, qosAssociation, quotaSet].map((r) => [r.token, r]),
);

/**
 * Cinderblock has no `os-retype` yet (it answers 400), so a volumeType change replaces the volume
 * for now. Flip to true when the server implements retype; volume-ops.ts already calls it.
 */
export const FEATURES: Features = { retype: true };
