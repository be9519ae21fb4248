/**
 * /metrics of `cinderblock api --workers 2` (the real CLI, on PostgreSQL and RabbitMQ): each
 * request and each scrape comes on a connection of its own, which node:cluster hands to the workers
 * in turn; whichever worker a scrape reaches, the request counters it shows are the sum over both
 * workers, so they equal the number of requests sent.
 */
import assert from "node:assert/strict";
import { metricValue as value, parseMetrics as parse } from "../helpers/metrics";
import http from "node:http";
import type { Client } from "../helpers/client";
import { startServer } from "../helpers/server";
import { waitFor } from "../helpers/wait";
import { separateProcesses } from "../scale/harness";

/** One request on a connection of its own (no keep-alive: the cluster picks a worker per connection). */
function request(base: string, path: string, token = "metrics-user:mp1"): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { agent: false, headers: { "X-Auth-Token": token, Connection: "close" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers["content-type"] ?? "") }));
    });
    req.on("error", reject);
  });
}



/** Every sample line of `name` (any labels) appears once: the workers' samples are summed, not listed. */
function lines(text: string, name: string, labels: string): number {
  return text.split("\n").filter((l) => l.startsWith(`${name}{`) && l.includes(labels)).length;
}

describe("metrics of `cinderblock api --workers 2`", function () {
  this.timeout(180_000);
  const h = separateProcesses();
  let base = "";
  let api: Client;

  before(async () => {
    api = await h.startApi(1, ["--workers", "2"]);
    base = api.base;
    const out = h.procs.get("api1")!.output;
    await waitFor(async () => ((out().match(/is serving the Cinder v3 API/g) ?? []).length === 2 ? true : undefined), "both API workers to listen", 60_000);
  });

  async function scrape(): Promise<{ text: string; samples: Map<string, number> }> {
    const r = await request(base, "/metrics");
    assert.equal(r.status, 200, r.body);
    assert.match(r.type, /^text\/plain; version=0\.0\.4/);
    return { text: r.body, samples: parse(r.body) };
  }

  it("sums the request counters, histograms and faults over the workers, whichever one a scrape reaches", async () => {
    const LISTS = 13;
    const MISSING = 7;
    const listed = { operation: "listVolumes", status: "200" };
    const notFound = { operation: "showVolume", status: "404" };
    const first = (await scrape()).samples;
    assert.equal(value(first, "cinderblock_processes"), 2, "both workers' metrics are in the scrape");
    const base0 = {
      listed: value(first, "cinderblock_http_requests_total", listed),
      notFound: value(first, "cinderblock_http_requests_total", notFound),
      fault: value(first, "cinderblock_faults_total", { status: "404", fault: "itemNotFound" }),
    };

    // One volume (no scheduler runs: it stays creating), for the database's gauges.
    const made = await api.as("metrics-user:mp1").post("/v3/mp1/volumes", { volume: { size: 3 } });
    assert.equal(made.status, 202, JSON.stringify(made.body));
    for (let i = 0; i < LISTS; i++) assert.equal((await request(base, "/v3/mp1/volumes")).status, 200);
    for (let i = 0; i < MISSING; i++) assert.equal((await request(base, "/v3/mp1/volumes/00000000-0000-0000-0000-00000000000" + i)).status, 404);

    // A worker counts a request once its answer is sent: wait until a scrape sees them all.
    await waitFor(async () => (value((await scrape()).samples, "cinderblock_http_requests_total", listed) - base0.listed === LISTS ? true : undefined), "a scrape to count every request");
    // Then every scrape, on connections the cluster hands to one worker and the other, shows the same sums.
    for (let i = 0; i < 4; i++) {
      const { text, samples } = await scrape();
      assert.equal(value(samples, "cinderblock_processes"), 2);
      assert.equal(value(samples, "cinderblock_http_requests_total", listed) - base0.listed, LISTS, `scrape ${i}: listVolumes`);
      assert.equal(value(samples, "cinderblock_http_requests_total", notFound) - base0.notFound, MISSING, `scrape ${i}: showVolume 404`);
      assert.equal(value(samples, "cinderblock_faults_total", { status: "404", fault: "itemNotFound" }) - base0.fault, MISSING, `scrape ${i}: faults`);
      assert.equal(value(samples, "cinderblock_http_request_duration_seconds_count", listed), value(samples, "cinderblock_http_requests_total", listed), `scrape ${i}: one latency per request`);
      assert.equal(lines(text, "cinderblock_http_requests_total", 'operation="listVolumes"'), 1, `scrape ${i}: one summed sample, not one per worker`);
      // The database's view is the same from every worker: shown once, not summed.
      const creating = { status: "creating", backend: "none", project: "mp1" };
      assert.equal(value(samples, "cinderblock_volumes", creating), 1, `scrape ${i}: volumes`);
      assert.equal(value(samples, "cinderblock_volume_gigabytes", creating), 3, `scrape ${i}: gigabytes`);
      assert.equal(value(samples, "cinderblock_http_requests_total", { operation: "createVolume", status: "202" }), 1, `scrape ${i}: createVolume`);
    }
  });
});

describe("metrics of one process", () => {
  it("sums one process: cinderblock_processes is 1, and the counters are its own", async () => {
    const s = await startServer("sqlite");
    try {
      for (let i = 0; i < 3; i++) assert.equal((await request(s.url, "/v3/one/volumes", "u:one")).status, 200);
      const r = await request(s.url, "/metrics");
      assert.equal(r.status, 200);
      const samples = parse(r.body);
      assert.equal(value(samples, "cinderblock_processes"), 1);
      assert.equal(value(samples, "cinderblock_http_requests_total", { operation: "listVolumes", status: "200" }), 3);
    } finally {
      await s.destroy();
    }
  });
});
