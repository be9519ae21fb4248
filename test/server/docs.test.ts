/** The API reference page (/docs, Redoc from node_modules) and the spec it renders (/openapi.json). */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { startServer, type TestServer } from "../helpers/server";

describe("API reference", () => {
  let s: TestServer;
  before(async () => {
    s = await startServer("sqlite");
  });
  after(async () => s?.destroy());

  it("serves the spec of openapi/dist at /openapi.json, without a token", async () => {
    const r = await fetch(s.url + "/openapi.json");
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
    const spec = await r.json();
    const dist = JSON.parse(readFileSync(path.resolve(__dirname, "../../openapi/dist/cinder-v3.json"), "utf8"));
    assert.deepEqual(spec, dist);
    assert.match(spec.openapi, /^3\.1/);
    assert.ok(spec.paths["/v3/{project_id}/volumes"]);
  });

  it("serves a page at /docs that renders /openapi.json with Redoc served by the server itself", async () => {
    const r = await fetch(s.url + "/docs");
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^text\/html/);
    const html = await r.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(scripts, ["/docs/redoc.standalone.js"], "no script from another origin (no CDN)");
    assert.match(html, /init\("\/openapi\.json"/);
    const js = await fetch(s.url + scripts[0]);
    assert.equal(js.status, 200);
    assert.match(js.headers.get("content-type") ?? "", /^application\/javascript/);
    const code = await js.text();
    assert.match(code, /function init\(/);
    assert.ok(code.length > 100_000, "the whole Redoc bundle");
  });
});
