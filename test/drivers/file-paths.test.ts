/** The file driver's pure naming functions. */
import assert from "node:assert/strict";
import {
  assertValidId,
  fileName,
  parseFileName,
  TEMP_RE,
  tempPath,
  tempPrefix,
} from "../../server/src/drivers/file/paths";

const ID = "0f5c0e3e-3b7a-4c1e-9d3a-2b2f1a6e9c10";

describe("file driver names", () => {
  it("uses Cinder's volume-%s and snapshot-%s templates", () => {
    assert.equal(fileName("volume", ID), `volume-${ID}`);
    assert.equal(fileName("snapshot", ID), `snapshot-${ID}`);
  });

  it("parses final names back, and nothing else", () => {
    assert.deepEqual(parseFileName(`volume-${ID}`), { kind: "volume", id: ID });
    assert.deepEqual(parseFileName(`snapshot-${ID}`), { kind: "snapshot", id: ID });
    for (const name of [`.volume-${ID}.tmp-ab12`, "volume-", "volume-..", "volumes", "backup-1", "lost+found"]) {
      assert.equal(parseFileName(name), null, name);
    }
  });

  it("temporary names are dot-files matched by TEMP_RE and by the id's prefix only", () => {
    const tmp = tempPath("/d", "volume", ID, "ab12");
    assert.equal(tmp, `/d/.volume-${ID}.tmp-ab12`);
    assert.ok(TEMP_RE.test(`.volume-${ID}.tmp-ab12`));
    assert.ok(TEMP_RE.test(`.snapshot-${ID}.tmp-x`));
    assert.ok(!TEMP_RE.test(`volume-${ID}`));
    assert.ok(!TEMP_RE.test(".bashrc"));
    assert.ok(!`.volume-${ID}0.tmp-ab12`.startsWith(tempPrefix("volume", ID)));
  });

  it("accepts UUIDs and plain tokens, refuses anything path-like", () => {
    for (const ok of [ID, "vol1", "A_b-c.d"]) assert.doesNotThrow(() => assertValidId(ok, "volume"));
    for (const bad of ["..", "../x", "a/b", ".x", "", "a b", "a..b", 42, null, "x".repeat(256)]) {
      assert.throws(() => assertValidId(bad, "volume"), /Invalid volume id/, String(bad));
    }
  });
});
