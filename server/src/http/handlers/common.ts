/** Small helpers the handlers share. */
import type { VolumeRow } from "../../db/schema";
import type { Services } from "../../services";
import { volumeExtras } from "../../volume/api/lookup";
import type { HandlerRequest } from "../handler";
import { volumeDetail } from "../views/volumes";
import { nextLink, type Link } from "../views/links";
import { boolFrom } from "../../lib/bool";
import { badRequest, invalidInput } from "../../contract/errors";

export async function volumeViews(
  req: HandlerRequest<unknown>,
  rows: readonly VolumeRow[],
  extensions = true,
): Promise<Record<string, unknown>[]> {
  const extras = await volumeExtras(req.svc, rows);
  return rows.map((r) => volumeDetail(req.ctx, req.link, r, extras.get(r.id)!, extensions));
}

export async function volumeView(req: HandlerRequest<unknown>, row: VolumeRow, extensions = true): Promise<Record<string, unknown>> {
  return (await volumeViews(req, [row], extensions))[0];
}

/** `{<coll>_links: [next]}` when more rows follow (cinder/api/common.py _get_collection_links). */
export function collectionLinks(
  req: HandlerRequest<unknown>,
  key: string,
  path: string,
  more: boolean,
  lastId: string | undefined,
): Record<string, Link[]> {
  if (!more || lastId === undefined) return {};
  return { [key]: [nextLink(req.link, path, req.query, lastId)] };
}

/** A query flag such as `cascade=true`, read as Cinder reads it. */
export function queryFlag(req: HandlerRequest<unknown>, name: string): boolean {
  const raw = req.query[name];
  if (raw === undefined) return false;
  const b = boolFrom(raw);
  if (b === undefined) throw badRequest(`Value '${raw}' for '${name}' is not a boolean.`);
  return b;
}

/** Booleans in bodies: JSON booleans or the spellings Cinder's schema accepts. */
export function bodyFlag(v: unknown): boolean | undefined {
  return v === undefined || v === null ? undefined : boolFrom(v);
}

/** `name` wins over the legacy `display_name`, as in cinder/api/v3/volumes.py. */
export function pick<T>(a: T | undefined, b: T | undefined): T | undefined {
  return a !== undefined ? a : b;
}

export type { Services };

/**
 * cinder/api/common.py get_cluster_host: from microversion `since` exactly one of host and
 * cluster, before it a host (a `since` of Infinity: never a cluster).
 */
export function clusterHost(version: number, since: number, host: unknown, cluster: unknown): { host?: string; cluster?: string } {
  const withCluster = version >= since;
  const c = withCluster && typeof cluster === "string" && cluster ? cluster : undefined;
  const h = typeof host === "string" && host ? host : undefined;
  if (Boolean(c) === Boolean(h)) {
    throw invalidInput(withCluster ? "One and only one of cluster and host must be set." : "Host field is missing.");
  }
  return { host: h, cluster: c };
}
