/**
 * The dashboard's layout, compared with a committed baseline (test/dashboard/baseline/): rendered at
 * a fixed viewport with fixed data, the boxes of its key elements must stay where they were (within
 * a few pixels: fonts differ between machines), and a loose pixel diff must stay small. Values that
 * differ on every run (ids, times, the disk's free space) are masked before the screenshot.
 *
 * UPDATE_DASHBOARD_BASELINE=1 writes the baseline from this machine instead of comparing.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pixelmatch from "pixelmatch";
import { PNG } from "pngjs";
import type { Browser, Page } from "puppeteer-core";
import { type IdentityServer, startIdentity } from "../identity/helpers";
import { waitStatus } from "../helpers/wait";
import { launch, logIn, missingChromium, openDashboard, VIEWPORT, waitForApp, waitForVolumeStatus } from "./browser";

/** Globals of the page: the functions that use them run in Chromium, not in node. */
declare const document: any, window: any;

const BASELINE = path.join(__dirname, "baseline");
const UPDATE = process.env.UPDATE_DASHBOARD_BASELINE === "1";
/** How far (px) a box's left edge and width, and its top edge and height, may move. */
const X_SLACK = 6;
const Y_SLACK = 40;
/** The share of pixels that may differ (pixelmatch's per-pixel threshold 0.2). */
const PIXEL_SLACK = Number(process.env.DASHBOARD_PIXEL_SLACK ?? "0.06");

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The page-relative box of each selector that is shown. */
async function boxes(page: Page, selectors: readonly string[]): Promise<Record<string, Box>> {
  return page.evaluate((sels: string[]) => {
    const out: Record<string, Box> = {};
    for (const s of sels) {
      const el = document.querySelector(s);
      if (!el || el.offsetParent === null) continue;
      const r = el.getBoundingClientRect();
      out[s] = { x: Math.round(r.x + window.scrollX), y: Math.round(r.y + window.scrollY), width: Math.round(r.width), height: Math.round(r.height) };
    }
    return out;
  }, selectors as string[]);
}

/** Hide what differs on every run, keeping its place in the layout. */
async function maskVolatile(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const el of document.querySelectorAll("code, time, #pools td.num, #pools .bar")) el.style.visibility = "hidden";
  });
}

function compareBoxes(actual: Record<string, Box>, expected: Record<string, Box>): string[] {
  const problems: string[] = [];
  for (const [sel, e] of Object.entries(expected)) {
    const a = actual[sel];
    if (!a) {
      problems.push(`${sel}: not shown (baseline ${JSON.stringify(e)})`);
      continue;
    }
    const off = (k: keyof Box, slack: number) => Math.abs(a[k] - e[k]) > slack;
    if (off("x", X_SLACK) || off("width", X_SLACK) || off("y", Y_SLACK) || off("height", Y_SLACK)) {
      problems.push(`${sel}: ${JSON.stringify(a)}, baseline ${JSON.stringify(e)}`);
    }
  }
  for (const sel of Object.keys(actual)) if (!expected[sel]) problems.push(`${sel}: shown, not in the baseline`);
  return problems;
}

/** Compare (or, with UPDATE_DASHBOARD_BASELINE=1, write) one view's boxes and screenshot. */
async function checkView(page: Page, name: string, selectors: readonly string[]): Promise<void> {
  await maskVolatile(page);
  const actual = await boxes(page, selectors);
  const shot = PNG.sync.read(Buffer.from(await page.screenshot({ type: "png" })));
  const pngFile = path.join(BASELINE, `${name}.png`);
  const boxFile = path.join(BASELINE, `${name}.boxes.json`);
  if (UPDATE) {
    await mkdir(BASELINE, { recursive: true });
    await writeFile(pngFile, PNG.sync.write(shot));
    await writeFile(boxFile, JSON.stringify(actual, null, 2) + "\n");
    console.log(`    wrote the baseline ${path.relative(process.cwd(), pngFile)}`);
    return;
  }
  const expected = JSON.parse(await readFile(boxFile, "utf8")) as Record<string, Box>;
  const base = PNG.sync.read(await readFile(pngFile));
  const out = await mkdtemp(path.join(os.tmpdir(), `dashboard-${name}-`));
  await writeFile(path.join(out, "actual.png"), PNG.sync.write(shot));
  const where = `(this run's screenshot: ${out}/actual.png; UPDATE_DASHBOARD_BASELINE=1 rewrites the baseline)`;
  assert.deepEqual(compareBoxes(actual, expected), [], `${name}: boxes moved ${where}`);
  assert.deepEqual([shot.width, shot.height], [base.width, base.height], `${name}: screenshot size ${where}`);
  const diff = new PNG({ width: base.width, height: base.height });
  const differing = pixelmatch(base.data, shot.data, diff.data, base.width, base.height, { threshold: 0.2 });
  await writeFile(path.join(out, "diff.png"), PNG.sync.write(diff));
  const share = differing / (base.width * base.height);
  assert.ok(share <= PIXEL_SLACK, `${name}: ${(share * 100).toFixed(2)}% of pixels differ (at most ${PIXEL_SLACK * 100}%); diff in ${out}/diff.png ${where}`);
}

const LOGIN_BOXES = ["header#top", ".login", "#login-form", "#login-submit", "#token-box"];
const APP_BOXES = [
  "header#top",
  "#project-switch-box",
  "#volumes-panel",
  "#create-form",
  "#volumes table",
  "#snapshots-panel",
  "#quotas-panel",
  "#types-panel",
  "#qos-panel",
  "#messages-panel",
  "#pools-panel",
  "#services-panel",
  "#projects-panel",
];

describe("dashboard: layout against the committed baseline", function () {
  let id: IdentityServer;
  let browser: Browser;
  before(async function () {
    const missing = missingChromium();
    if (missing) {
      console.log(`    skipped: ${missing}`);
      return this.skip();
    }
    id = await startIdentity("sqlite");
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await id?.s.destroy();
  });

  it("the login page", async () => {
    const { page } = await openDashboard(browser, id.s.url);
    await checkView(page, "login", LOGIN_BOXES);
    await page.close();
  });

  it("an admin's page with fixed data: three volumes (one failed), a snapshot, a type, a QoS spec, a message", async () => {
    const admin = id.c.as(id.adminToken);
    const project = (await admin.get("/identity/v3/auth/tokens", { headers: { "X-Subject-Token": id.adminToken } })).body.token.project.id;
    const v3 = `/v3/${project}`;
    assert.equal((await admin.post(`${v3}/types`, { volume_type: { name: "fast", description: "the fast tier", extra_specs: { volume_backend_name: "file" } } })).status, 200);
    assert.equal((await admin.post(`${v3}/qos-specs`, { qos_specs: { name: "gold", consumer: "back-end", read_iops_sec: "2000" } })).status, 200);
    const ids: string[] = [];
    for (const [name, size] of [["alpha", 1], ["beta", 2]] as const) {
      const r = await admin.post(`${v3}/volumes`, { volume: { name, size } });
      await waitStatus(admin, "volumes", project, r.body.volume.id, "available");
      ids.push(r.body.volume.id);
    }
    // More than any pool holds: the scheduler fails it, and leaves a user message.
    const big = await admin.post(`${v3}/volumes`, { volume: { name: "too-big", size: 1_000_000 } });
    await waitStatus(admin, "volumes", project, big.body.volume.id, "error");
    const s = await admin.post(`${v3}/snapshots`, { snapshot: { volume_id: ids[0], name: "alpha-snap" } });
    await waitStatus(admin, "snapshots", project, s.body.snapshot.id, "available");

    const { page, errors } = await openDashboard(browser, id.s.url);
    await logIn(page, { user: "admin", password: id.adminPassword, project: "admin" });
    await waitForApp(page);
    await waitForVolumeStatus(page, big.body.volume.id, "error");
    for (const sel of ["#snapshots tbody tr", "#types tbody tr", "#qos tbody tr", "#messages tbody tr", "#pools tbody tr", "#services tbody tr", "#projects tbody tr", "#quotas tbody tr", "#project-switch-box"]) {
      await page.waitForSelector(sel, { visible: true, timeout: 15_000 });
    }
    const layout = await boxes(page, ["#quotas-panel", "#types-panel", "#volumes-panel"]);
    // Two columns: quotas and types side by side, the volumes panel across both.
    assert.equal(layout["#quotas-panel"].y, layout["#types-panel"].y);
    assert.ok(layout["#quotas-panel"].x + layout["#quotas-panel"].width <= layout["#types-panel"].x);
    assert.equal(layout["#volumes-panel"].x, layout["#quotas-panel"].x);
    assert.equal(layout["#volumes-panel"].x + layout["#volumes-panel"].width, layout["#types-panel"].x + layout["#types-panel"].width);
    assert.equal(layout["#volumes-panel"].width, VIEWPORT.width - 40);
    await checkView(page, "admin", APP_BOXES);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
