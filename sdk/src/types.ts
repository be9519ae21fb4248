/**
 * Type-level plumbing over the generated spec types (@cinderblock/openapi). Nothing here restates
 * a request or response shape: every entity type is an alias of a spec schema, and the request
 * typing is derived from the spec's `paths` with the openapi-typescript-helpers utilities.
 */
import type { OkStatus, PathsWithMethod, SuccessResponseJSON } from "openapi-typescript-helpers";
import type { components, paths } from "@cinderblock/openapi";

export type { components, operations, paths } from "@cinderblock/openapi";

/** The spec's schemas, for `Schemas["VolumeCreate"]` and friends. */
export type Schemas = components["schemas"];

/** HTTP methods the SDK sends (the spec's lower-case operation keys). */
export type Method = "get" | "put" | "post" | "delete" | "patch" | "head";

/**
 * Spec paths a client can call: the project-scoped Cinder paths (sent to the volume endpoint,
 * see ./urls.ts) and the Keystone paths (sent to the auth URL). The project-less twins
 * (`/v3/volumes`) are left out so that every call has exactly one spelling.
 */
export type ApiPath = Extract<keyof paths, `/v3/{project_id}/${string}` | `/identity/v3${string}`>;

/** The API paths that have an operation for `M`. */
export type PathFor<M extends Method> = Extract<PathsWithMethod<paths, M>, ApiPath>;

/** The operation object of `M P`. */
export type Op<P extends ApiPath, M extends Method> = paths[P][M];

type ParamsOf<O> = O extends { parameters: infer X } ? X : never;

/**
 * Path parameters of the operation `O` at path `P`. For Cinder paths `project_id` is left out: the
 * endpoint URL carries the project (see ./urls.ts). Keystone's `{project_id}` is a real parameter.
 */
export type PathParams<O, P extends string = VolumePath> = ParamsOf<O> extends { path: infer PP }
  ? P extends VolumePath
    ? Omit<PP, "project_id">
    : PP
  : {}; // no parameters: `keyof {}` is never, so `path` becomes optional

type VolumePath = `/v3/{project_id}/${string}`;

/** Query parameters of an operation, as the spec declares them. */
export type QueryParams<O> = ParamsOf<O> extends { query?: infer Q } ? NonNullable<Q> : never;

/** Header parameters of an operation (e.g. `If-Match`). */
export type HeaderParams<O> = ParamsOf<O> extends { header?: infer H } ? NonNullable<H> : never;

/**
 * A query as callers may write it: the spec types query values as strings; numbers and booleans
 * are accepted and stringified, and a `metadata` filter may be given as an object (sent as JSON).
 */
export type QueryInput<Q> = {
  [K in keyof Q]?: K extends "metadata" ? Q[K] | Record<string, string> : Q[K] | number | boolean;
};

/** The JSON request body of an operation (`never` when it takes none). */
export type RequestBody<O> = O extends { requestBody: { content: { "application/json": infer B } } }
  ? B
  : O extends { requestBody?: { content: { "application/json": infer B } } }
    ? B | undefined
    : never;

/** The JSON body of the operation's success responses (`undefined` for bodiless ones). */
export type ResponseData<O> = O extends { responses: unknown } ? SuccessResponseJSON<O> : never;

/** The success status codes the spec declares for an operation, e.g. `202` for an action. */
export type OkCode<O> = O extends { responses: infer R } ? Extract<keyof R, OkStatus> : never;

/** Per-call options every SDK function accepts as its last argument. */
export interface CallOptions {
  /** Abort the call (and any retry waits). The call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Timeout of each attempt, overriding the client's `timeoutMs`. */
  timeoutMs?: number;
  /**
   * Declare this call safe to repeat, so that a POST is retried like a GET (on connection errors,
   * 502/503/504 and rate limiting). Default: only GET, HEAD, PUT and DELETE are retried.
   */
  idempotent?: boolean;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

type PathInit<O, P extends string> = keyof PathParams<O, P> extends never ? { path?: undefined } : { path: PathParams<O, P> };
type BodyInit<O> = [RequestBody<O>] extends [never]
  ? { body?: undefined }
  : undefined extends RequestBody<O>
    ? { body?: RequestBody<O> }
    : { body: RequestBody<O> };

/** What `client.request(method, path, init)` takes for the operation `O` at path `P`. */
export type RequestInit<O, P extends string = VolumePath> = PathInit<O, P> &
  BodyInit<O> &
  CallOptions & {
    query?: QueryInput<QueryParams<O>>;
    /** The status codes that count as success (anything else is an error); spec-checked. */
    ok: readonly OkCode<O>[];
    /** The microversion this call needs, when it is more than the operation's own minimum. */
    minVersion?: string;
    /** What to call the operation in error messages (default `METHOD path`). */
    operation?: string;
  };

/** What `client.request` resolves to. */
export interface ApiResponse<T> {
  status: number;
  data: T;
  headers: Record<string, string>;
  /** `x-openstack-request-id` of the response, when the server sent one. */
  requestId?: string;
}

// Entity aliases: the names callers reach for, each one a spec schema.
export type Volume = Schemas["Volume"];
export type VolumeSummary = Schemas["VolumeSummary"];
/**
 * The create body. The spec takes `size` as Cinder does (an integer, or a numeric string, or null
 * with a source); callers write a number, so a string is a compile error here.
 */
export type VolumeCreate = Omit<Schemas["VolumeCreate"], "size"> & { size?: number | null };

/**
 * Volume statuses as the API shows them (cinder/objects/fields.py VolumeStatus, with `managing` →
 * `creating`, `error_managing` → `error`, plus `reverting`, `unmanaging` and `error_unmanaging`): for waiters and
 * comparisons. The spec types `status` as a plain string, so responses stay `string`.
 */
export type VolumeStatus =
  | "creating" | "available" | "deleting" | "error" | "error_deleting" | "attaching" | "in-use" | "detaching" | "maintenance"
  | "restoring-backup" | "error_restoring" | "reserved" | "awaiting-transfer" | "backing-up" | "error_backing-up"
  | "error_extending" | "downloading" | "uploading" | "retyping" | "extending" | "reverting" | "unmanaging" | "error_unmanaging";

/** Snapshot statuses (cinder/objects/fields.py SnapshotStatus). */
export type SnapshotStatus =
  | "creating" | "available" | "deleting" | "deleted" | "updating" | "error" | "error_deleting" | "unmanaging" | "backing-up" | "restoring";
export type VolumeUpdate = Schemas["VolumeUpdate"];
export type VolumesSummary = Schemas["VolumesSummaryResponse"]["volume-summary"];
export type Snapshot = Schemas["Snapshot"];
export type SnapshotSummary = Schemas["SnapshotSummary"];
export type SnapshotCreate = Schemas["SnapshotCreate"];
export type SnapshotUpdate = Schemas["SnapshotUpdate"];
export type VolumeType = Schemas["VolumeType"];
export type VolumeTypeCreate = Schemas["VolumeTypeCreate"];
export type VolumeTypeUpdate = Schemas["VolumeTypeUpdate"];
export type VolumeTypeAccess = Schemas["VolumeTypeAccess"];
export type DefaultType = Schemas["DefaultType"];
export type QosSpecs = Schemas["QosSpecs"];
export type QosSpecsCreate = Schemas["QosSpecsCreate"];
export type QosAssociation = Schemas["QosAssociation"];
export type QuotaSet = Schemas["QuotaSetShowResponse"]["quota_set"];
export type QuotaSetUpdate = Schemas["QuotaSetUpdate"];
export type QuotaClassSet = Schemas["QuotaClassSetResponse"]["quota_class_set"];
export type QuotaClassSetUpdate = Schemas["QuotaClassSetUpdate"];
export type Limits = Schemas["LimitsResponse"]["limits"];
export type AvailabilityZone = Schemas["AvailabilityZone"];
export type Service = Schemas["Service"];
export type Pool = Schemas["Pool"];
export type Extension = Schemas["Extension"];
export type Metadata = Schemas["MetadataMap"];
export type Token = Schemas["Token"];
export type CatalogService = Schemas["CatalogService"];
