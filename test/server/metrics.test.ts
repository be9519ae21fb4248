/**
 * /metrics over HTTP after real operations: request counts and latencies by operation and status,
 * faults, the volume gauges (by status, backend, project, with the projects capped), the backends'
 * capacity, the bus, and the commands the file driver ran. Also who may read it (a token, or off).
 */
import assert from "node:assert/strict";
import { metricValue as value, parseMetrics as parse } from "../helpers/metrics";
import { forEachDialect } from "../helpers/suite";
import { startServer, type TestServer } from "../helpers/server";
import { waitGone, waitStatus } from "../helpers/wait";



/** The sum of a metric's samples whose labels include these. */
function total(samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [key, v] of samples) {
    if (!key.startsWith(name + "{") && key !== name) continue;
    if (Object.entries(labels).every(([k, l]) => key.includes(`${k}="${l}"`))) sum += v;
  }
  return sum;
}

async function scrape(url: string, headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const r = await fetch(url + "/metrics", { headers });
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  return parse(await r.text());
}

forEachDialect("metrics", { metricsMaxProjects: 1 }, (fx) => {
  it("count requests by operation and status, faults, volumes, capacity and commands", async () => {
    const c = fx.s.client;
    const before = await scrape(fx.s.url);
    const created = value(before, "cinderblock_http_requests_total", { operation: "createVolume", status: "202" });

    const a = (await c.post("/v3/p1/volumes", { volume: { size: 2 } })).body.volume.id;
    await waitStatus(c, "volumes", "p1", a, "available");
    // A copy of a volume: the file driver copies with cp, through the executor.
    const b = (await c.post("/v3/p1/volumes", { volume: { size: 2, source_volid: a } })).body.volume.id;
    await waitStatus(c, "volumes", "p1", b, "available");
    const p2 = c.as("bob:p2");
    const other = (await p2.post("/v3/p2/volumes", { volume: { size: 3 } })).body.volume.id;
    await waitStatus(p2, "volumes", "p2", other, "available");
    assert.equal((await c.post(`/v3/p1/volumes/${a}/action`, { "os-extend": { new_size: 4 } })).status, 202);
    await waitStatus(c, "volumes", "p1", a, "available");
    assert.equal((await c.get("/v3/p1/volumes/00000000-0000-0000-0000-000000000000")).status, 404);
    assert.equal((await c.post("/v3/p1/volumes", { volume: { size: "big" } })).status, 400);

    const after = await scrape(fx.s.url);
    assert.equal(value(after, "cinderblock_http_requests_total", { operation: "createVolume", status: "202" }) - created, 3);
    assert.equal(value(after, "cinderblock_http_requests_total", { operation: "createVolume", status: "400" }), 1);
    assert.ok(value(after, "cinderblock_http_request_duration_seconds_count", { operation: "createVolume", status: "202" }) >= 3);
    assert.ok(value(after, "cinderblock_http_request_duration_seconds_sum", { operation: "createVolume", status: "202" }) > 0);
    // An action is counted under its own operation, not the shared action route's.
    assert.equal(value(after, "cinderblock_http_requests_total", { operation: "extendVolume", status: "202" }), 1);
    assert.ok(value(after, "cinderblock_http_requests_total", { operation: "showVolume", status: "404" }) >= 1);
    assert.ok(value(after, "cinderblock_faults_total", { status: "404", fault: "itemNotFound" }) >= 1);
    assert.ok(value(after, "cinderblock_faults_total", { status: "400", fault: "badRequest" }) >= 1);
    // Raw URLs never become labels.
    for (const key of after.keys()) assert.doesNotMatch(key, /\/v3\//, key);

    // One project is named (p1, with the most volumes); p2 is summed as "other".
    const backend = "testhost@file";
    assert.equal(value(after, "cinderblock_volumes", { status: "available", backend, project: "p1" }), 2);
    assert.equal(value(after, "cinderblock_volume_gigabytes", { status: "available", backend, project: "p1" }), 6);
    assert.equal(value(after, "cinderblock_volumes", { status: "available", backend, project: "other" }), 1);
    assert.equal(value(after, "cinderblock_volume_gigabytes", { status: "available", backend, project: "other" }), 3);
    assert.equal(total(after, "cinderblock_volumes", { project: "p2" }), 0);

    assert.ok(value(after, "cinderblock_backend_capacity_total_gigabytes", { backend, pool: "file" }) > 0);
    assert.ok(after.has('cinderblock_backend_capacity_free_gigabytes{backend="testhost@file",pool="file"}'));
    assert.ok(after.has('cinderblock_bus_messages{state="handling"}'));
    assert.ok(total(after, "cinderblock_command_duration_seconds_count", { command: "cp", outcome: "ok" }) >= 1);
    assert.ok(after.has("cinderblock_process_resident_memory_bytes"));

    // Deleting moves the gauges back.
    await c.delete(`/v3/p1/volumes/${b}`);
    await waitGone(c, "volumes", "p1", b);
    const gone = await scrape(fx.s.url);
    assert.equal(value(gone, "cinderblock_volumes", { status: "available", backend, project: "p1" }), 1);
    assert.equal(value(gone, "cinderblock_volume_gigabytes", { status: "available", backend, project: "p1" }), 4);
    assert.equal(value(gone, "cinderblock_http_requests_total", { operation: "deleteVolume", status: "202" }), 1);
  });
});

describe("metrics access", () => {
  let s: TestServer | undefined;
  afterEach(async () => {
    await s?.destroy();
    s = undefined;
  });

  it("needs the bearer token when one is set", async () => {
    s = await startServer("sqlite", { metricsToken: "s3cret-metrics" });
    const none = await fetch(s.url + "/metrics");
    assert.equal(none.status, 401);
    assert.match(await none.text(), /Authorization: Bearer/);
    assert.equal((await fetch(s.url + "/metrics", { headers: { Authorization: "Bearer wrong" } })).status, 401);
    const ok = await scrape(s.url, { Authorization: "Bearer s3cret-metrics" });
    assert.ok(ok.has("cinderblock_process_resident_memory_bytes"));
  });

  it("is not served when turned off", async () => {
    s = await startServer("sqlite", { metrics: false });
    assert.equal((await fetch(s.url + "/metrics")).status, 404);
    // The API is unaffected.
    assert.equal((await s.client.get("/v3/p1/volumes")).status, 200);
  });
});
