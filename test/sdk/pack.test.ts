/**
 * The package as users get it: `npm pack` of sdk/ and of openapi/ (the spec types and microversions
 * it depends on), installed into a fresh project with TypeScript, where an example compiles (strict,
 * without skipLibCheck), a wrong usage does not, and the compiled example runs against a live server.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { connect } from "../../sdk/src";
import { liveServer, QUICK, type LiveServer } from "./helpers";

const exec = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

async function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    return (await exec(cmd, args, { cwd, env, timeout: 300_000, maxBuffer: 32 * 1024 * 1024 })).stdout;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} failed: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`);
  }
}

describe("sdk: npm pack, install in a fresh project, compile and run an example", function () {
  this.timeout(600_000);
  let dir: string;
  let project: string;
  let live: LiveServer;
  const tarballs: string[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "sdk-pack-"));
    project = path.join(dir, "app");
    live = await liveServer("builtin");
  });
  after(async () => {
    await live?.s.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it("packs dist, the README and no sources or tests; the spec package carries the generated types", async () => {
    const out = await sh(NPM, ["pack", "-w", "openapi", "-w", "sdk", "--pack-destination", dir, "--json"], ROOT);
    type Info = { name: string; filename: string; files: Array<{ path: string }> };
    const infos = JSON.parse(out.slice(out.indexOf("["))) as Info[];
    const filesOf = (name: string) => {
      const info = infos.find((i) => i.name === name);
      assert.ok(info, `${name} packed`);
      tarballs.push(path.join(dir, path.basename(info.filename)));
      return info.files.map((f) => f.path);
    };
    const sdk = filesOf("@cinderblock/sdk");
    for (const f of ["package.json", "README.md", "dist/index.js", "dist/index.d.ts", "dist/microversions.d.ts", "dist/resources/volumes.d.ts"]) {
      assert.ok(sdk.includes(f), `${f} in the SDK tarball`);
    }
    assert.ok(sdk.includes("LICENSE"), "the licence in the SDK tarball");
    assert.deepEqual(sdk.filter((f) => !f.startsWith("dist/") && !["package.json", "README.md", "LICENSE"].includes(f)), []);
    const spec = filesOf("@cinderblock/openapi");
    for (const f of ["package.json", "lib/index.js", "lib/index.d.ts", "lib/generated/openapi.d.ts", "lib/generated/microversions.js", "dist/cinder-v3.json"]) {
      assert.ok(spec.includes(f), `${f} in the openapi tarball`);
    }
    assert.deepEqual(spec.filter((f) => !/^(lib|dist|src)\//.test(f) && !["package.json", "README.md"].includes(f)), []);
    assert.deepEqual(spec.filter((f) => f.endsWith(".tsbuildinfo")), []);
  });

  it("installs into a fresh project and type-checks an example (and rejects a wrong usage)", async () => {
    assert.equal(tarballs.length, 2, "packed");
    await mkdir(path.join(project, "src"), { recursive: true });
    await writeFile(path.join(project, "package.json"), JSON.stringify({ name: "sdk-consumer", version: "1.0.0", private: true }, null, 2));
    await sh(NPM, ["install", ...tarballs, "typescript@5.9", "@types/node@20", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], project);
    await copyFile(path.join(ROOT, "examples/sdk/list-volumes.ts"), path.join(project, "src/list-volumes.ts"));
    await writeFile(
      path.join(project, "src/wrong.ts"),
      [
        'import { connect } from "@cinderblock/sdk";',
        "export async function wrong(): Promise<void> {",
        "  const client = await connect();",
        "  // @ts-expect-error -- size is a number",
        "  await client.volumes.create({ size: true });",
        "  // @ts-expect-error -- not a volume field",
        "  (await client.volumes.get('x')).sizee;",
        "}",
      ].join("\n"),
    );
    await writeFile(
      path.join(project, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { target: "ES2022", module: "Node16", moduleResolution: "Node16", strict: true, outDir: "dist", rootDir: "src", types: ["node"] }, include: ["src"] }),
    );
    await sh(process.execPath, [path.join(project, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], project);
  });

  it("the compiled example runs against a live server, from the OS_* environment only", async () => {
    const client = await connect(live.options);
    const made = [await client.volumes.create({ size: 1, name: "packed-1" }), await client.volumes.create({ size: 1, name: "packed-2" })];
    for (const v of made) await client.volumes.waitFor(v, "available", QUICK);
    const env = { PATH: process.env.PATH ?? "", ...live.env };
    const out = await sh(process.execPath, ["dist/list-volumes.js", "1"], project, env);
    for (const v of made) assert.ok(out.includes(v.id));
    assert.match(out, /2 volumes in 2 pages/);
  });
});
