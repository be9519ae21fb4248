/**
 * Shared by the SDK suites: a nock-served fake cloud (Keystone + a Cinder endpoint) for unit tests,
 * and live Cinderblock servers (built-in identity or noauth) with the OS_* environment that reaches
 * them, for the live, example and package suites.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import nock from "nock";
import { connect, type CinderClient, type ConnectOptions } from "../../sdk/src";
import type { CatalogService } from "../../sdk/src/types";
import { startServer, type TestServer } from "../helpers/server";

export const KEYSTONE = "http://keystone.test:5000";
export const CINDER = "http://cinder.test:8776";
export const PROJECT = "0123456789abcdef0123456789abcdef";
/** The project-scoped volume endpoint of the fake catalog. */
export const ENDPOINT = `${CINDER}/v3/${PROJECT}`;
/** Path prefix of volume calls against ENDPOINT, for nock matching. */
export const P = `/v3/${PROJECT}`;

/** A catalog as Keystone renders it, with the volume service in two regions. */
export function catalog(url = ENDPOINT): CatalogService[] {
  const ep = (iface: "public" | "internal" | "admin", region: string, u: string) => ({ id: `${iface}-${region}`, interface: iface, region, region_id: region, url: u });
  return [
    { id: "k", type: "identity", name: "keystone", endpoints: [ep("public", "RegionOne", `${KEYSTONE}/v3`)] },
    {
      id: "c",
      type: "block-storage",
      name: "cinder",
      endpoints: [ep("public", "RegionOne", url), ep("internal", "RegionOne", url.replace("cinder.test", "cinder-internal.test")), ep("public", "RegionTwo", url.replace("cinder.test", "cinder-two.test"))],
    },
  ];
}

/** A Keystone token response body. */
export function tokenBody(o: { expiresAt?: Date; issuedAt?: Date; project?: string; catalog?: CatalogService[] } = {}) {
  const now = new Date();
  return {
    token: {
      methods: ["password"],
      user: { domain: { id: "default", name: "Default" }, id: "u1", name: "alice", password_expires_at: null },
      audit_ids: ["a"],
      issued_at: (o.issuedAt ?? now).toISOString(),
      expires_at: (o.expiresAt ?? new Date(now.getTime() + 3600_000)).toISOString(),
      project: { domain: { id: "default", name: "Default" }, id: o.project ?? PROJECT, name: "demo" },
      roles: [{ id: "r", name: "member" }],
      catalog: o.catalog ?? catalog(),
    },
  };
}

/** The version document of a server speaking `min`–`max`. */
export function versionDoc(min = "3.0", max = "3.71") {
  return {
    versions: [{ id: "v3.0", status: "CURRENT", version: max, min_version: min, updated: "2023-08-31T00:00:00Z", links: [{ rel: "self", href: `${CINDER}/v3/` }] }],
  };
}

/** Fail a test on any request nock does not expect, and clean up after each test. */
export function useNock(): void {
  before(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    if (pending.length) throw new Error(`unused mocks: ${pending.join(", ")}`);
  });
  after(() => nock.enableNetConnect());
}

/** A noauth client of the fake endpoint, pinned (no discovery request) unless `microversion: undefined`. */
export function fakeClient(o: Partial<ConnectOptions> = {}): Promise<CinderClient> {
  return connect({
    env: {},
    endpoint: ENDPOINT,
    auth: { type: "noauth", userId: "alice", projectId: PROJECT },
    microversion: "3.71",
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...o,
  });
}

export type AuthMode = "builtin" | "noauth";

export interface LiveServer {
  s: TestServer;
  mode: AuthMode;
  /** The OS_* environment of the admin (as `cinderblock admin openrc` writes it, or noauth). */
  env: Record<string, string>;
  /** connect() options for the admin, from that environment only. */
  options: ConnectOptions;
}

/** A live server in `mode`, and how to reach it as its admin. */
export async function liveServer(mode: AuthMode, overrides: Parameters<typeof startServer>[1] = {}): Promise<LiveServer> {
  const s = await startServer("sqlite", { auth: mode, ...overrides });
  let env: Record<string, string>;
  if (mode === "builtin") {
    const password = (await readFile(`${s.dataDir}/admin-password`, "utf8")).trim();
    env = {
      OS_AUTH_URL: `${s.url}/identity/v3`,
      OS_IDENTITY_API_VERSION: "3",
      OS_USERNAME: "admin",
      OS_PASSWORD: password,
      OS_PROJECT_NAME: "admin",
      OS_USER_DOMAIN_NAME: "Default",
      OS_PROJECT_DOMAIN_NAME: "Default",
      OS_REGION_NAME: "RegionOne",
    };
  } else {
    // cinderclient's noauth settings (cinderclient/contrib/noauth.py).
    env = { OS_AUTH_TYPE: "noauth", OS_ENDPOINT: s.url, OS_USER_ID: "admin", OS_PROJECT_ID: "admin-project" };
  }
  return { s, mode, env, options: { env } };
}

/** Live state of one mode's suite. */
export interface Live {
  server: LiveServer;
  /** The admin's client, connected from the OS_* environment only. */
  client: CinderClient;
  /** Another project's id: a real project with built-in identity, any id with noauth. */
  otherProject: string;
}

/** Waits that suit Cinderblock's file driver. */
export const QUICK = { timeoutMs: 30_000, intervalMs: 50, maxIntervalMs: 200 };

/**
 * Run `body` once per auth mode against a live server of that mode (SQLite only: the server
 * suites cover the dialects).
 */
export function forEachMode(body: (live: () => Live) => void): void {
  for (const mode of ["builtin", "noauth"] as const) {
    describe(`with ${mode === "builtin" ? "built-in identity" : "noauth"}`, function () {
      this.timeout(120_000);
      let live: Live | undefined;
      before(async () => {
        const server = await liveServer(mode);
        const client = await connect(server.options);
        let otherProject = randomUUID().replace(/-/g, "");
        if (mode === "builtin") {
          const r = await client.request("post", "/identity/v3/projects", { body: { project: { name: `other-${Date.now()}` } }, ok: [201] });
          otherProject = r.data.project.id;
        }
        live = { server, client, otherProject };
      });
      after(() => live?.server.s.destroy());
      body(() => live!);
    });
  }
}
