/**
 * The web dashboard (/dashboard) in headless Chromium against a real builtin-auth server: log in,
 * create / extend / snapshot / delete through the page, each checked also through the API; admin
 * panels only for admins; a bad password shows an error; names are shown as text, never as markup.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "puppeteer-core";
import { provision, type IdentityServer, login, startIdentity } from "../identity/helpers";
import { startServer, type TestServer } from "../helpers/server";
import type { Client } from "../helpers/client";
import { waitGone, waitStatus } from "../helpers/wait";
import { launch, logIn, missingChromium, openDashboard, shown, volumeRow, waitForApp, waitForRefreshes, waitForVolumeStatus } from "./browser";

/** Globals of the page: the functions that use them run in Chromium, not in node. */
declare const document: any, sessionStorage: any;

describe("dashboard: the page and its headers", () => {
  let id: IdentityServer;
  before(async () => {
    id = await startIdentity("sqlite");
  });
  after(async () => id?.s.destroy());

  it("serves the page, its scripts and styles with a strict Content-Security-Policy", async () => {
    const page = await fetch(`${id.s.url}/dashboard`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    const csp = page.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(page.headers.get("x-content-type-options"), "nosniff");
    assert.equal(page.headers.get("set-cookie"), null);
    const html = await page.text();
    assert.match(html, /<script type="module" src="\/dashboard\/main.js">/);
    assert.doesNotMatch(html, /<script>|<style>| style=| on[a-z]+=/, "no inline script, style or handler (the CSP would refuse them)");
    for (const [file, type] of [["main.js", /^text\/javascript/], ["api.js", /^text\/javascript/], ["app.css", /^text\/css/]] as const) {
      const r = await fetch(`${id.s.url}/dashboard/${file}`);
      assert.equal(r.status, 200, file);
      assert.match(r.headers.get("content-type") ?? "", type, file);
      assert.ok(r.headers.get("content-security-policy"), file);
    }
  });

  it("answers a reload with 304 while the file is unchanged", async () => {
    const first = await fetch(`${id.s.url}/dashboard/main.js`);
    const etag = first.headers.get("etag");
    assert.match(etag ?? "", /^"[\w-]{27}"$/);
    const again = await fetch(`${id.s.url}/dashboard/main.js`, { headers: { "If-None-Match": etag! } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), "");
    const other = await fetch(`${id.s.url}/dashboard/api.js`, { headers: { "If-None-Match": etag! } });
    assert.equal(other.status, 200, "another file's tag does not match");
  });

  it("answers 404 for a file it does not have, naming it", async () => {
    for (const f of ["nope.js", "..%2Fserver.ts", "index.html"]) {
      const r = await fetch(`${id.s.url}/dashboard/${f}`);
      assert.equal(r.status, 404, f);
      assert.match(await r.text(), /^No such dashboard file: /);
    }
  });
});

describe("dashboard: in headless Chromium", function () {
  let id: IdentityServer;
  let browser: Browser;
  let admin: Client;
  let adminProject: string;
  before(async function () {
    const missing = missingChromium();
    if (missing) {
      console.log(`    skipped: ${missing}`);
      return this.skip();
    }
    id = await startIdentity("sqlite");
    admin = id.c.as(id.adminToken);
    adminProject = (await admin.get("/identity/v3/auth/tokens", { headers: { "X-Subject-Token": id.adminToken } })).body.token.project.id;
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await id?.s.destroy();
  });

  const asAdmin = (page: Page) => logIn(page, { user: "admin", password: id.adminPassword, project: "admin" });

  it("a bad password shows the identity service's error and keeps no token", async () => {
    const { page } = await openDashboard(browser, id.s.url);
    await logIn(page, { user: "admin", password: "not-the-password", project: "admin" });
    await page.waitForSelector("#login-error", { visible: true });
    const text = await page.$eval("#login-error", (e) => e.textContent ?? "");
    assert.match(text, /^Login failed: The request you have made requires authentication/);
    assert.equal(await shown(page, "#app-view"), false);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    assert.deepEqual(await page.cookies(), []);
    await page.close();
  });

  it("logs in as admin: the volume list and the admin panels (pools, services, usage per project)", async () => {
    const made = await admin.post(`/v3/${adminProject}/volumes`, { volume: { name: "listed", size: 1 } });
    await waitStatus(admin, "volumes", adminProject, made.body.volume.id, "available");
    const disabled = await admin.put(`/v3/${adminProject}/os-services/disable`, { host: "testhost", binary: "cinder-backup" });
    assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
    const { page, errors } = await openDashboard(browser, id.s.url);
    const elsewhere: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(`${id.s.url}/`)) elsewhere.push(r.url());
    });
    await asAdmin(page);
    await waitForApp(page);
    await waitForVolumeStatus(page, made.body.volume.id, "available");
    assert.equal((await volumeRow(page, made.body.volume.id))[0], "listed");
    assert.match(await page.$eval("#who", (e) => e.textContent ?? ""), /^admin · project admin$/);
    const stored = await page.evaluate(() => sessionStorage.getItem("cinderblock.dashboard.session"));
    assert.ok(stored && JSON.parse(stored).token, "the token is in sessionStorage");
    assert.deepEqual(await page.cookies(), [], "and in no cookie");
    for (const p of ["#pools-panel", "#services-panel", "#qos-panel", "#projects-panel"]) {
      await page.waitForSelector(p, { visible: true });
    }
    await page.waitForSelector("#services tr[data-binary]");
    const services = await page.$$eval("#services tr[data-binary]", (rows) => rows.map((r) => `${(r as any).dataset.binary}:${(r as any).dataset.state}`));
    assert.ok(services.includes("cinder-volume:up") && services.includes("cinder-scheduler:up"), services.join(", "));
    const backup = await page.$$eval('#services tr[data-binary="cinder-backup"] .status', (els) => els.map((e) => `${e.textContent} ${e.className}`));
    assert.deepEqual(backup, ["disabled status bad", "up status ok"]);
    assert.equal((await admin.put(`/v3/${adminProject}/os-services/enable`, { host: "testhost", binary: "cinder-backup" })).status, 200);
    await page.waitForSelector("#pools tbody tr");
    const pools = (await admin.get(`/v3/${adminProject}/scheduler-stats/get_pools`)).body.pools.map((p: any) => p.name);
    assert.deepEqual(await page.$$eval("#pools tbody tr td:first-child", (tds) => tds.map((t) => t.textContent)), pools);
    await page.waitForFunction(() => /^admin /.test(document.querySelector("#projects tbody td")?.textContent ?? ""));
    assert.equal(await page.$eval("#projects tbody td code", (e) => e.getAttribute("title")), adminProject);
    assert.deepEqual(errors, [], "no script error and no Content-Security-Policy violation");
    assert.deepEqual(elsewhere, [], "every request goes to the server itself");
    await page.close();
  });

  it("create, extend, snapshot and delete, clicked in the page and checked through the API", async () => {
    const { page, errors } = await openDashboard(browser, id.s.url);
    await asAdmin(page);
    await waitForApp(page);
    await page.type("#create-name", "clicked");
    await page.$eval("#create-size", (e) => ((e as any).value = "1"));
    await page.click("#create-submit");
    const rowId = await page.waitForFunction(() => (document.querySelector('#volumes tr[data-name="clicked"]') as any)?.dataset.volumeId, { polling: 100 });
    const vid = String(await rowId.jsonValue());
    await waitForVolumeStatus(page, vid, "available");
    const api = await admin.get(`/v3/${adminProject}/volumes/${vid}`);
    assert.deepEqual([api.body.volume.name, api.body.volume.size, api.body.volume.status], ["clicked", 1, "available"]);

    // Extend to 3 GiB.
    const sizeInput = `#volumes tr[data-volume-id="${vid}"] input.extend-size`;
    await page.$eval(sizeInput, (e) => ((e as any).value = ""));
    await page.type(sizeInput, "3");
    await page.click(`#volumes tr[data-volume-id="${vid}"] button.extend`);
    await page.waitForFunction((v) => document.querySelector(`#volumes tr[data-volume-id="${v}"] td.num`)?.textContent === "3", { polling: 200, timeout: 30_000 }, vid);
    await waitForVolumeStatus(page, vid, "available");
    assert.equal((await waitStatus(admin, "volumes", adminProject, vid, "available")).size, 3);

    // Snapshot it.
    await page.click(`#volumes tr[data-volume-id="${vid}"] button.snapshot`);
    const snapHandle = await page.waitForFunction(
      () => {
        const row = document.querySelector('#snapshots tr[data-snapshot-id] .status');
        return row?.textContent === "available" ? (row.closest("tr") as any).dataset.snapshotId : undefined;
      },
      { polling: 200, timeout: 30_000 },
    );
    const sid = String(await snapHandle.jsonValue());
    const snap = await admin.get(`/v3/${adminProject}/snapshots/${sid}`);
    assert.deepEqual([snap.body.snapshot.volume_id, snap.body.snapshot.size, snap.body.snapshot.status], [vid, 3, "available"]);
    assert.match(await page.$eval(`#snapshots tr[data-snapshot-id="${sid}"]`, (e) => e.textContent ?? ""), /clicked/);

    // A volume with a snapshot cannot go: the API's refusal is shown, and the volume stays.
    await page.click(`#volumes tr[data-volume-id="${vid}"] button.delete`);
    await page.waitForSelector(`#volumes tr[data-volume-id="${vid}"] button.delete.armed`);
    await page.click(`#volumes tr[data-volume-id="${vid}"] button.delete`);
    await page.waitForSelector("#notice.error", { visible: true });
    assert.match(await page.$eval("#notice", (e) => e.textContent ?? ""), /snapshot/i);
    assert.equal((await admin.get(`/v3/${adminProject}/volumes/${vid}`)).body.volume.status, "available");

    // Delete the snapshot, then the volume (each a click to arm, a click to confirm).
    for (const sel of [`#snapshots tr[data-snapshot-id="${sid}"] button.delete`, `#volumes tr[data-volume-id="${vid}"] button.delete`]) {
      await page.click(sel);
      await page.waitForSelector(`${sel}.armed`);
      await page.click(sel);
      await page.waitForFunction((s) => document.querySelector(s.replace(/ button.*$/, "")) === null, { polling: 200, timeout: 30_000 }, sel);
    }
    await waitGone(admin, "snapshots", adminProject, sid);
    await waitGone(admin, "volumes", adminProject, vid);
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
    await page.close();
  });

  it("a member sees the project's panels but not the admin ones", async () => {
    const who = await provision(id.c, id.adminToken, { project: "dash-p", user: "dash-member", password: "dash-pw-1", role: "member" });
    const token = await login(id.c, { user: "dash-member", password: "dash-pw-1", project: "dash-p" });
    const v = await id.c.as(token).post(`/v3/${who.projectId}/volumes`, { volume: { name: "members", size: 1 } });
    await waitStatus(id.c.as(token), "volumes", who.projectId, v.body.volume.id, "available");
    const { page, errors } = await openDashboard(browser, id.s.url);
    await logIn(page, { user: "dash-member", password: "dash-pw-1", project: "dash-p" });
    await waitForApp(page);
    await waitForVolumeStatus(page, v.body.volume.id, "available");
    await page.waitForSelector("#quotas tr[data-resource=volumes]");
    assert.match(await page.$eval("#quotas tr[data-resource=volumes]", (e) => e.textContent ?? ""), /^volumes1/);
    // Let the refresh that asked for the admin views finish, then check they stay hidden.
    await page.waitForFunction(() => document.querySelector("#types table, #types .empty") !== null);
    await new Promise((r) => setTimeout(r, 500));
    for (const p of ["#pools-panel", "#services-panel", "#qos-panel", "#projects-panel"]) assert.equal(await shown(page, p), false, `${p} is hidden`);
    for (const p of ["#volumes-panel", "#snapshots-panel", "#quotas-panel", "#types-panel", "#messages-panel"]) assert.equal(await shown(page, p), true, `${p} is shown`);
    assert.deepEqual(errors.filter((e) => !/status of 403/.test(e)), []);
    await page.close();
  });

  it("takes a pasted token, and shows names as text, never as markup", async () => {
    const name = `<img src=x id=injected onerror="document.title='owned'">`;
    const made = await admin.post(`/v3/${adminProject}/volumes`, { volume: { name, size: 1 } });
    await waitStatus(admin, "volumes", adminProject, made.body.volume.id, "available");
    const { page } = await openDashboard(browser, id.s.url);
    await page.click("#token-box summary");
    await page.type("#token-value", id.adminToken);
    await page.click("#token-submit");
    await waitForApp(page);
    await waitForVolumeStatus(page, made.body.volume.id, "available");
    assert.equal((await volumeRow(page, made.body.volume.id))[0], name);
    assert.equal(await page.$("#injected"), null);
    assert.notEqual(await page.title(), "owned");
    await page.close();
  });

  it("a revoked token sends the page back to the login form with a message", async () => {
    const token = await login(id.c, { user: "admin", password: id.adminPassword, project: "admin" });
    const { page } = await openDashboard(browser, id.s.url);
    await page.click("#token-box summary");
    await page.type("#token-value", token);
    await page.click("#token-submit");
    await waitForApp(page);
    // Let the first refresh finish: the token goes while the page is idle, then a click finds out.
    await waitForRefreshes(page);
    assert.equal((await admin.delete("/identity/v3/auth/tokens", { headers: { "X-Subject-Token": token } })).status, 204);
    await page.click("#create-submit");
    await page.waitForSelector("#login-error", { visible: true, timeout: 15_000 });
    assert.match(await page.$eval("#login-error", (e) => e.textContent ?? ""), /expired or was revoked/);
    await page.close();
  });
});

describe("dashboard: a pasted token without the built-in identity (noauth)", function () {
  let s: TestServer;
  let browser: Browser;
  before(async function () {
    const missing = missingChromium();
    if (missing) {
      console.log(`    skipped: ${missing}`);
      return this.skip();
    }
    s = await startServer("sqlite");
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await s?.destroy();
  });

  it("asks for the project ID, then lists that project's volumes", async () => {
    const made = await s.client.post("/v3/p1/volumes", { volume: { name: "noauth-vol", size: 1 } });
    await waitStatus(s.client, "volumes", "p1", made.body.volume.id, "available");
    const { page } = await openDashboard(browser, s.url);
    await page.click("#token-box summary");
    await page.type("#token-value", "alice:p1");
    await page.click("#token-submit");
    await page.waitForSelector("#login-error", { visible: true });
    assert.match(await page.$eval("#login-error", (e) => e.textContent ?? ""), /^The token was refused: This server has no built-in identity to read the token's project from: give the project ID too\.$/);
    // The token stays in its field; the project ID is all that is missing.
    assert.equal(await page.$eval("#token-value", (e) => (e as any).value), "alice:p1");
    await page.type("#token-project", "p1");
    await page.click("#token-submit");
    await waitForApp(page);
    await waitForVolumeStatus(page, made.body.volume.id, "available");
    assert.equal((await volumeRow(page, made.body.volume.id))[0], "noauth-vol");
    await page.close();
  });
});
