/** Reading a Prometheus text exposition in tests (the /metrics suites). */
import assert from "node:assert/strict";

/** The samples of a Prometheus text exposition: `name{labels}` → value (labels as written). */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{.*\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    out.set(m[1] + (m[2] ?? ""), Number(m[3]));
  }
  return out;
}

/** The sample of `name` with exactly these labels (any order), 0 when absent. */
export function metricValue(samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort();
  for (const [key, v] of samples) {
    const m = /^([^{]+)(?:\{(.*)\})?$/.exec(key)!;
    if (m[1] !== name) continue;
    const have = (m[2] ? m[2].match(/\w+="(?:[^"\\]|\\.)*"/g) ?? [] : []).sort();
    if (have.length === want.length && have.every((h, i) => h === want[i])) return v;
  }
  return 0;
}
