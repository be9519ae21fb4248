/**
 * The dashboard's views across projects, in headless Chromium against a real builtin-auth server:
 * an admin's quota usage and limits of every project and the switcher that shows another project's
 * volumes, snapshots and quotas (its actions still through the public API); a member has no
 * switcher. And a volume service whose heartbeat stopped shows down, in os-services and on the page.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "puppeteer-core";
import { provision, type IdentityServer, login, startIdentity } from "../identity/helpers";
import type { Client } from "../helpers/client";
import { waitFor, waitStatus } from "../helpers/wait";
import { launch, logIn, missingChromium, openDashboard, shown, volumeRow, waitForApp, waitForRefreshes, waitForVolumeStatus } from "./browser";

/** Globals of the page: the functions that use them run in Chromium, not in node. */
declare const document: any;

/** The text of each cell of the quotas panel's row of `resource`. */
async function quotaRow(page: Page, resource: string): Promise<string[]> {
  return page.$$eval(`#quotas tr[data-resource="${resource}"] td`, (tds) => tds.map((td) => td.textContent ?? ""));
}

async function adminProjectOf(id: IdentityServer): Promise<string> {
  return (await id.c.as(id.adminToken).get("/identity/v3/auth/tokens", { headers: { "X-Subject-Token": id.adminToken } })).body.token.project.id;
}

describe("dashboard: an admin's project switcher and quota limits per project", function () {
  let id: IdentityServer;
  let browser: Browser;
  let admin: Client;
  let adminProject: string;
  let other: { projectId: string };
  let theirs: string;
  let mine: string;
  before(async function () {
    const missing = missingChromium();
    if (missing) {
      console.log(`    skipped: ${missing}`);
      return this.skip();
    }
    id = await startIdentity("sqlite");
    admin = id.c.as(id.adminToken);
    adminProject = await adminProjectOf(id);
    other = await provision(id.c, id.adminToken, { project: "switch-p", user: "switch-member", password: "switch-pw-1", role: "member" });
    const q = await admin.put(`/v3/${adminProject}/os-quota-sets/${other.projectId}`, { quota_set: { volumes: 7, gigabytes: 70, snapshots: 3 } });
    assert.equal(q.status, 200, JSON.stringify(q.body));
    const member = id.c.as(await login(id.c, { user: "switch-member", password: "switch-pw-1", project: "switch-p" }));
    const t = await member.post(`/v3/${other.projectId}/volumes`, { volume: { name: "theirs", size: 2 } });
    assert.equal(t.status, 202, JSON.stringify(t.body));
    theirs = t.body.volume.id;
    await waitStatus(member, "volumes", other.projectId, theirs, "available");
    const m = await admin.post(`/v3/${adminProject}/volumes`, { volume: { name: "mine", size: 1 } });
    mine = m.body.volume.id;
    await waitStatus(admin, "volumes", adminProject, mine, "available");
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await id?.s.destroy();
  });

  it("lists every project with its quota usage and limits, as os-quota-sets tells them", async () => {
    const { page, errors } = await openDashboard(browser, id.s.url);
    await logIn(page, { user: "admin", password: id.adminPassword, project: "admin" });
    await waitForApp(page);
    const row = `#projects tr[data-project="${other.projectId}"]`;
    await page.waitForSelector(row, { visible: true, timeout: 15_000 });
    const usage = await page.$$eval(`${row} .usage`, (els) => els.map((e) => `${(e as any).dataset.resource}=${e.textContent}`));
    const api = (await admin.get(`/v3/${adminProject}/os-quota-sets/${other.projectId}?usage=true`)).body.quota_set;
    assert.deepEqual(usage, [
      `volumes=${api.volumes.in_use} / ${api.volumes.limit}`,
      `gigabytes=${api.gigabytes.in_use} / ${api.gigabytes.limit}`,
      `snapshots=${api.snapshots.in_use} / ${api.snapshots.limit}`,
      `backups=${api.backups.in_use} / ${api.backups.limit === -1 ? "unlimited" : api.backups.limit}`,
    ]);
    assert.deepEqual(usage.slice(0, 3), ["volumes=1 / 7", "gigabytes=2 / 70", "snapshots=0 / 3"]);
    assert.match(await page.$eval(row, (e) => e.textContent ?? ""), /^switch-p /);
    // The admin's own project has its row too, under its name.
    assert.match(await page.$eval(`#projects tr[data-project="${adminProject}"]`, (e) => e.textContent ?? ""), /^admin /);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it("the switcher shows another project's volumes and quota limits; an action there goes through the API; switching back shows the admin's own", async () => {
    const { page, errors } = await openDashboard(browser, id.s.url);
    await logIn(page, { user: "admin", password: id.adminPassword, project: "admin" });
    await waitForApp(page);
    await waitForVolumeStatus(page, mine, "available");
    await page.waitForSelector("#project-switch", { visible: true, timeout: 15_000 });
    await page.waitForSelector(`#project-switch option[value="${other.projectId}"]`);
    assert.equal(await page.$eval("#project-switch", (e) => (e as any).value), adminProject, "the token's own project is viewed first");
    const options = await page.$$eval("#project-switch option", (os) => os.map((o) => o.textContent));
    assert.ok(options.includes("admin (yours)") && options.includes("switch-p"), options.join(", "));

    await page.select("#project-switch", other.projectId);
    await waitForVolumeStatus(page, theirs, "available");
    assert.equal((await volumeRow(page, theirs))[0], "theirs");
    assert.equal(await page.$(`#volumes tr[data-volume-id="${mine}"]`), null, "the admin's own volume is not listed");
    await page.waitForFunction(() => document.querySelector('#quotas tr[data-resource="volumes"] td:nth-child(4)')?.textContent === "7", { polling: 100, timeout: 15_000 });
    assert.deepEqual((await quotaRow(page, "volumes")).slice(0, 4), ["volumes", "1", "0", "7"]);
    assert.deepEqual((await quotaRow(page, "gigabytes")).slice(0, 4), ["gigabytes", "2", "0", "70"]);
    // New volumes would go to the token's project: the form says so instead of creating there.
    assert.equal(await shown(page, "#create-form"), false);
    assert.match(await page.$eval("#create-elsewhere", (e) => e.textContent ?? ""), /^New volumes go to your token's project \(admin\)/);

    // Extend their volume from the page: the API shows the new size in their project.
    const sizeInput = `#volumes tr[data-volume-id="${theirs}"] input.extend-size`;
    await page.$eval(sizeInput, (e) => ((e as any).value = ""));
    await page.type(sizeInput, "4");
    await page.click(`#volumes tr[data-volume-id="${theirs}"] button.extend`);
    await page.waitForFunction((v) => document.querySelector(`#volumes tr[data-volume-id="${v}"] td.num`)?.textContent === "4", { polling: 200, timeout: 30_000 }, theirs);
    const extended = await waitStatus(admin, "volumes", adminProject, theirs, "available");
    assert.deepEqual([extended.size, extended["os-vol-tenant-attr:tenant_id"]], [4, other.projectId]);
    await page.waitForFunction(() => document.querySelector('#quotas tr[data-resource="gigabytes"] td:nth-child(2)')?.textContent === "4", { polling: 200, timeout: 15_000 });

    await page.select("#project-switch", adminProject);
    await waitForVolumeStatus(page, mine, "available");
    assert.equal(await page.$(`#volumes tr[data-volume-id="${theirs}"]`), null, "their volume is gone from the view");
    assert.equal(await shown(page, "#create-form"), true);
    await page.waitForFunction(() => document.querySelector('#quotas tr[data-resource="volumes"] td:nth-child(4)')?.textContent !== "7", { polling: 100, timeout: 15_000 });
    const own = (await admin.get(`/v3/${adminProject}/os-quota-sets/${adminProject}?usage=true`)).body.quota_set;
    assert.deepEqual((await quotaRow(page, "volumes")).slice(0, 2), ["volumes", String(own.volumes.in_use)]);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it("a member has no switcher and sees only their own project", async () => {
    const { page, errors } = await openDashboard(browser, id.s.url);
    await logIn(page, { user: "switch-member", password: "switch-pw-1", project: "switch-p" });
    await waitForApp(page);
    await waitForRefreshes(page);
    await waitForVolumeStatus(page, theirs, "available");
    assert.equal(await shown(page, "#project-switch-box"), false);
    assert.equal(await page.$$eval("#project-switch option", (os) => os.length), 0);
    assert.equal(await shown(page, "#projects-panel"), false);
    assert.equal(await page.$(`#volumes tr[data-volume-id="${mine}"]`), null);
    assert.deepEqual((await quotaRow(page, "volumes")).slice(0, 4), ["volumes", "1", "0", "7"]);
    assert.deepEqual(errors.filter((e) => !/status of 403/.test(e)), []);
    await page.close();
  });
});

describe("dashboard: a volume service whose heartbeat stopped shows down", function () {
  let id: IdentityServer;
  let browser: Browser;
  before(async function () {
    const missing = missingChromium();
    if (missing) {
      console.log(`    skipped: ${missing}`);
      return this.skip();
    }
    // Heartbeats every 200 ms; two seconds without one and a service is down.
    id = await startIdentity("sqlite", { reportIntervalMs: 200, serviceDownTimeSeconds: 2 });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await id?.s.destroy();
  });

  it("in GET os-services and on the services view, while the scheduler stays up", async () => {
    const admin = id.c.as(id.adminToken);
    const project = await adminProjectOf(id);
    const states = async () =>
      Object.fromEntries(((await admin.get(`/v3/${project}/os-services`)).body.services as any[]).map((s) => [`${s.binary} ${s.host}`, s.state]));
    assert.deepEqual(await states(), { "cinder-scheduler testhost": "up", "cinder-volume testhost@file": "up", "cinder-backup testhost": "up" });
    assert.equal(id.s.app.managers.length, 1);
    // The volume service stops beating (its manager stops; the process and its scheduler go on).
    id.s.app.managers[0].stop();
    const down = await waitFor(async () => {
      const s = await states();
      return s["cinder-volume testhost@file"] === "down" ? s : undefined;
    }, "the volume service to show down");
    assert.equal(down["cinder-scheduler testhost"], "up");

    const { page, errors } = await openDashboard(browser, id.s.url);
    await logIn(page, { user: "admin", password: id.adminPassword, project: "admin" });
    await waitForApp(page);
    await page.waitForSelector('#services tr[data-binary="cinder-volume"]', { timeout: 15_000 });
    const rows = await page.$$eval("#services tr[data-binary]", (trs) =>
      trs.map((r) => [(r as any).dataset.binary, r.querySelector("td:nth-child(2)")?.textContent, (r as any).dataset.state, r.querySelector("td:nth-child(5) .status")?.className]),
    );
    const volume = rows.find((r) => r[0] === "cinder-volume");
    assert.deepEqual(volume, ["cinder-volume", "testhost@file", "down", "status bad"]);
    assert.deepEqual(rows.find((r) => r[0] === "cinder-scheduler")?.slice(2), ["up", "status ok"]);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
