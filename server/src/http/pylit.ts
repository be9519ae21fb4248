/**
 * Cinder's list filters take dicts written as Python literals (`metadata={'k':'v'}`, parsed there
 * with ast.literal_eval). This reads the flat string-to-string dicts those filters use.
 */
export function parseFlatDict(text: string): Record<string, string> | undefined {
  const s = text.trim();
  if (!s.startsWith("{") || !s.endsWith("}")) return undefined;
  const out: Record<string, string> = {};
  let i = 1;
  const ws = () => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  const str = (): string | undefined => {
    ws();
    const q = s[i];
    if (q !== "'" && q !== '"') {
      // Numbers and booleans are accepted as their text.
      const m = /^(-?\d+(\.\d+)?|True|False|None)/.exec(s.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return m[0];
    }
    let v = "";
    for (i++; i < s.length && s[i] !== q; i++) {
      if (s[i] === "\\" && i + 1 < s.length) i++;
      v += s[i];
    }
    if (s[i] !== q) return undefined;
    i++;
    return v;
  };
  ws();
  if (s[i] === "}") return out;
  for (;;) {
    const k = str();
    ws();
    if (k === undefined || s[i] !== ":") return undefined;
    i++;
    const v = str();
    if (v === undefined) return undefined;
    out[k] = v;
    ws();
    if (s[i] === ",") {
      i++;
      continue;
    }
    if (s[i] === "}" && i === s.length - 1) return out;
    return undefined;
  }
}
