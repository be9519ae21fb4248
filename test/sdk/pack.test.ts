/**
 * The packages as users get them: `npm pack` of openapi/ (the spec types and microversions the SDK
 * depends on), sdk/ (`@cinderblock/sdk`) and provider/ (`@cinderblock/pulumi`: the program SDK and
 * the `pulumi-resource-cinder` plugin), installed into a fresh project under the OS temp dir. There
 * a program for each package compiles with the current TypeScript (strict, Node16 resolution,
 * without skipLibCheck), and with the TypeScript that Pulumi's Node language host falls back to when
 * a project has none (the `vendor/typescript@<version>` the installed @pulumi/pulumi ships, installed
 * from npm) the way that host compiles through ts-node: the Pulumi template's tsconfig, diagnostics
 * of the program's own files — plus every declaration file of @cinderblock/pulumi checked in full.
 * Each compiled output then runs: the SDK example against a live server, the Pulumi program under
 * the provider's test engine (test/provider/fixtures/pack-engine.js) with the installed plugin.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { connect, type CinderClient } from "../../sdk/src";
import { liveServer, QUICK, type LiveServer } from "./helpers";

const exec = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const INSTALL = ["--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"];

async function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    return (await exec(cmd, args, { cwd, env, timeout: 300_000, maxBuffer: 32 * 1024 * 1024 })).stdout;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} failed: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`);
  }
}

/**
 * Compiles a project as ts-node does for Pulumi's language host: the tsconfig's files, with the
 * options' diagnostics and each own file's syntactic and semantic ones; files under argv[4] (a
 * package's directory) are checked in full too. Emits, prints the compiler's version.
 */
const COMPILE_JS = `"use strict";
const path = require("path");
const [ts, config, also] = [require(process.argv[2]), process.argv[3], process.argv[4]];
const dir = path.dirname(path.resolve(config));
const read = ts.readConfigFile(config, ts.sys.readFile);
const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dir);
const program = ts.createProgram(parsed.fileNames, parsed.options);
const checked = program.getSourceFiles().filter((f) =>
  (!f.isDeclarationFile && !f.fileName.includes("/node_modules/")) || (also && f.fileName.startsWith(also)));
const diags = [...parsed.errors, ...program.getOptionsDiagnostics()];
for (const f of checked) diags.push(...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f));
const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => dir, getNewLine: () => "\\n" };
if (diags.length) { process.stderr.write(ts.formatDiagnostics(diags, host)); process.exit(1); }
program.emit();
console.log(JSON.stringify({ version: ts.version, checked: checked.map((f) => path.relative(dir, f.fileName)) }));
`;

/** A Pulumi program over the program SDK: a volume type, a volume of it, an invoke. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as cinder from "@cinderblock/pulumi";

const suffix = process.env.PACK_SUFFIX || "x";
const gold = new cinder.VolumeType("gold", { name: "packed-gold-" + suffix, extraSpecs: { "x:tier": "gold" } });
const data = new cinder.Volume("data", { size: 1, name: "packed-data-" + suffix, volumeType: gold.name, metadata: { by: "pulumi" } });
export const typeName: pulumi.Output<string> = gold.name;
export const volumeId: pulumi.Output<string> = data.id;
export const size: pulumi.Output<number> = data.size;
export const status: pulumi.Output<string> = data.status;
export const zones: pulumi.Output<string[]> = cinder.getAvailabilityZonesOutput({}).names;
`;

describe("packages: npm pack, install in a fresh project, compile with two TypeScripts, run", function () {
  this.timeout(900_000);
  let dir: string;
  let project: string;
  let live: LiveServer;
  let admin: CinderClient;
  let fallbackTs: string;
  const tarballs: string[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "cinderblock-pack-"));
    project = path.join(dir, "app");
    live = await liveServer("builtin");
    admin = await connect(live.options);
  });
  after(async () => {
    await live?.s.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it("packs dist, bin, README and LICENSE; no sources, tests or build info", async () => {
    const out = await sh(NPM, ["pack", "-w", "openapi", "-w", "sdk", "-w", "provider", "--pack-destination", dir, "--json"], ROOT);
    type Info = { name: string; filename: string; files: Array<{ path: string }> };
    const infos = JSON.parse(out.slice(out.indexOf("["))) as Info[];
    const filesOf = (name: string) => {
      const info = infos.find((i) => i.name === name);
      assert.ok(info, `${name} packed`);
      tarballs.push(path.join(dir, path.basename(info.filename)));
      return info.files.map((f) => f.path);
    };
    const sdk = filesOf("@cinderblock/sdk");
    for (const f of ["package.json", "README.md", "LICENSE", "dist/index.js", "dist/index.d.ts", "dist/microversions.d.ts", "dist/resources/volumes.d.ts"]) {
      assert.ok(sdk.includes(f), `${f} in the SDK tarball`);
    }
    assert.deepEqual(sdk.filter((f) => !f.startsWith("dist/") && !["package.json", "README.md", "LICENSE"].includes(f)), []);
    const spec = filesOf("@cinderblock/openapi");
    for (const f of ["package.json", "lib/index.js", "lib/index.d.ts", "lib/generated/openapi.d.ts", "lib/generated/microversions.js", "dist/cinder-v3.json"]) {
      assert.ok(spec.includes(f), `${f} in the openapi tarball`);
    }
    assert.deepEqual(spec.filter((f) => !/^(lib|dist|src)\//.test(f) && !["package.json", "README.md"].includes(f)), []);
    const pulumi = filesOf("@cinderblock/pulumi");
    for (const f of ["package.json", "README.md", "LICENSE", "schema.json", "bin/pulumi-resource-cinder", "dist/main.js", "dist/server.js", "dist/sdk/index.js", "dist/sdk/index.d.ts", "dist/sdk/admin.d.ts"]) {
      assert.ok(pulumi.includes(f), `${f} in the @cinderblock/pulumi tarball`);
    }
    assert.deepEqual(pulumi.filter((f) => !/^(dist|bin)\//.test(f) && !["package.json", "README.md", "LICENSE", "schema.json"].includes(f)), []);
    assert.deepEqual([...sdk, ...spec, ...pulumi].filter((f) => f.endsWith(".tsbuildinfo") || f.endsWith(".ts") && !f.endsWith(".d.ts")), []);
  });

  it("installs the tarballs, TypeScript 5.9 and the TypeScript @pulumi/pulumi falls back to", async () => {
    assert.equal(tarballs.length, 3, "packed");
    await mkdir(path.join(project, "src"), { recursive: true });
    await writeFile(path.join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }, null, 2));
    await sh(NPM, ["install", ...tarballs, "typescript@5.9", "@types/node@20", ...INSTALL], project);
    const installed = JSON.parse(await readFile(path.join(project, "node_modules/@cinderblock/pulumi/package.json"), "utf8"));
    assert.equal(installed.main, "dist/sdk/index.js");
    assert.deepEqual(installed.exports["."], { types: "./dist/sdk/index.d.ts", default: "./dist/sdk/index.js" });
    // The language host's fallback compiler: the version @pulumi/pulumi vendors, from npm.
    const vendored = (await readdir(path.join(project, "node_modules/@pulumi/pulumi/vendor"))).find((d) => d.startsWith("typescript@"));
    assert.ok(vendored, "@pulumi/pulumi vendors a TypeScript");
    const fallback = path.join(dir, "fallback-ts");
    await mkdir(fallback);
    await writeFile(path.join(fallback, "package.json"), JSON.stringify({ name: "fallback-ts", version: "1.0.0", private: true }));
    await sh(NPM, ["install", vendored, ...INSTALL], fallback);
    fallbackTs = path.join(fallback, "node_modules/typescript");
  });

  it("compiles the SDK example and the Pulumi program with TypeScript 5.9 (and rejects wrong usages)", async () => {
    assert.ok(fallbackTs, "installed");
    await copyFile(path.join(ROOT, "examples/sdk/list-volumes.ts"), path.join(project, "src/list-volumes.ts"));
    await writeFile(path.join(project, "src/index.ts"), PROGRAM);
    await writeFile(
      path.join(project, "src/wrong.ts"),
      [
        'import { connect } from "@cinderblock/sdk";',
        'import * as cinder from "@cinderblock/pulumi";',
        "export async function wrong(): Promise<void> {",
        "  const client = await connect();",
        "  // @ts-expect-error -- size is a number",
        "  await client.volumes.create({ size: true });",
        "  // @ts-expect-error -- not a volume field",
        "  (await client.volumes.get('x')).sizee;",
        "  // @ts-expect-error -- size is a number",
        '  new cinder.Volume("v", { size: "1" });',
        "  // @ts-expect-error -- no such consumer",
        '  new cinder.QosSpec("q", { consumer: "middle" });',
        "}",
      ].join("\n"),
    );
    await writeFile(
      path.join(project, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { target: "ES2022", module: "Node16", moduleResolution: "Node16", strict: true, outDir: "dist", rootDir: "src", types: ["node"] }, include: ["src"] }),
    );
    await sh(process.execPath, [path.join(project, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], project);
  });

  it("compiles both with the fallback TypeScript as the language host does; @cinderblock/pulumi's declarations check in full", async () => {
    assert.ok(fallbackTs, "installed");
    await writeFile(path.join(project, "compile.js"), COMPILE_JS);
    // Pulumi's `typescript` template tsconfig, with the two programs.
    const template = {
      compilerOptions: {
        strict: true, outDir: "bin", target: "es2020", module: "commonjs", moduleResolution: "node", sourceMap: true,
        experimentalDecorators: true, pretty: false, noFallthroughCasesInSwitch: true, noImplicitReturns: true, forceConsistentCasingInFileNames: true,
      },
      files: ["src/index.ts", "src/list-volumes.ts"],
    };
    await writeFile(path.join(project, "tsconfig.pulumi.json"), JSON.stringify(template));
    const pkg = path.join(project, "node_modules/@cinderblock/pulumi") + path.sep;
    const out = JSON.parse(await sh(process.execPath, ["compile.js", fallbackTs, "tsconfig.pulumi.json", pkg], project)) as { version: string; checked: string[] };
    assert.match(out.version, /^3\./);
    assert.ok(out.checked.includes("node_modules/@cinderblock/pulumi/dist/sdk/admin.d.ts"), out.checked.join(" "));
    assert.ok(out.checked.includes("src/index.ts"));
  });

  it("each compiled SDK example runs against a live server, from the OS_* environment only", async () => {
    const made = [await admin.volumes.create({ size: 1, name: "packed-1" }), await admin.volumes.create({ size: 1, name: "packed-2" })];
    for (const v of made) await admin.volumes.waitFor(v, "available", QUICK);
    const env = { PATH: process.env.PATH ?? "", ...live.env };
    for (const out of ["dist", "bin"]) {
      const printed = await sh(process.execPath, [`${out}/list-volumes.js`, "1"], project, env);
      for (const v of made) assert.ok(printed.includes(v.id), `${out}: ${v.id}`);
      assert.match(printed, /2 volumes in 2 pages/);
    }
    for (const v of made) await admin.volumes.delete(v.id);
  });

  it("each compiled Pulumi program runs under the test engine with the installed plugin: creates, then destroys", async () => {
    await copyFile(path.join(ROOT, "test/provider/fixtures/pack-engine.js"), path.join(project, "engine.js"));
    for (const out of ["dist", "bin"]) {
      const env = { PATH: process.env.PATH ?? "", ...live.env, PACK_SUFFIX: out };
      const result = JSON.parse(await sh(process.execPath, ["engine.js", `${out}/index.js`], project, env)) as {
        log: string[];
        outputs: Record<string, any>;
      };
      assert.deepEqual(result.log, [
        "create cinder:index:VolumeType gold",
        "create cinder:index:Volume data",
        "delete cinder:index:Volume data",
        "delete cinder:index:VolumeType gold",
      ]);
      assert.equal(result.outputs.typeName, `packed-gold-${out}`);
      assert.equal(result.outputs.size, 1);
      assert.equal(result.outputs.status, "available");
      assert.ok(Array.isArray(result.outputs.zones) && result.outputs.zones.length > 0, JSON.stringify(result.outputs.zones));
      await assert.rejects(admin.volumes.get(result.outputs.volumeId), (e: { status?: number }) => e.status === 404);
      const types = [];
      for await (const t of admin.volumeTypes.list()) types.push(t.name);
      assert.ok(!types.includes(`packed-gold-${out}`), "the type is gone");
    }
  });
});
