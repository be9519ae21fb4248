/**
 * Headless Chromium (Debian's `chromium` package) driven through puppeteer-core, and the dashboard
 * moves the suites share: open it, log in, wait for a row.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

/** Globals of the page: the functions that use them run in Chromium, not in node. */
declare const document: any, sessionStorage: any;

export const CHROMIUM = process.env.CINDERBLOCK_CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_INSTALL = "apt-get install chromium";
/** The viewport every suite renders at, so that layouts compare. */
export const VIEWPORT = { width: 1280, height: 1500, deviceScaleFactor: 1 };

/** Why the browser suites cannot run here, or undefined. */
export function missingChromium(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `chromium is not installed (${CHROMIUM_INSTALL})`;
}

export async function launch(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in a container has no user namespaces for the sandbox; the pages are our own.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--font-render-hinting=none", "--disable-lcd-text", "--hide-scrollbars"],
    defaultViewport: VIEWPORT,
  });
}

/** A fresh page (its own sessionStorage) on the dashboard, with page errors collected. */
export async function openDashboard(browser: Browser, base: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(`${base}/dashboard`, { waitUntil: "load" });
  await page.waitForSelector("#login-form", { visible: true });
  return { page, errors };
}

export async function logIn(page: Page, o: { user: string; password: string; project: string }): Promise<void> {
  await page.type("#login-user", o.user);
  await page.type("#login-password", o.password);
  await page.type("#login-project", o.project);
  await page.click("#login-submit");
}

/** Wait until the app view shows the volumes panel. */
export async function waitForApp(page: Page): Promise<void> {
  await page.waitForSelector("#volumes-panel", { visible: true, timeout: 15_000 });
  await page.waitForFunction(() => document.querySelector("#volumes table, #volumes .empty") !== null, { timeout: 15_000 });
}

/** Wait until the page has finished `n` refreshes of its panels (counted on #app-view). */
export async function waitForRefreshes(page: Page, n = 1): Promise<void> {
  await page.waitForFunction((k) => Number(document.querySelector("#app-view")?.dataset.refreshes ?? 0) >= k, { polling: 100, timeout: 15_000 }, n);
}

/** Wait until the row of volume `id` shows `status` (the page refreshes itself). */
export async function waitForVolumeStatus(page: Page, id: string, status: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    (vid, st) => document.querySelector(`#volumes tr[data-volume-id="${vid}"] .status`)?.textContent === st,
    { timeout, polling: 200 },
    id,
    status,
  );
}

/** The text of each cell of volume `id`'s row. */
export async function volumeRow(page: Page, id: string): Promise<string[]> {
  const cells = await page.$$eval(`#volumes tr[data-volume-id="${id}"] td`, (tds) => tds.map((td) => td.textContent ?? ""));
  assert.ok(cells.length > 0, `no row for volume ${id}`);
  return cells;
}

/** Whether the element is shown (present and not hidden). */
export async function shown(page: Page, selector: string): Promise<boolean> {
  return page.$eval(selector, (el) => !(el as any).hidden && (el as any).offsetParent !== null);
}
