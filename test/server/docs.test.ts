/** The API reference page (/docs, Redoc from node_modules) and the spec it renders (/openapi.json). */
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
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
    assert.deepEqual(scripts, [], "no script from another origin (no CDN)");
    assert.match(html, /import \{ init \} from "\/docs\/redoc\.standalone\.js";\s*init\("\/openapi\.json"/);
    const js = await fetch(s.url + "/docs/redoc.standalone.js");
    assert.equal(js.status, 200);
    assert.match(js.headers.get("content-type") ?? "", /^application\/javascript/);
    const code = await js.text();
    assert.match(code, /export\s*\{[^}]*\binit\b[^}]*\}/);
    assert.ok(code.length > 100_000, "the whole Redoc bundle");
  });

  it("renders the operations in a browser (headless Chromium)", async function () {
    if (spawnSync("sh", ["-c", "command -v chromium"]).status !== 0) {
      console.log("      skipped: needs chromium (apt-get install chromium)");
      return this.skip();
    }
    this.timeout(90_000);
    const args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--virtual-time-budget=20000", "--dump-dom", s.url + "/docs"];
    const dom = await new Promise<string>((resolve, reject) =>
      execFile("chromium", args, { timeout: 80_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    const text = dom.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ");
    const spec = JSON.parse(readFileSync(path.resolve(__dirname, "../../openapi/dist/cinder-v3.json"), "utf8"));
    // The title and the tags of the spec, as Redoc lays them out in its menu.
    assert.ok(text.includes(spec.info.title), `the page shows the spec's title: ${text.slice(0, 500)}`);
    for (const tag of ["volumes", "snapshots", "volume types"]) assert.ok(text.includes(` ${tag} `), `the menu lists ${tag}`);
  });
});
