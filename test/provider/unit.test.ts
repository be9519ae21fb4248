/**
 * Layer 1: the check/diff rules of every resource as pure functions (one case per row of the
 * issue's table), provider-config checks, and the status waiter on a fake clock.
 */
import assert from "node:assert/strict";
import { checkProviderConfig, resolveProviderConfig } from "../../provider/src/lib/config";
import { DiffKind } from "../../provider/src/lib/diff";
import { StatusError, TimeoutError, waitForStatus, type Clock } from "../../provider/src/lib/wait";
import { UNKNOWN } from "../../provider/src/lib/wire";
import { RESOURCES } from "../../provider/src/resources";
import { diffImage, imagePatch } from "../../provider/src/resources/image";

const R = (n: string) => RESOURCES[`cinder:index:${n}`];
const named = { name: "data" };

describe("provider unit: Volume check", () => {
  const check = (news: Record<string, unknown>, olds = {}) => R("Volume").check(news, olds, named);
  it("accepts a whole size ≥ 1 and autonames deterministically", () => {
    const a = check({ size: 1 });
    assert.deepEqual(a.failures, []);
    assert.match(a.inputs.name as string, /^data-[0-9a-f]{7}$/);
    assert.equal(check({ size: 1 }).inputs.name, a.inputs.name);
    assert.equal(check({ size: 1 }, { name: "kept" }).inputs.name, "kept");
  });
  for (const bad of [0, -3, 1.5]) {
    it(`rejects size ${bad} with a clear message`, () => {
      const f = check({ size: bad }).failures;
      assert.ok(f.some((x) => x.property === "size" && /whole number/.test(x.reason)), JSON.stringify(f));
    });
  }
  it("rejects shrinking, naming both sizes", () => {
    const f = check({ size: 5 }, { size: 10 }).failures;
    assert.equal(f.length, 1);
    assert.match(f[0].reason, /cannot shrink from 10 to 5 GiB/);
  });
  it("reports a missing size, unknown properties and wrong types", () => {
    const f = check({ sise: 3, metadata: { a: 1 } }).failures.map((x) => x.property).sort();
    assert.deepEqual(f, ["metadata", "sise", "size"]);
  });
  it("lets unknown values (preview) through", () => {
    assert.deepEqual(check({ size: UNKNOWN, name: UNKNOWN }).failures, []);
  });
  it("rejects two sources at once", () => {
    assert.ok(check({ size: 1, snapshotId: "s", sourceVolumeId: "v" }).failures.some((f) => /only one of/.test(f.reason)));
  });
});

describe("provider unit: Volume diff", () => {
  const base = { size: 10, name: "n", description: "d", metadata: { a: "1", b: "2" }, volumeType: "gold", availabilityZone: "nova" };
  const diff = (news: Record<string, unknown>) => R("Volume").diff({ ...base, status: "available" }, { ...base, ...news }, base);
  it("no change → no diff (server outputs are not compared)", () => {
    const d = diff({});
    assert.equal(d.changes, false);
  });
  for (const [prop, value] of [["name", "m"], ["description", "e"], ["size", 20], ["bootable", true], ["readonly", true]] as const) {
    it(`${prop} updates in place`, () => {
      const d = diff({ [prop]: value });
      assert.deepEqual(d.replaces, []);
      assert.ok(d.detailed[prop] === DiffKind.UPDATE || d.detailed[prop] === DiffKind.ADD);
    });
  }
  it("metadata diffs per managed key", () => {
    const d = diff({ metadata: { a: "1", b: "3", c: "4" } });
    assert.deepEqual(d.detailed, { "metadata.b": DiffKind.UPDATE, "metadata.c": DiffKind.ADD });
    assert.deepEqual(diff({ metadata: { a: "1" } }).detailed, { "metadata.b": DiffKind.DELETE });
  });
  it("volumeType retypes in place", () => {
    const d = diff({ volumeType: "silver" });
    assert.deepEqual(d.replaces, []);
    assert.equal(d.detailed.volumeType, DiffKind.UPDATE);
  });
  for (const [prop, value] of [["availabilityZone", "az2"], ["snapshotId", "s"], ["sourceVolumeId", "v"], ["backupId", "b"], ["imageId", "i"], ["schedulerHints", { same_host: "x" }]] as const) {
    it(`${prop} replaces`, () => assert.deepEqual(diff({ [prop]: value }).replaces, [prop]));
  }
  it("dropping availabilityZone from the program keeps the server's choice", () => {
    const { availabilityZone: _, ...rest } = base;
    assert.equal(R("Volume").diff(base, rest, base).changes, false);
  });
  it("an unknown new value counts as a change", () => {
    assert.equal(diff({ snapshotId: UNKNOWN }).detailed.snapshotId, DiffKind.ADD_REPLACE);
  });
  it("cascade and migrationPolicy change state only", () => {
    const d = diff({ cascade: true, migrationPolicy: "on-demand" });
    assert.deepEqual(d.replaces, []);
    assert.equal(d.changes, true);
  });
});

describe("provider unit: other resources", () => {
  it("Snapshot: name/description/metadata in place; volumeId and force replace", () => {
    const old = { volumeId: "v", name: "s", metadata: { a: "1" } };
    const d = (n: Record<string, unknown>) => R("Snapshot").diff(old, { ...old, ...n }, old);
    assert.deepEqual(d({ name: "t", description: "x", metadata: { a: "2" } }).replaces, []);
    assert.deepEqual(d({ volumeId: "w" }).replaces, ["volumeId"]);
    assert.deepEqual(d({ force: true }).replaces, ["force"]);
    assert.ok(R("Snapshot").check({}, {}, named).failures.some((f) => f.property === "volumeId"));
  });
  it("VolumeType: all in place, extraSpecs per key", () => {
    const old = { name: "gold", isPublic: true, extraSpecs: { a: "1", b: "2" } };
    const d = R("VolumeType").diff(old, { ...old, isPublic: false, extraSpecs: { a: "1", b: "3", c: "x" } }, old);
    assert.deepEqual(d.replaces, []);
    assert.deepEqual(d.detailed, { isPublic: DiffKind.UPDATE, "extraSpecs.b": DiffKind.UPDATE, "extraSpecs.c": DiffKind.ADD });
    const colon = R("VolumeType").diff(old, { ...old, extraSpecs: { ...old.extraSpecs, "capabilities:x": "y" } }, old);
    assert.deepEqual(Object.keys(colon.detailed), ['extraSpecs["capabilities:x"]']);
  });
  it("GroupType: all in place, groupSpecs per key", () => {
    const old = { name: "grp", isPublic: true, groupSpecs: { a: "1", b: "2" } };
    const d = R("GroupType").diff(old, { ...old, description: "d", groupSpecs: { a: "1", c: "x" } }, old);
    assert.deepEqual(d.replaces, []);
    assert.deepEqual(d.detailed, { description: DiffKind.ADD, "groupSpecs.b": DiffKind.DELETE, "groupSpecs.c": DiffKind.ADD });
    assert.ok(R("GroupType").check({ name: 5 }, {}, named).failures.some((f) => f.property === "name"));
  });
  it("VolumeTypeAccess and QosAssociation: every input replaces", () => {
    const a = { volumeTypeId: "t", projectId: "p" };
    assert.deepEqual(R("VolumeTypeAccess").diff(a, { ...a, projectId: "q" }, a).replaces, ["projectId"]);
    const q = { qosSpecId: "q", volumeTypeId: "t" };
    assert.deepEqual(R("QosAssociation").diff(q, { qosSpecId: "r", volumeTypeId: "u" }, q).replaces.sort(), ["qosSpecId", "volumeTypeId"]);
  });
  it("VolumeTypeEncryption: the type replaces, the specs change in place", () => {
    const e = { volumeTypeId: "t", provider: "luks", controlLocation: "front-end", keySize: 256 };
    assert.deepEqual(R("VolumeTypeEncryption").diff(e, { ...e, volumeTypeId: "u" }, e).replaces, ["volumeTypeId"]);
    const d = R("VolumeTypeEncryption").diff(e, { ...e, keySize: 512, cipher: "aes-xts-plain64" }, e);
    assert.deepEqual(d.replaces, []);
    assert.deepEqual(Object.keys(d.detailed).sort(), ["cipher", "keySize"]);
    assert.ok(R("VolumeTypeEncryption").check({ volumeTypeId: "t" }, {}, { name: "e" }).failures.some((f) => f.property === "provider"));
  });
  it("QosSpec: specs per key and consumer in place; a new name replaces, deleting first only when the name stays", () => {
    const old = { name: "fast", consumer: "back-end", specs: { iops: "100" } };
    const d1 = R("QosSpec").diff(old, { ...old, specs: { iops: "200" } }, old);
    assert.deepEqual(d1.detailed, { "specs.iops": DiffKind.UPDATE });
    const d2 = R("QosSpec").diff(old, { ...old, consumer: "both" }, old);
    assert.deepEqual(d2.replaces, []);
    assert.deepEqual(d2.detailed, { consumer: DiffKind.UPDATE });
    assert.deepEqual(R("QosSpec").diff(old, { name: "fast", specs: { iops: "100" } }, old).changes, false, "leaving consumer out keeps it");
    const d3 = R("QosSpec").diff(old, { ...old, name: "faster" }, old);
    assert.deepEqual(d3.replaces, ["name"]);
    assert.ok(!d3.deleteBeforeReplace);
    assert.match(R("QosSpec").check({ name: "x", specs: { consumer: "both" } }, {}, named).failures[0].reason, /QosSpec's own 'consumer'/);
    assert.ok(R("QosSpec").check({ consumer: "sideways" }, {}, named).failures.some((f) => f.property === "consumer"));
  });
  it("QuotaSet: quota fields in place; projectId replaces; bad values rejected", () => {
    const old = { projectId: "p", volumes: 10 };
    assert.deepEqual(R("QuotaSet").diff(old, { ...old, volumes: 20, gigabytes: 100 }, old).replaces, []);
    assert.deepEqual(R("QuotaSet").diff(old, { ...old, projectId: "q" }, old).replaces, ["projectId"]);
    assert.ok(R("QuotaSet").check({ projectId: "p", volumes: -2 }, {}, named).failures.some((f) => f.property === "volumes"));
    assert.ok(R("QuotaSet").check({ projectId: "p", volumeTypeQuotas: { volumes_gold: "x" } }, {}, named).failures.length === 1);
  });
});

describe("provider unit: Image", () => {
  const HASH = "a".repeat(128);
  it("patches only what changed, escaping property names as JSON pointers", () => {
    const before = { name: "a", minDisk: 1, tags: ["x"], properties: { "hw/bus": "ide", keep: "1", gone: "2" } };
    const news = { name: "a", minRam: 256, tags: ["x"], protected: true, properties: { "hw/bus": "virtio", "a~b": "3", keep: "1" } };
    assert.deepEqual(imagePatch(before, news), [
      { op: "replace", path: "/min_disk", value: 0 },
      { op: "replace", path: "/min_ram", value: 256 },
      { op: "replace", path: "/protected", value: true },
      { op: "add", path: "/hw~1bus", value: "virtio" },
      { op: "add", path: "/a~0b", value: "3" },
      { op: "remove", path: "/gone" },
    ]);
    assert.deepEqual(imagePatch(news, news), []);
  });
  it("rejects repeated tags", () => {
    assert.match(R("Image").check({ diskFormat: "raw", tags: ["a", "a"] }, {}, named).failures.map((f) => f.reason).join(), /tags must not repeat/);
    assert.deepEqual(R("Image").check({ diskFormat: "raw", tags: ["a", "b"] }, {}, named).failures, []);
  });
  it("source: adopted on import when the content matches, replaced otherwise; dropping it is no change", () => {
    const olds = { osHashAlgo: "sha512", osHashValue: HASH };
    const imported = { name: "i", diskFormat: "raw", containerFormat: "bare" };
    const program = { ...imported, source: "/f", sourceHash: HASH };
    assert.equal(diffImage(olds, program, imported).changes, false);
    assert.deepEqual(diffImage(olds, { ...program, sourceHash: "b".repeat(128) }, imported).detailed, { source: DiffKind.ADD_REPLACE });
    assert.deepEqual(diffImage(olds, { ...program, source: UNKNOWN }, program).replaces, ["source"], "an unknown path (preview) may be another file");
    assert.equal(diffImage(olds, imported, program).changes, false, "dropping source keeps the image");
    assert.deepEqual(diffImage(olds, { ...program, visibility: "shared" }, program).detailed, { visibility: DiffKind.ADD });
  });
});

describe("provider unit: configuration", () => {
  const check = (given: Record<string, unknown>, env: Record<string, string> = {}) => checkProviderConfig(resolveProviderConfig(given, env));
  it("names what is missing", () => {
    assert.match(check({}).map((f) => f.reason).join(), /no credentials/);
    const f = check({ username: "u", password: "p" });
    assert.deepEqual(f.map((x) => x.property).sort(), ["authUrl", "projectName"]);
    assert.match(f.find((x) => x.property === "authUrl")!.reason, /cinder:authUrl or OS_AUTH_URL/);
    assert.deepEqual(check({ token: "t" }).map((x) => x.property), ["endpoint"]);
    assert.deepEqual(check({ applicationCredentialId: "i", authUrl: "http://k" }).map((x) => x.property), ["applicationCredentialSecret"]);
    assert.deepEqual(check({ token: "t", endpoint: "http://h:8776", microversion: "three" }).map((x) => x.property).sort(), ["microversion", "projectId"]);
  });
  it("falls back to OS_* variables, and stack values win", () => {
    const env = { OS_AUTH_URL: "http://env/v3", OS_USERNAME: "u", OS_PASSWORD: "p", OS_PROJECT_NAME: "x", OS_INSECURE: "true" };
    assert.deepEqual(check({}, env), []);
    const cfg = resolveProviderConfig({ authUrl: "http://stack/v3" }, env);
    assert.equal(cfg.authUrl, "http://stack/v3");
    assert.equal(cfg.insecure, true);
  });
  it("skips unknown values in preview", () => {
    assert.deepEqual(checkProviderConfig(resolveProviderConfig({ token: UNKNOWN, endpoint: "http://h/v3/p" }, {}), new Set(["token"])), []);
  });
});

describe("provider unit: status waits on a fake clock", () => {
  function fake(): Clock & { t: number; sleeps: number[] } {
    const c = { t: 0, sleeps: [] as number[], now: () => c.t, sleep: async (ms: number) => void (c.sleeps.push(ms), (c.t += ms)) };
    return c;
  }
  const seq = (...statuses: (string | undefined)[]) => {
    let i = 0;
    return async () => {
      const s = statuses[Math.min(i++, statuses.length - 1)];
      return s === undefined ? undefined : { id: "v", status: s };
    };
  };
  it("polls at once, then backs off until the target", async () => {
    const clock = fake();
    const v = await waitForStatus("volume", "v", seq("creating", "creating", "available"), ["available"], { timeoutMs: 60_000, clock });
    assert.equal(v?.status, "available");
    assert.deepEqual(clock.sleeps, [500, 750]);
  });
  it("fails at once on error, carrying the item (for partial state)", async () => {
    const err = await waitForStatus("volume", "v", seq("creating", "error"), ["available"], { timeoutMs: 60_000, clock: fake() }).catch((e) => e);
    assert.ok(err instanceof StatusError);
    assert.equal(err.item.status, "error");
  });
  it("times out at the engine's deadline with the last status", async () => {
    const clock = fake();
    const err = await waitForStatus("volume", "v", seq("creating"), ["available"], { timeoutMs: 10_000, clock }).catch((e) => e);
    assert.ok(err instanceof TimeoutError);
    assert.match(err.message, /last status 'creating'/);
    assert.ok(clock.t >= 10_000 && clock.t < 11_000);
  });
  it("counts only a 404 as deleted", async () => {
    assert.equal(await waitForStatus("volume", "v", seq("deleting", undefined), ["deleted"], { timeoutMs: 5000, clock: fake() }), undefined);
    const err = await waitForStatus("volume", "v", seq("deleting", "error_deleting"), ["deleted"], { timeoutMs: 5000, clock: fake() }).catch((e) => e);
    assert.ok(err instanceof StatusError);
  });
});

describe("provider unit: schema", () => {
  // A faithful check of the rules of Pulumi's package metaschema (pkg/codegen/schema/pulumi.json)
  // that this schema exercises; the metaschema itself is not bundled.
  const { SCHEMA } = require("../../provider/src/schema") as typeof import("../../provider/src/schema");
  const S = SCHEMA as any;
  const TOKEN = /^[a-zA-Z][-a-zA-Z0-9_]*:([^0-9][a-zA-Z0-9._/-]*)?:[^0-9][a-zA-Z0-9._/-]*$/;
  const PRIMITIVES = ["boolean", "integer", "number", "string"];
  function typeSpec(t: any, where: string) {
    if (t.$ref === "pulumi.json#/Any") return; // the metaschema's built-in "any" type
    if (t.$ref) {
      assert.ok(t.$ref.startsWith("#/types/") && S.types[t.$ref.slice(8)], `${where}: unresolved ${t.$ref}`);
      return;
    }
    if (t.type === "array") return typeSpec(t.items, `${where}.items`);
    if (t.type === "object") {
      assert.ok(!t.items, where);
      if (t.additionalProperties) typeSpec(t.additionalProperties, `${where}.additionalProperties`);
      return;
    }
    assert.ok(PRIMITIVES.includes(t.type), `${where}: type ${t.type}`);
    assert.ok(!t.items && !t.additionalProperties, where);
  }
  const props = (ps: Record<string, any>, where: string) => {
    for (const [k, p] of Object.entries(ps)) {
      typeSpec(p, `${where}.${k}`);
      assert.equal(typeof p.description, "string", `${where}.${k} description`);
    }
  };
  it("has the required top level and valid tokens", () => {
    assert.match(S.name, /^[a-zA-Z][-a-zA-Z0-9_]*$/);
    assert.match(S.version, /^\d+\.\d+\.\d+$/);
    const allowed = ["name", "displayName", "version", "description", "keywords", "license", "publisher", "meta", "language", "config", "provider", "types", "resources", "functions"];
    for (const k of Object.keys(S)) assert.ok(allowed.includes(k), k);
    for (const t of [...Object.keys(S.resources), ...Object.keys(S.functions), ...Object.keys(S.types)]) assert.match(t, TOKEN);
    assert.deepEqual(Object.keys(S.resources).sort(), Object.keys(RESOURCES).sort());
  });
  it("types every property and keeps required inputs among the inputs", () => {
    props(S.config.variables, "config");
    props(S.provider.inputProperties, "provider");
    for (const [tok, r] of Object.entries<any>(S.resources)) {
      props(r.properties, tok);
      props(r.inputProperties, `${tok}.inputs`);
      for (const k of r.requiredInputs) assert.ok(r.inputProperties[k], `${tok} requires unknown ${k}`);
      for (const k of r.required) assert.ok(r.properties[k], `${tok} requires unknown output ${k}`);
    }
    for (const [tok, f] of Object.entries<any>(S.functions)) {
      props(f.inputs.properties, tok);
      props(f.outputs.properties, tok);
    }
    props(S.types["cinder:index:VolumeAttachmentInfo"].properties, "VolumeAttachment");
  });
  it("marks the credentials secret and matches provider/schema.json", () => {
    for (const k of ["password", "token", "applicationCredentialSecret"]) assert.equal(S.config.variables[k].secret, true, k);
    const onDisk = JSON.parse(require("node:fs").readFileSync(require("node:path").join(__dirname, "../../provider/schema.json"), "utf8"));
    assert.deepEqual(onDisk, S, "provider/schema.json is stale: npm run schema -w provider");
  });
});
