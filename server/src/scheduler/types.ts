/** What the scheduler's filters and weighers look at (cf. cinder/scheduler/host_manager.py BackendState). */
import type { PoolStats } from "../drivers/interface";

export interface PoolState {
  /** `host@backend#pool`. */
  host: string;
  backend: string;
  /** `cluster@backend#pool` when the backend is clustered (several hosts, one storage). */
  cluster?: string;
  availabilityZone: string;
  pool: PoolStats;
  /** Backend-level capabilities merged with the pool's (volume_backend_name, vendor_name, ...). */
  capabilities: Record<string, string | number | boolean>;
}

export interface RequestSpec {
  size: number;
  availabilityZone: string;
  /** The volume type's extra specs. */
  extraSpecs: Record<string, string>;
  /** `host@backend` the volume already lives on (a retype): its size is not asked of that backend again. */
  volExistsOn?: string;
}

/** A filter: may this pool take the volume? (cinder/scheduler/filters) */
export interface Filter {
  name: string;
  passes(pool: PoolState, spec: RequestSpec): boolean;
}

/** A weigher: how good is this pool (bigger is better before the multiplier)? (cinder/scheduler/weights) */
export interface Weigher {
  name: string;
  multiplier: number;
  weigh(pool: PoolState, spec: RequestSpec): number;
}
