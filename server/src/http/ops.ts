/**
 * The operator's routes beside the API: Prometheus metrics (`/metrics`), the API reference
 * (`/docs`, Redoc rendering the spec, served from node_modules: no CDN) and the spec itself
 * (`/openapi.json`, openapi/dist).
 */
import { timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config";
import type { Metrics } from "../metrics/metrics";

/** Redoc's standalone bundle (an ES module), as @redocly/cli (the spec's linter, a dependency of the repository) ships it. */
const REDOC_BUNDLE = "@redocly/cli/lib/chunks/redoc.standalone.js";
const SPEC = "@cinderblock/openapi/dist/cinder-v3.json";

const DOCS_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cinderblock API reference</title>
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<redoc></redoc>
<script type="module">
import { init } from "/docs/redoc.standalone.js";
init("/openapi.json", {}, document.querySelector("redoc"));
</script>
</body>
</html>
`;

/** One read per process, on first use. */
function cachedFile(spec: string): () => Buffer | undefined {
  let body: Buffer | undefined;
  let missing = false;
  return () => {
    if (body || missing) return body;
    try {
      body = readFileSync(require.resolve(spec));
    } catch {
      missing = true;
    }
    return body;
  };
}

const redoc = cachedFile(REDOC_BUNDLE);
const spec = cachedFile(SPEC);

function plain(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).type("text/plain; charset=utf-8").send(text + "\n");
}

/** Whether the request carries the metrics token (compared in constant time). */
function hasToken(req: FastifyRequest, token: string): boolean {
  const auth = req.headers.authorization;
  if (typeof auth !== "string" || !auth.startsWith("Bearer ")) return false;
  const given = Buffer.from(auth.slice(7).trim());
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export function registerOpsRoutes(app: FastifyInstance, config: Config, metrics: Metrics | undefined): void {
  if (config.metrics && metrics) {
    app.get("/metrics", { config: { operation: "metrics" } }, async (req, reply) => {
      if (config.metricsToken !== undefined && !hasToken(req, config.metricsToken)) {
        void reply.header("WWW-Authenticate", 'Bearer realm="cinderblock metrics"');
        return plain(reply, 401, "The metrics need a token: send Authorization: Bearer <the server's metricsToken>.");
      }
      return reply.type(metrics.contentType).send(await metrics.scrape());
    });
  }
  app.get("/openapi.json", { config: { operation: "openapi" } }, async (_req, reply) => {
    const body = spec();
    if (!body) return plain(reply, 503, `The spec is missing: ${SPEC} was not found; run \`npm run generate\`.`);
    return reply.type("application/json").send(body);
  });
  app.get("/docs", { config: { operation: "docs" } }, async (_req, reply) => reply.type("text/html; charset=utf-8").send(DOCS_PAGE));
  app.get("/docs/redoc.standalone.js", { config: { operation: "docs" } }, async (_req, reply) => {
    const body = redoc();
    if (!body) return plain(reply, 503, `The API reference needs Redoc's bundle from @redocly/cli, which is not installed: run \`npm ci\` (or \`npm install @redocly/cli\`).`);
    return reply.header("Cache-Control", "public, max-age=86400").type("application/javascript; charset=utf-8").send(body);
  });
}
