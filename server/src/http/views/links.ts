/**
 * Resource links as Cinder builds them (cinder/api/common.py ViewBuilder): `self` is the versioned
 * URL, `bookmark` the same without `/v3`; the project id appears only when the request URL had it.
 */
export interface LinkBase {
  /** scheme://host[:port], from the public endpoint setting or the request. */
  origin: string;
  /** The project segment of the request URL, or undefined for project-less URLs. */
  projectInUrl?: string;
}

export interface Link {
  rel: string;
  href: string;
}

function join(...parts: Array<string | undefined>): string {
  return parts.filter((p) => p !== undefined && p !== "").join("/");
}

export function resourceLinks(base: LinkBase, collection: string, id: string): Link[] {
  return [
    { rel: "self", href: join(base.origin, "v3", base.projectInUrl, collection, id) },
    { rel: "bookmark", href: join(base.origin, base.projectInUrl, collection, id) },
  ];
}

/** The `rel: next` link: the same URL with every query parameter kept and `marker` set. */
export function nextLink(base: LinkBase, collectionPath: string, query: Record<string, string>, marker: string): Link {
  const params = new URLSearchParams({ ...query, marker });
  return { rel: "next", href: `${join(base.origin, "v3", base.projectInUrl, collectionPath)}?${params.toString()}` };
}
