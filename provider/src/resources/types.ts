/**
 * The contract every resource file implements, so that the gRPC server handles every resource the
 * same way: its property table (which drives the schema, the SDK and the generic input check) and
 * the lifecycle functions the gRPC server calls.
 * `check` and `diff` are pure; the rest talk to Cinder through the SDK client in `ctx`.
 */
import type { CinderClient, ImagesClient } from "@cinderblock/sdk";
import type { DiffResult } from "../lib/diff";
import type { Clock } from "../lib/wait";
import type { Props } from "../lib/wire";

export type PropType = "string" | "integer" | "number" | "boolean" | "stringMap" | "object" | "array";

export interface PropSpec {
  type: PropType;
  description: string;
  /** An input (in Args); outputs are every property. */
  input?: boolean;
  required?: boolean;
  /**
   * Whether the output is present on every resource of the kind (the schema's output `required`).
   * Default: required inputs and outputs that are not inputs; optional inputs only when set true
   * (e.g. an autonamed `name`, a server-chosen `volumeType`). False marks a computed output that can
   * be absent.
   */
  always?: boolean;
  secret?: boolean;
  /** Allowed values of a string. */
  enum?: readonly string[];
  /** Schema of array items / object shape, when `type` is array or object (Pulumi schema fragment). */
  items?: Record<string, unknown>;
  /** Schema fragment for an object-typed property. */
  schema?: Record<string, unknown>;
  /** Input whose change always replaces (also emitted as schema `replaceOnChanges`). */
  replaceOnChanges?: boolean;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckInput {
  /** The resource's logical name (from its URN), for autonaming. */
  name: string;
  randomSeed?: Uint8Array;
}

export interface Ctx {
  client(): Promise<CinderClient>;
  /** The Image service (Glance v2) of the same session; absent where no resource needs it. */
  images?(): Promise<ImagesClient>;
  /** The engine's timeout for this operation (customTimeouts), else the resource default. */
  timeoutMs: number;
  signal?: AbortSignal;
  clock?: Clock;
  /** Tell the user something through the engine's log (best effort). */
  log?: (message: string) => void;
}

export interface ReadResult {
  id: string;
  outs: Props;
  inputs: Props;
}

export interface ResourceDef {
  /** `cinder:index:<Name>` */
  token: string;
  description: string;
  properties: Record<string, PropSpec>;
  /** How the id is formed and what `pulumi import` takes. */
  importId: string;
  /** Default timeout in seconds when the program sets no customTimeouts. */
  defaultTimeoutSec?: number;
  check(news: Props, olds: Props, input: CheckInput): { inputs: Props; failures: CheckFailure[] };
  diff(olds: Props, news: Props, oldInputs: Props): DiffResult;
  /** Outputs to show in preview for a create (unknown where not yet known). */
  preview(inputs: Props, olds?: Props): Props;
  create(ctx: Ctx, inputs: Props): Promise<{ id: string; outs: Props }>;
  /** Undefined when the resource is gone. `oldInputs` is empty on import. */
  read(ctx: Ctx, id: string, state: Props, oldInputs: Props): Promise<ReadResult | undefined>;
  update(ctx: Ctx, id: string, olds: Props, news: Props, oldInputs: Props): Promise<Props>;
  delete(ctx: Ctx, id: string, state: Props): Promise<void>;
}
