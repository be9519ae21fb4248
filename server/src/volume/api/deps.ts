/**
 * What a volume API function may reach of the shared services, named by what it allows. Each
 * function takes the narrowest of these that it needs, so its signature says whether it can cast
 * to a manager or the scheduler, take quota or ask the identity service; the compiler holds callees
 * to the same (a function can pass on only what it was given). Handlers pass the whole Services.
 */
import type { Services } from "../../services";

/** Read and write the database only. */
export type DbDeps = Pick<Services, "db">;

/** The database and the configuration: quota limits and defaults, the default availability zone. */
export type ConfigDeps = Pick<Services, "db" | "config">;

/** The database and casts or calls to the volume managers. */
export type CastDeps = Pick<Services, "db" | "volumes">;

/** Take quota (by the configured limits), then cast or call to the volume managers. */
export type ConfigCastDeps = Pick<Services, "db" | "config" | "volumes">;

/** Take quota (by the configured limits), then cast to the scheduler. */
export type ScheduleDeps = Pick<Services, "db" | "config" | "scheduler">;

/** The database and the identity service (whether a project exists). */
export type IdentityDeps = Pick<Services, "db" | "identity">;

/** The image service (built-in or an external Glance): volumes from images, uploads to images. */
export type ImageDeps = Pick<Services, "images">;
