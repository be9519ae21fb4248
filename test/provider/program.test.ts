/**
 * Layer 3: the program SDK under `pulumi.runtime.setMocks` — tokens, arg typing and required
 * checks, `get`, invokes, the explicit provider and its secrets, stack config with OS_* fallbacks.
 * Mocks never reach the provider: this proves the SDK's shape and wiring only.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import * as cinder from "../../provider/src/sdk";
const SIG = "4dabf18193072939515e22adb298388d";

const value = <T>(o: pulumi.Output<T>, what = "output") =>
  Promise.race([new Promise<T>((resolve) => o.apply((v) => resolve(v))), new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} never resolved`)), 5000))]);

describe("provider program SDK under setMocks", () => {
  const registered: pulumi.runtime.MockResourceArgs[] = [];
  const calls: pulumi.runtime.MockCallArgs[] = [];
  beforeEach(() => {
    pulumi.runtime.setMocks(
      {
        newResource: async (args) => {
          registered.push(args);
          const state = { ...args.inputs, status: "available", attachments: [] };
          return { id: args.id || `${args.name}-id`, state: args.id ? { ...state, size: 9 } : state };
        },
        call: async (args) => {
          calls.push(args);
          return args.token === "cinder:index:getAvailabilityZones" ? { names: ["nova"] } : { id: args.inputs.id ?? "v1", size: 3 };
        },
      },
      "proj",
      "stack",
      false,
    );
  });

  it("registers resources under cinder:index tokens with typed outputs", async () => {
    const t = new cinder.VolumeType("gold", { extraSpecs: { "x:tier": "gold" } });
    const v = new cinder.Volume("data", { size: 2, volumeType: t.name, metadata: { a: "b" } });
    assert.equal(await value(v.size, "v.size"), 2);
    assert.equal(await value(v.status, "v.status"), "available");
    assert.deepEqual(await value(v.attachments, "v.attachments"), []);
    assert.equal(await value(v.id, "v.id"), "data-id");
    const reg = registered.find((r) => r.name === "data")!;
    assert.equal(reg.type, "cinder:index:Volume");
    assert.ok(cinder.Volume.isInstance(v));
    assert.ok(!cinder.Snapshot.isInstance(v));
    assert.equal(registered.find((r) => r.name === "gold")!.type, "cinder:index:VolumeType");
  });

  it("throws on a missing required property", () => {
    assert.throws(() => new cinder.Volume("nosize", {} as cinder.VolumeArgs), /Missing required property 'size'/);
    assert.throws(() => new cinder.Snapshot("nosnap", {} as cinder.SnapshotArgs), /Missing required property 'volumeId'/);
    assert.throws(() => new cinder.QosAssociation("noassoc", { qosSpecId: "q" } as cinder.QosAssociationArgs), /volumeTypeId/);
  });

  it("an Image registers as cinder:index:Image, needs diskFormat, and its id feeds Volume.imageId", async () => {
    assert.throws(() => new cinder.Image("noformat", {} as cinder.ImageArgs), /Missing required property 'diskFormat'/);
    const img = new cinder.Image("base", { diskFormat: "qcow2", source: "/tmp/base.qcow2", tags: ["x"] });
    const v = new cinder.Volume("boot", { size: 1, imageId: img.id });
    assert.equal(await value(v.imageId, "v.imageId"), "base-id");
    assert.equal(registered.find((r) => r.name === "base")!.type, "cinder:index:Image");
    assert.equal(registered.find((r) => r.name === "boot")!.inputs.imageId, "base-id");
    assert.ok(cinder.Image.isInstance(img) && !cinder.Image.isInstance(v));
  });

  it("get() reads an existing resource by id", async () => {
    const v = cinder.Volume.get("existing", "vol-123");
    assert.equal(await value(v.id, "v.id"), "vol-123");
    assert.equal(await value(v.size, "v.size"), 9);
    assert.equal(registered.find((r) => r.name === "existing")!.id, "vol-123");
  });

  it("invokes functions in both forms", async () => {
    const z = await cinder.getAvailabilityZones({});
    assert.deepEqual(z.names, ["nova"]);
    const v = cinder.getVolumeOutput({ id: pulumi.output("v7") });
    assert.equal((await value(v, "v")).id, "v7");
    assert.deepEqual(calls.map((c) => c.token).sort(), ["cinder:index:getAvailabilityZones", "cinder:index:getVolume"]);
  });

  it("an explicit provider is pulumi:providers:cinder with secret credentials", async () => {
    const p = new cinder.Provider("dev", { endpoint: "http://h:8776", projectId: "p", token: "admin:admin", password: "pw" });
    const v = new cinder.Volume("withprov", { size: 1 }, { provider: p });
    await value(v.id, "v.id");
    const reg = registered.find((r) => r.name === "dev")!;
    assert.equal(reg.type, "pulumi:providers:cinder");
    assert.equal((reg.inputs.token as Record<string, unknown>)[SIG], "1b47061264138c4ac30d75fd1eb44270", "token goes over the wire as a secret");
    assert.equal((reg.inputs.password as Record<string, unknown>)[SIG], "1b47061264138c4ac30d75fd1eb44270");
    assert.equal(reg.inputs.endpoint, "http://h:8776");
    assert.match(registered.find((r) => r.name === "withprov")!.provider!, /pulumi:providers:cinder::dev::/);
  });

  it("config reads stack config, then OS_* variables", () => {
    pulumi.runtime.setAllConfig({ "cinder:authUrl": "http://stack/v3" }, ["cinder:token"]);
    process.env.OS_REGION_NAME = "RegionTwo";
    try {
      assert.equal(cinder.config.authUrl, "http://stack/v3");
      assert.equal(cinder.config.region, "RegionTwo");
      assert.equal(cinder.config.token, undefined);
    } finally {
      delete process.env.OS_REGION_NAME;
    }
  });
});
