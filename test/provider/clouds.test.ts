/**
 * Provider configuration from clouds.yaml + secure.yaml (through the SDK), as @pulumi/openstack
 * users configure it: by `OS_CLOUD` in the plugin's environment with no provider config at all,
 * and by the `cloud` config key. The cloud's project id lives only in secure.yaml, so a volume
 * created in the right project proves both files were read.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { connect, type CinderClient } from "@cinderblock/sdk";
import { startServer, type TestServer } from "../helpers/server";
import { js, provproto, rpc, startPlugin, type Plugin } from "./harness";

const V = "cinder:index:Volume";
const BLANK = { OS_AUTH_URL: "", OS_TOKEN: "", OS_PASSWORD: "", OS_USERNAME: "", OS_PROJECT_ID: "", OS_PROJECT_NAME: "", OS_VOLUME_ENDPOINT: "", CINDER_ENDPOINT: "" };

describe("provider config: clouds.yaml and secure.yaml (sqlite)", function () {
  this.timeout(120_000);
  let s: TestServer;
  let dir: string;
  let admin: CinderClient;
  let files: Record<string, string>;
  const plugins: Plugin[] = [];

  before(async () => {
    s = await startServer("sqlite");
    dir = await mkdtemp(path.join(os.tmpdir(), "cinder-clouds-"));
    const clouds = path.join(dir, "clouds.yaml");
    const secure = path.join(dir, "secure.yaml");
    await writeFile(clouds, ["clouds:", "  lab:", "    auth_type: noauth", `    auth: { user_id: admin, endpoint: '${s.url}' }`].join("\n"));
    await writeFile(secure, "clouds:\n  lab:\n    auth:\n      project_id: admin\n");
    files = { OS_CLIENT_CONFIG_FILE: clouds, OS_CLIENT_SECURE_FILE: secure };
    admin = await connect({ env: {}, endpoint: s.url, auth: { type: "noauth", userId: "admin", projectId: "admin" } });
  });
  after(async () => {
    for (const p of plugins) await p.stop();
    await s?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  async function lifecycle(p: Plugin, cfg: object, name: string) {
    const checked = await p.call<provproto.CheckResponse>("checkConfig", rpc.check("pulumi:providers:cinder", "default", cfg));
    assert.deepEqual(checked.getFailuresList().map((f) => f.getReason()), []);
    await p.call("configure", new provproto.ConfigureRequest().setArgs(checked.getInputs()!).setAcceptsecrets(true));
    const inputs = js((await p.call<provproto.CheckResponse>("check", rpc.check(V, name, { size: 1, name }))).getInputs());
    const r = await p.call<provproto.CreateResponse>("create", rpc.create(V, name, inputs, { timeout: 60 }));
    const v = await admin.volumes.get(r.getId());
    assert.equal(v.name, name);
    await p.call("delete", rpc.delete(V, name, r.getId(), js(r.getProperties()), { timeout: 60 }));
  }

  it("OS_CLOUD in the environment, no provider config at all", async () => {
    const p = await startPlugin({ ...BLANK, ...files, OS_CLOUD: "lab" });
    plugins.push(p);
    await lifecycle(p, {}, "from-os-cloud");
  });

  it("the `cloud` config key; an unknown cloud is named at Configure", async () => {
    const p = await startPlugin({ ...BLANK, ...files, OS_CLOUD: "" });
    plugins.push(p);
    await lifecycle(p, { cloud: "lab" }, "from-cloud-key");
    const q = await startPlugin({ ...BLANK, ...files, OS_CLOUD: "" });
    plugins.push(q);
    await q.call("configure", new provproto.ConfigureRequest().setArgs(rpc.check("x", "x", { cloud: "nowhere" }).getNews()!));
    await assert.rejects(q.call("create", rpc.create(V, "x", { size: 1, name: "x" })), /nowhere/);
  });
});
