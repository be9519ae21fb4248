/**
 * A volume type's size bounds (cinder/volume/volume_types.py provision_filter_on_size): the extra
 * specs `provisioning:min_vol_size` and `provisioning:max_vol_size` bound the size of the type's
 * volumes, checked when a volume is created, extended or retyped (cinder/volume/api.py create,
 * _extend, retype).
 */
import type { Kysely, Transaction } from "kysely";
import { getType, typeSpecs } from "../../db/repos/types";
import type { Database } from "../../db/schema";
import { invalidInput } from "../../contract/errors";

type Q = Kysely<Database> | Transaction<Database>;

export const MIN_SIZE_KEY = "provisioning:min_vol_size";
export const MAX_SIZE_KEY = "provisioning:max_vol_size";

/** Python's int() of the spec; a value it would refuse sets no bound (Cinder would fail with a 500). */
function bound(value: string | undefined): number | undefined {
  return value !== undefined && /^\s*[+-]?\d+\s*$/.test(value) ? Number.parseInt(value, 10) : undefined;
}

/** Throw Cinder's 400 when `size` is outside the type's bounds. A volume without a type has none. */
export async function checkSizeForType(db: Q, typeId: string | null, size: number): Promise<void> {
  if (!typeId) return;
  // A type that is gone has no specs left: no bounds.
  const specs = await typeSpecs(db, typeId);
  const spec = (key: string): string | undefined => specs[key];
  // The type's name, for the message, is read only when a bound refuses the size.
  const typeName = async () => (await getType(db, typeId))?.name ?? typeId;
  const min = bound(spec(MIN_SIZE_KEY));
  // Python's truthiness: a bound of 0 is no bound.
  if (min && size < min) {
    throw invalidInput(
      `Specified volume size of '${size}' is less than the minimum required size of '${spec(MIN_SIZE_KEY)}' for volume type '${await typeName()}'.`,
    );
  }
  const max = bound(spec(MAX_SIZE_KEY));
  if (max && size > max) {
    throw invalidInput(
      `Specified volume size of '${size}' is greater than the maximum allowable size of '${spec(MAX_SIZE_KEY)}' for volume type '${await typeName()}'.`,
    );
  }
}
