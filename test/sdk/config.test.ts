/**
 * Connection settings as the `openstack` CLI takes them: OS_* variables, clouds.yaml (+ secure.yaml),
 * and their layering under explicit options.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ConfigError, resolveConfig } from "../../sdk/src";
import { normaliseAuthUrl, normaliseVolumeEndpoint, serviceRoot, versionRoot } from "../../sdk/src/urls";

describe("sdk: configuration", () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), "sdk-config-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  describe("OS_* environment", () => {
    it("an openrc: password auth with names and domains, region, interface, pinned microversion", () => {
      const cfg = resolveConfig({
        env: {
          OS_AUTH_URL: "https://keystone.example:5000/v3",
          OS_USERNAME: "alice",
          OS_PASSWORD: "pw",
          OS_PROJECT_NAME: "demo",
          OS_USER_DOMAIN_NAME: "Default",
          OS_PROJECT_DOMAIN_ID: "default",
          OS_REGION_NAME: "RegionTwo",
          OS_INTERFACE: "internal",
          OS_VOLUME_API_VERSION: "3.60",
        },
      });
      assert.deepEqual(cfg.auth, {
        type: "password",
        authUrl: "https://keystone.example:5000/v3",
        password: "pw",
        userId: undefined,
        username: "alice",
        userDomainId: undefined,
        userDomainName: "Default",
        projectId: undefined,
        projectName: "demo",
        projectDomainId: "default",
        projectDomainName: undefined,
      });
      assert.equal(cfg.region, "RegionTwo");
      assert.equal(cfg.interface, "internal");
      assert.equal(cfg.microversion, "3.60");
    });

    it("legacy names: OS_TENANT_NAME, OS_ENDPOINT_TYPE=publicURL; OS_VOLUME_API_VERSION=3 negotiates", () => {
      const cfg = resolveConfig({
        env: { OS_AUTH_URL: "http://k:5000", OS_USERNAME: "a", OS_PASSWORD: "p", OS_TENANT_NAME: "t", OS_ENDPOINT_TYPE: "publicURL", OS_VOLUME_API_VERSION: "3" },
      });
      assert.equal(cfg.auth.type === "password" && cfg.auth.projectName, "t");
      assert.equal(cfg.interface, "public");
      assert.equal(cfg.microversion, undefined);
    });

    it("OS_DEFAULT_DOMAIN fills domains that are not given", () => {
      const cfg = resolveConfig({ env: { OS_AUTH_URL: "http://k", OS_USERNAME: "a", OS_PASSWORD: "p", OS_PROJECT_NAME: "t", OS_DEFAULT_DOMAIN: "dom1" } });
      assert.ok(cfg.auth.type === "password");
      assert.equal(cfg.auth.userDomainId, "dom1");
      assert.equal(cfg.auth.projectDomainId, "dom1");
    });

    it("token, application credential and noauth are recognised (by OS_AUTH_TYPE or by what is set)", () => {
      assert.equal(resolveConfig({ env: { OS_AUTH_URL: "http://k", OS_TOKEN: "t" } }).auth.type, "token");
      const raw = resolveConfig({ env: { OS_AUTH_TYPE: "admin_token", OS_TOKEN: "t", OS_ENDPOINT: "http://c:8776/v3/p" } });
      assert.deepEqual(raw.auth, { type: "token", token: "t" });
      assert.equal(raw.endpoint, "http://c:8776/v3/p");
      const ac = resolveConfig({ env: { OS_AUTH_TYPE: "v3applicationcredential", OS_AUTH_URL: "http://k", OS_APPLICATION_CREDENTIAL_ID: "id", OS_APPLICATION_CREDENTIAL_SECRET: "s" } });
      assert.equal(ac.auth.type, "application_credential");
      const inferred = resolveConfig({ env: { OS_AUTH_URL: "http://k", OS_APPLICATION_CREDENTIAL_ID: "id", OS_APPLICATION_CREDENTIAL_SECRET: "s" } });
      assert.equal(inferred.auth.type, "application_credential");
      const na = resolveConfig({ env: { OS_AUTH_TYPE: "noauth", OS_USER_ID: "u", OS_PROJECT_ID: "p", OS_ENDPOINT: "http://c:8776" } });
      assert.deepEqual(na.auth, { type: "noauth", userId: "u", projectId: "p" });
      assert.equal(na.endpoint, "http://c:8776");
      const cinderclient = resolveConfig({ env: { OS_AUTH_TYPE: "noauth", OS_USER_ID: "u", OS_PROJECT_ID: "p", CINDER_ENDPOINT: "http://c:8776/v3" } });
      assert.equal(cinderclient.endpoint, "http://c:8776/v3");
    });

    it("OS_BLOCK_STORAGE_ENDPOINT_OVERRIDE skips the catalog; OS_INSECURE turns off verification", () => {
      const cfg = resolveConfig({ env: { OS_AUTH_URL: "http://k", OS_USERNAME: "a", OS_PASSWORD: "p", OS_BLOCK_STORAGE_ENDPOINT_OVERRIDE: "http://c/v3/x", OS_INSECURE: "true" } });
      assert.equal(cfg.endpoint, "http://c/v3/x");
      assert.equal(cfg.tls?.insecure, true);
    });

    it("missing pieces are ConfigErrors that name the variable", () => {
      assert.throws(() => resolveConfig({ env: {} }), (e: Error) => e instanceof ConfigError && /no credentials/.test(e.message));
      assert.throws(() => resolveConfig({ env: { OS_AUTH_URL: "http://k", OS_USERNAME: "a" } }), /OS_PASSWORD/);
      assert.throws(() => resolveConfig({ env: { OS_AUTH_TYPE: "noauth", OS_USER_ID: "u" } }), /project/);
      assert.throws(() => resolveConfig({ env: { OS_AUTH_TYPE: "v3oidcpassword", OS_AUTH_URL: "http://k" } }), /not supported/);
      assert.throws(() => resolveConfig({ env: { OS_AUTH_URL: "http://k", OS_USERNAME: "a", OS_PASSWORD: "p", OS_VOLUME_API_VERSION: "3.x" } }), /not a microversion/);
    });
  });

  describe("clouds.yaml", () => {
    it("reads the named cloud (OS_CLOUD), keeps 3.70 a string, and layers secure.yaml and OS_* on top", async () => {
      const clouds = path.join(dir, "clouds.yaml");
      await writeFile(
        clouds,
        [
          "clouds:",
          "  mycloud:",
          "    auth:",
          "      auth_url: https://keystone.example/identity",
          "      username: alice",
          "      project_name: demo",
          "      user_domain_name: Default",
          "      project_domain_name: Default",
          "    region_name: RegionOne",
          "    interface: public",
          "    volume_api_version: 3.70",
          "    verify: false",
          "  other:",
          "    auth_type: noauth",
          "    auth: { user_id: u, project_id: p, endpoint: 'http://c:8776' }",
        ].join("\n"),
      );
      const secure = path.join(dir, "secure.yaml");
      await writeFile(secure, "clouds:\n  mycloud:\n    auth:\n      password: from-secure\n");
      const env = { OS_CLOUD: "mycloud", OS_CLIENT_CONFIG_FILE: clouds, OS_CLIENT_SECURE_FILE: secure, OS_REGION_NAME: "RegionTwo" };
      const cfg = resolveConfig({ env });
      assert.ok(cfg.auth.type === "password");
      assert.equal(cfg.auth.authUrl, "https://keystone.example/identity");
      assert.equal(cfg.auth.password, "from-secure");
      assert.equal(cfg.auth.projectName, "demo");
      assert.equal(cfg.microversion, "3.70");
      assert.equal(cfg.region, "RegionTwo", "OS_* overrides clouds.yaml, as with the openstack CLI");
      assert.equal(cfg.tls?.insecure, true);

      const other = resolveConfig({ cloud: "other", cloudsFile: clouds, env: {} });
      assert.deepEqual(other.auth, { type: "noauth", userId: "u", projectId: "p" });
      assert.equal(other.endpoint, "http://c:8776");
    });

    it("explicit options win over everything", async () => {
      const clouds = path.join(dir, "clouds2.yaml");
      await writeFile(clouds, "clouds:\n  c:\n    auth: { auth_url: 'http://k', username: a, password: p }\n    region_name: R1\n");
      const cfg = resolveConfig({ cloud: "c", cloudsFile: clouds, env: {}, region: "R9", microversion: "3.50", endpoint: "http://x/v3/p" });
      assert.equal(cfg.region, "R9");
      assert.equal(cfg.microversion, "3.50");
      assert.equal(cfg.endpoint, "http://x/v3/p");
      const replaced = resolveConfig({ cloud: "c", cloudsFile: clouds, env: {}, auth: { type: "noauth", userId: "u", projectId: "p" } });
      assert.equal(replaced.auth.type, "noauth");
    });

    it("an unknown cloud or a missing file is a ConfigError", async () => {
      const clouds = path.join(dir, "clouds3.yaml");
      await writeFile(clouds, "clouds:\n  a: {auth: {auth_url: 'http://k'}}\n");
      assert.throws(() => resolveConfig({ cloud: "b", cloudsFile: clouds, env: {} }), /cloud 'b' is not in .*it has: a/);
      assert.throws(() => resolveConfig({ cloud: "b", cloudsFile: path.join(dir, "nope.yaml"), env: {} }), ConfigError);
    });
  });

  describe("URLs", () => {
    it("volume endpoints: catalog style kept, bare roots completed, templates filled, v2 refused", () => {
      assert.equal(normaliseVolumeEndpoint("http://h:8776/v3/abc/"), "http://h:8776/v3/abc");
      assert.equal(normaliseVolumeEndpoint("http://h/volume/v3"), "http://h/volume/v3");
      assert.equal(normaliseVolumeEndpoint("http://h:8776", "p1"), "http://h:8776/v3/p1");
      assert.equal(normaliseVolumeEndpoint("http://h:8776/v3/%(tenant_id)s", "p1"), "http://h:8776/v3/p1");
      assert.throws(() => normaliseVolumeEndpoint("http://h:8776/v2/p1"), /v1\/v2/);
      assert.equal(serviceRoot("http://h/volume/v3/abc"), "http://h/volume/");
      assert.equal(versionRoot("http://h/volume/v3/abc"), "http://h/volume/v3/");
    });

    it("auth URLs end in /v3", () => {
      assert.equal(normaliseAuthUrl("http://k:5000"), "http://k:5000/v3");
      assert.equal(normaliseAuthUrl("http://h/identity/v3/"), "http://h/identity/v3");
      assert.throws(() => normaliseAuthUrl("http://k:5000/v2.0"), /v2.0/);
    });
  });
});
