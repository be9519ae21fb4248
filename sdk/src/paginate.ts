/**
 * Pagination over Cinder's `*_links` (cinder/api/common.py `_get_collection_links`): a full page
 * carries `{"rel": "next", "href": ".../volumes/detail?limit=..&marker=<last id>"}`.
 *
 * The next page is requested with the query of that link against the client's own endpoint, not
 * by fetching the href: behind a proxy Cinder often writes its internal host into links.
 *
 *   for await (const v of client.volumes.list({ status: "available" })) …      // item by item
 *   for await (const page of client.volumes.list({ limit: 50 }).pages()) …     // page by page
 *   const all = await client.volumes.list().all();
 */
import type { Schemas } from "./types";

export interface Page<T> {
  items: T[];
  /** The query of the next page (the next link's query string); absent on the last page. */
  next?: Record<string, string>;
  /** The marker of the next page, for resuming later with `list({ ...query, marker })`. */
  marker?: string;
  /** Total count of matching items, when asked for with `with_count` (3.45). */
  count?: number;
}

/** One fetched page, as a resource's list function returns it. */
export interface RawPage<T> {
  items: T[];
  links?: Schemas["Link"][];
  count?: number;
}

type Query = Record<string, unknown>;

/** A lazy list: nothing is requested until it is iterated. */
export class Pager<T> implements AsyncIterable<T> {
  constructor(
    private readonly fetchPage: (query: Query | undefined) => Promise<RawPage<T>>,
    private readonly query?: Query,
  ) {}

  /** The pages, one request each, following next links until there is none. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let query = this.query;
    const seen = new Set<string>();
    for (let first = true; ; first = false) {
      const raw = await this.fetchPage(query);
      const next = nextQuery(raw.links);
      const page: Page<T> = { items: raw.items, next, marker: next?.marker, count: raw.count };
      // Cinder links every full page, the last one too: the empty page after it is not a page of
      // the list (only a first page may be empty).
      if (!first && raw.items.length === 0) return;
      yield page;
      // Stop on the last page, on an empty page and on a marker that repeats (a server bug).
      if (!next || raw.items.length === 0) return;
      const key = JSON.stringify(next);
      if (seen.has(key)) return;
      seen.add(key);
      query = { ...query, ...next };
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.items;
  }

  /** Only the first page (with `next`/`marker` to continue from). */
  async firstPage(): Promise<Page<T>> {
    for await (const page of this.pages()) return page;
    return { items: [] };
  }

  /** Every item of every page. */
  async all(): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) out.push(item);
    return out;
  }
}

/** The query string of the `next` link, as a plain object. */
export function nextQuery(links: Schemas["Link"][] | undefined): Record<string, string> | undefined {
  const next = links?.find((l) => l.rel === "next");
  if (!next) return undefined;
  const url = new URL(next.href, "http://placeholder/");
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) out[k] = v;
  return out;
}

/** Build a Pager from a page fetcher and the caller's query. */
export function paginate<T, Q extends object>(fetchPage: (query: Q | undefined) => Promise<RawPage<T>>, query?: Q): Pager<T> {
  return new Pager<T>(fetchPage as (q: Query | undefined) => Promise<RawPage<T>>, query as Query | undefined);
}
