import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ConfigError, loadConfig } from "../../server/src/config";
import { routes } from "../../server/src/generated/routes";
import { handlers } from "../../server/src/http/handlers";

describe("configuration", () => {
  it("has Cinder's defaults: port 8776 on 127.0.0.1, SQLite in ./data, one file backend", () => {
    const c = loadConfig({}, {});
    assert.equal(c.port, 8776);
    assert.equal(c.bind, "127.0.0.1");
    assert.equal(c.dataDir, path.resolve("data"));
    assert.equal(c.db, `sqlite:${path.resolve("data", "cinderblock.sqlite")}`);
    assert.deepEqual(
      c.backends.map((b) => [b.name, b.driver]),
      [["file", "file"]],
    );
  });

  it("layers a config file, then CINDERBLOCK_* variables, then flags", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "cb-config-"));
    const file = path.join(dir, "c.yaml");
    await writeFile(
      file,
      "port: 9000\nbind: 0.0.0.0\nlogLevel: debug\nbackends:\n  - name: fast\n    driver: file\n    dir: /srv/fast\n    availability_zone: az1\n",
    );
    const c = loadConfig({ config: file, port: "9100" }, { CINDERBLOCK_BIND: "10.0.0.1", CINDERBLOCK_PORT: "9050" });
    assert.equal(c.port, 9100, "a flag wins over the environment and the file");
    assert.equal(c.bind, "10.0.0.1", "the environment wins over the file");
    assert.equal(c.logLevel, "debug");
    assert.deepEqual(c.backends, [{ name: "fast", driver: "file", availabilityZone: "az1", options: { dir: "/srv/fast" } }]);
  });

  it("exports through a target helper: --target-helper, --target-ip (default 127.0.0.1), port 3260, or targetHelper in the file", async () => {
    const d = loadConfig({}, {});
    assert.equal(d.targetHelper, undefined, "volumes are local only by default");
    assert.equal(d.targetIp, "127.0.0.1");
    assert.equal(d.targetPort, 3260);
    const c = loadConfig({ "target-helper": "tgt", "target-ip": "192.0.2.7" }, {});
    assert.deepEqual([c.targetHelper, c.targetIp, c.targetPort], ["tgt", "192.0.2.7", 3260]);
    const dir = await mkdtemp(path.join(os.tmpdir(), "cb-config-"));
    const file = path.join(dir, "t.yaml");
    await writeFile(file, "targetHelper: tgt\ntargetPort: 3262\n");
    const f = loadConfig({ config: file }, {});
    assert.deepEqual([f.targetHelper, f.targetPort], ["tgt", 3262]);
    assert.throws(() => loadConfig({ "target-port": "70000" }, {}), /target port 70000 is out of range/);
  });

  it("takes several backends, each with its driver, target helper, driver options and volume_backend_name", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "cb-config-"));
    const file = path.join(dir, "b.yaml");
    await writeFile(
      file,
      [
        "targetHelper: tgt",
        "rootHelper: sudo -n",
        "backends:",
        "  - name: lvm-thin",
        "    driver: lvm",
        "    volume_backend_name: lvm",
        "    targetHelper: lio",
        "    volumeGroup: cinder-volumes",
        "    lvmType: thin",
        "  - name: lvm-thick",
        "    driver: lvm",
        "    volumeBackendName: lvm",
        "    volumeGroup: slow",
        "    volumeClear: zero",
        "  - name: files",
        "    driver: file",
        "",
      ].join("\n"),
    );
    const c = loadConfig({ config: file }, {});
    assert.equal(c.targetHelper, "tgt");
    assert.equal(c.rootHelper, "sudo -n");
    assert.deepEqual(c.backends, [
      { name: "lvm-thin", driver: "lvm", availabilityZone: undefined, volumeBackendName: "lvm", options: { targetHelper: "lio", volumeGroup: "cinder-volumes", lvmType: "thin" } },
      { name: "lvm-thick", driver: "lvm", availabilityZone: undefined, volumeBackendName: "lvm", options: { volumeGroup: "slow", volumeClear: "zero" } },
      { name: "files", driver: "file", availabilityZone: undefined, options: {} },
    ]);
    assert.equal(loadConfig({ "root-helper": "doas" }, {}).rootHelper, "doas");
    await writeFile(file, "backends:\n  - name: x\n    driver: file\n    volumeBackendName: ''\n");
    assert.throws(() => loadConfig({ config: file }, {}), /backends\[0\]\.volumeBackendName must be a non-empty string/);
  });

  it("chooses the key manager: built-in by default, Barbican by flag, variable or file", async () => {
    assert.equal(loadConfig({}, {}).keyManager, undefined, "built-in");
    assert.deepEqual(loadConfig({ "key-manager": "barbican", "barbican-url": "http://kb:9311" }, {}).keyManager, { backend: "barbican", url: "http://kb:9311" });
    assert.deepEqual(loadConfig({}, { CINDERBLOCK_KEY_MANAGER: "barbican", CINDERBLOCK_BARBICAN_URL: "http://kb:9311" }).keyManager, { backend: "barbican", url: "http://kb:9311" });
    const dir = await mkdtemp(path.join(os.tmpdir(), "cb-config-"));
    const file = path.join(dir, "c.yaml");
    await writeFile(file, "keyManager:\n  backend: barbican\n  url: http://kb:9311\n");
    assert.deepEqual(loadConfig({ config: file }, {}).keyManager, { backend: "barbican", url: "http://kb:9311" });
    assert.throws(() => loadConfig({ "key-manager": "barbican" }, {}), /needs its URL/);
    assert.throws(() => loadConfig({ "key-manager": "vault" }, {}), /key manager 'vault' is not available/);
  });

  it("refuses bad settings with a message that names them", async () => {
    assert.throws(() => loadConfig({ port: "eighty" }, {}), (e: Error) => e instanceof ConfigError && /'port' must be a whole number/.test(e.message));
    assert.throws(() => loadConfig({ auth: "magic" }, {}), /auth 'magic' is not available/);
    assert.throws(() => loadConfig({}, { CINDERBLOCK_PORT: "70000" }), /port 70000 is out of range/);
    const dir = await mkdtemp(path.join(os.tmpdir(), "cb-config-"));
    const file = path.join(dir, "c.json");
    await writeFile(file, JSON.stringify({ backends: [{ name: "a b", driver: "file" }] }));
    assert.throws(() => loadConfig({ config: file }, {}), /backend name 'a b'/);
    await writeFile(file, JSON.stringify({ colour: "blue" }));
    assert.throws(() => loadConfig({ config: file }, {}), /unknown setting 'colour'/);
  });
});

describe("route table", () => {
  it("has a handler for every operation and action of the spec, and registers both URL forms", () => {
    const names = new Set<string>();
    for (const r of routes) {
      if (r.operation) names.add(r.operation);
      for (const a of r.actions ?? []) names.add(a.operation);
    }
    for (const n of names) assert.equal(typeof (handlers as Record<string, unknown>)[n], "function", n);
    assert.deepEqual(Object.keys(handlers).sort(), [...names].sort());
    const projectPaths = routes.filter((r) => r.path.startsWith("/v3/{project_id}/"));
    for (const r of projectPaths) {
      const twin = r.path.replace("/v3/{project_id}/", "/v3/");
      assert.ok(routes.some((t) => t.twin && t.path === twin && t.method === r.method), `${r.method} ${twin}`);
    }
  });
});
