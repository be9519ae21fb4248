/**
 * Named microversions: the generated table is the spec's (`x-microversion-name` beside every
 * `x-min-version`), and every `MV.<NAME>` that the server, the SDK and the provider use is in it,
 * with the spec's version.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { MAX_VERSION, MICROVERSIONS, MIN_VERSION } from "@cinderblock/openapi";
import * as server from "../../server/src/contract/microversion";
import * as sdk from "../../sdk/src/microversions";

const ROOT = path.resolve(__dirname, "../..");
const spec = JSON.parse(readFileSync(path.join(ROOT, "openapi/dist/cinder-v3.json"), "utf8"));

/** name → version, read straight from the bundled spec. */
function namesInSpec(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}[${i}]`));
    if (!node || typeof node !== "object") return;
    const o = node as Record<string, unknown>;
    if (typeof o["x-min-version"] === "string") {
      const name = o["x-microversion-name"];
      assert.equal(typeof name, "string", `${at} has x-min-version ${o["x-min-version"]} but no x-microversion-name`);
      assert.ok(out[name as string] === undefined || out[name as string] === o["x-min-version"], `${name} has two versions`);
      out[name as string] = o["x-min-version"] as string;
    }
    for (const [k, v] of Object.entries(o)) walk(v, `${at}/${k}`);
  };
  walk(spec, "#");
  return out;
}

/** Every `MV.NAME` in the hand-written sources of a package, with the files that use it. */
function usedNames(dir: string): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const visit = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== "generated" && e.name !== "node_modules") visit(p);
      } else if (e.name.endsWith(".ts")) {
        for (const m of readFileSync(p, "utf8").matchAll(/\bMV\.([A-Z][A-Z0-9_]*)/g)) {
          used.set(m[1], [...(used.get(m[1]) ?? []), path.relative(ROOT, p)]);
        }
      }
    }
  };
  visit(path.join(ROOT, dir));
  return used;
}

describe("microversion names come from the spec", () => {
  const fromSpec = namesInSpec();

  it("the generated table is the spec's names, and its range is the spec's info", () => {
    assert.deepEqual({ ...MICROVERSIONS }, fromSpec);
    assert.equal(MIN_VERSION, spec.info["x-min-version"]);
    assert.equal(MAX_VERSION, spec.info.version);
    assert.equal(new Set(Object.values(fromSpec)).size, Object.keys(fromSpec).length, "one name per version");
  });

  it("the server and the SDK take their MV and range from it", () => {
    for (const [name, version] of Object.entries(fromSpec)) {
      assert.equal(server.MV[name as keyof typeof server.MV], server.parseVersion(version), `server MV.${name}`);
      assert.equal(sdk.MV[name as keyof typeof sdk.MV], version, `sdk MV.${name}`);
    }
    assert.deepEqual(Object.keys(server.MV).sort(), Object.keys(fromSpec).sort());
    assert.equal(server.MIN_VERSION, spec.info["x-min-version"]);
    assert.equal(server.MAX_VERSION, spec.info.version);
    assert.equal(sdk.MIN_VERSION, spec.info["x-min-version"]);
    assert.equal(sdk.MAX_VERSION, spec.info.version);
  });

  for (const dir of ["server/src", "sdk/src", "provider/src"]) {
    it(`every MV.* used in ${dir} is named in the spec`, () => {
      const used = usedNames(dir);
      assert.ok(used.size > 0, `no MV.* found in ${dir}`);
      const unknown = [...used].filter(([name]) => !(name in fromSpec)).map(([name, files]) => `${name} (${files.join(", ")})`);
      assert.deepEqual(unknown, [], "add an x-min-version with this x-microversion-name to openapi/src");
    });
  }
});
