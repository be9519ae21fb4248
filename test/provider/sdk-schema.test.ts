/**
 * The hand-written program SDK (provider/src/sdk) against provider/schema.json, property by
 * property, as an SDK generated from the schema would be: every resource has a class with its
 * token; every schema property is a `pulumi.Output` on it, optional (`| undefined`) exactly when it
 * is not in the schema's output `required`; every input is in `<Class>Args`, optional exactly when
 * it is not in `requiredInputs`. Read with the TypeScript compiler API, not by running the code.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "../../provider");
const schema = JSON.parse(readFileSync(path.join(ROOT, "schema.json"), "utf8"));

interface Member {
  optional: boolean;
}
interface ClassInfo {
  name: string;
  token: string;
  outputs: Record<string, Member>;
}

function readSdk() {
  const classes: ClassInfo[] = [];
  const interfaces: Record<string, Record<string, Member>> = {};
  const dir = path.join(ROOT, "src/sdk");
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".ts"))) {
    const src = ts.createSourceFile(f, readFileSync(path.join(dir, f), "utf8"), ts.ScriptTarget.Latest, true);
    for (const st of src.statements) {
      if (ts.isInterfaceDeclaration(st)) {
        const members: Record<string, Member> = {};
        for (const m of st.members) if (ts.isPropertySignature(m)) members[m.name.getText(src)] = { optional: !!m.questionToken };
        interfaces[st.name.text] = members;
      }
      if (ts.isClassDeclaration(st) && st.name) {
        let token = "";
        const outputs: Record<string, Member> = {};
        for (const m of st.members) {
          if (!ts.isPropertyDeclaration(m)) continue;
          const name = m.name.getText(src);
          if (name === "__pulumiType" && m.initializer && ts.isStringLiteral(m.initializer)) token = m.initializer.text;
          const type = m.type?.getText(src) ?? "";
          const out = /^pulumi\.Output<(.*)>$/s.exec(type);
          if (out) outputs[name] = { optional: /\|\s*undefined\s*$/.test(out[1]) };
        }
        if (token.startsWith("cinder:index:")) classes.push({ name: st.name.text, token, outputs });
      }
    }
  }
  return { classes, interfaces };
}

describe("program SDK vs schema.json", () => {
  const { classes, interfaces } = readSdk();
  const byToken = Object.fromEntries(classes.map((c) => [c.token, c]));

  it("every resource in the schema has an SDK class with its token, and no class is extra", () => {
    assert.deepEqual(Object.keys(byToken).sort(), Object.keys(schema.resources).sort());
  });

  for (const [token, res] of Object.entries<any>(schema.resources)) {
    it(`${token}: outputs and their optionality, inputs and theirs`, () => {
      const cls = byToken[token];
      assert.ok(cls, `no SDK class for ${token}`);
      const required = new Set<string>(res.required ?? []);
      const want = Object.fromEntries(Object.keys(res.properties).map((k) => [k, { optional: !required.has(k) }]));
      assert.deepEqual(cls.outputs, want, `${cls.name}: outputs (optional = not in the schema's required)`);
      const args = interfaces[`${cls.name}Args`];
      assert.ok(args, `no ${cls.name}Args interface`);
      const reqIn = new Set<string>(res.requiredInputs ?? []);
      const wantIn = Object.fromEntries(Object.keys(res.inputProperties ?? {}).map((k) => [k, { optional: !reqIn.has(k) }]));
      assert.deepEqual(args, wantIn, `${cls.name}Args`);
    });
  }
});
