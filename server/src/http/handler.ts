/**
 * What a handler is: one per operationId (or action) in the spec. The Handlers type is derived from
 * the generated route table, so an operation in the spec without a handler, or a handler for no
 * operation, does not compile.
 */
import type { Readable } from "node:stream";
import type { WriteRateLimiter } from "./rate-limit";
import type { operations } from "@cinderblock/openapi";
import type { ActionBodies, ActionName, OperationName, PlainOperationName } from "../generated/routes";
import type { RequestContext } from "../contract/context";
import type { Services } from "../services";
import type { LinkBase } from "./views/links";

type JsonBody<T> = T extends { requestBody: { content: { "application/json": infer B } } }
  ? B
  : T extends { requestBody?: { content: { "application/json": infer B } } }
    ? B | undefined
    : undefined;

export type BodyOf<K extends OperationName> = K extends ActionName
  ? ActionBodies[K]
  : K extends PlainOperationName
    ? JsonBody<operations[K]>
    : never;

export interface HandlerRequest<B> {
  ctx: RequestContext;
  params: Record<string, string>;
  /** Query parameters (the last value of a repeated one). */
  query: Record<string, string>;
  body: B;
  /** The request headers, lower-cased (Keystone's X-Subject-Token). */
  headers: Record<string, string | string[] | undefined>;
  link: LinkBase;
  svc: Services;
  /** The rate limits of the volume API's writes (GET /limits shows them). */
  rate: WriteRateLimiter;
}

export interface Reply {
  /** Defaults to the operation's success status in the spec. */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body streamed as is (image data), with its content type, instead of JSON. */
  stream?: { data: Readable; contentType: string };
}

export type Handler<B> = (req: HandlerRequest<B>) => Promise<Reply>;

export type Handlers = { [K in OperationName]: Handler<BodyOf<K>> };
