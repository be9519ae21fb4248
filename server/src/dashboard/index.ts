/**
 * The web dashboard at /dashboard: a few static files (HTML, CSS, plain ES modules) read once at
 * start and served from memory. The page itself talks only to the public APIs (Keystone for the
 * token, Cinder v3 for everything else), so it holds no privilege of its own.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export const DASHBOARD_PATH = "/dashboard";

/**
 * Scripts, styles and requests from this origin only; no inline code, no frames, no forms posted
 * anywhere, no plugins. Every text the page shows goes in through textContent, never as markup.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

interface Asset {
  type: string;
  body: Buffer;
  /** A strong validator of the content: a reload costs a 304, not the file. */
  etag: string;
}

/** The static folder: beside this file when run from source, or the source's when run from dist/. */
export function staticDir(): string {
  const here = path.join(__dirname, "static");
  if (existsSync(here)) return here;
  return path.resolve(__dirname, "../../src/dashboard/static");
}

/** Every file of the static folder whose type is known, by name. */
export function loadAssets(dir = staticDir()): Map<string, Asset> {
  const out = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (!type) continue;
    const body = readFileSync(path.join(dir, name));
    out.set(name, { type, body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"` });
  }
  return out;
}

function send(req: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  reply
    .header("Content-Security-Policy", DASHBOARD_CSP)
    .header("X-Content-Type-Options", "nosniff")
    .header("X-Frame-Options", "DENY")
    .header("Referrer-Policy", "no-referrer")
    .header("Cache-Control", "no-cache")
    .header("ETag", asset.etag);
  if (req.headers["if-none-match"] === asset.etag) return reply.code(304).send();
  return reply.type(asset.type).send(asset.body);
}

/** GET /dashboard (the page) and GET /dashboard/<file> (its scripts and styles). */
export function registerDashboard(app: FastifyInstance): void {
  const assets = loadAssets();
  const page = assets.get("index.html");
  if (!page) throw new Error(`the dashboard's index.html is missing from ${staticDir()}`);
  app.get(DASHBOARD_PATH, async (req, reply) => send(req, reply, page));
  app.get<{ Params: { file: string } }>(`${DASHBOARD_PATH}/:file`, async (req, reply) => {
    const asset = assets.get(req.params.file);
    if (!asset || req.params.file === "index.html") {
      return reply.code(404).header("Content-Security-Policy", DASHBOARD_CSP).header("X-Content-Type-Options", "nosniff").type("text/plain; charset=utf-8").send(`No such dashboard file: ${req.params.file}\n`);
    }
    return send(req, reply, asset);
  });
}
