/** Version discovery (cinder/api/versions.py, cinder/api/views/versions.py). */
import type { Handlers } from "../handler";
import { MAX_VERSION, MIN_VERSION } from "../../contract/microversion";

const UPDATED = "2023-08-31T00:00:00Z";

function document(origin: string) {
  return {
    versions: [
      {
        id: "v3.0",
        status: "CURRENT",
        version: MAX_VERSION,
        min_version: MIN_VERSION,
        updated: UPDATED,
        links: [
          { rel: "describedby", type: "text/html", href: "https://docs.openstack.org/" },
          { rel: "self", href: `${origin}/v3/` },
        ],
        "media-types": [{ base: "application/json", type: "application/vnd.openstack.volume+json;version=3" }],
      },
    ],
  };
}

export const versionHandlers: Pick<Handlers, "listApiVersions" | "showApiV3"> = {
  listApiVersions: async (req) => ({ status: 300, body: document(req.link.origin) }),
  showApiV3: async (req) => ({ body: document(req.link.origin) }),
};
