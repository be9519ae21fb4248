/**
 * The type test: test/sdk/types/usage.ts must compile, and each `@ts-expect-error` in it must mark
 * a real error of its own — checked by compiling the file again with the directives removed and
 * finding an error on every line that followed one (and nowhere else).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "../..");
const USAGE = path.join(__dirname, "types/usage.ts");

function compile(source: string): ts.Diagnostic[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  assert.ok(parsed, "tsconfig.json");
  const host = ts.createCompilerHost(parsed.options);
  const read = host.readFile;
  host.readFile = (f) => (path.resolve(f) === USAGE ? source : read(f));
  const program = ts.createProgram([USAGE], { ...parsed.options, noEmit: true }, host);
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file && path.resolve(d.file.fileName) === USAGE);
}

const lineOf = (d: ts.Diagnostic) => d.file!.getLineAndCharacterOfPosition(d.start!).line;
const text = (d: ts.Diagnostic) => ts.flattenDiagnosticMessageText(d.messageText, "\n");

describe("sdk: types", function () {
  this.timeout(120_000);
  const source = readFileSync(USAGE, "utf8");
  const lines = source.split("\n");
  const expected = lines.flatMap((l, i) => (l.trim().startsWith("// @ts-expect-error") ? [i + 1] : []));

  it("the usages compile, and wrong field names and types are flagged", () => {
    assert.ok(expected.length >= 20, `only ${expected.length} @ts-expect-error lines`);
    const diags = compile(source);
    assert.deepEqual(diags.map((d) => `${lineOf(d) + 1}: ${text(d)}`), []);
  });

  it("every @ts-expect-error marks an error of its own", () => {
    const stripped = lines.map((l) => (l.trim().startsWith("// @ts-expect-error") ? "" : l)).join("\n");
    const errorLines = new Set(compile(stripped).map(lineOf));
    const unflagged = expected.filter((l) => !errorLines.has(l)).map((l) => `${l + 1}: ${lines[l].trim()}`);
    assert.deepEqual(unflagged, [], "lines that compile although a mistake is expected");
    const stray = [...errorLines].filter((l) => !expected.includes(l)).map((l) => `${l + 1}: ${lines[l].trim()}`);
    assert.deepEqual(stray, [], "errors outside the expected lines");
  });
});
