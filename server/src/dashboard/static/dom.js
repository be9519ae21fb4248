// Building the page's elements. Text always goes in as a text node, never as markup, so nothing a
// user or the API wrote (names, descriptions, messages) can become HTML.

/** An element: `h("td", { class: "num", dataset: { id } }, "text", child)`. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** A table with a header row; each column is `{ title, cell(row) -> Node | string, num? }`. */
export function table(columns, rows, rowAttrs = () => ({})) {
  return h(
    "table",
    {},
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { class: c.num ? "num" : undefined }, c.title)))),
    h("tbody", {}, rows.map((r) => h("tr", rowAttrs(r), columns.map((c) => h("td", { class: c.class ?? (c.num ? "num" : undefined) }, c.cell(r)))))),
  );
}

/** Replace the contents of `#id` with `node`, or with a "none" line when `empty`. */
export function fill(id, node, empty = "None.") {
  const box = document.getElementById(id);
  box.replaceChildren(node ?? h("p", { class: "empty" }, empty));
}

const OK = new Set(["available", "in-use", "up", "enabled"]);

/** A status pill, coloured: settled, in progress (…ing), or failed (error…, down). */
export function status(s) {
  const text = String(s ?? "unknown");
  const kind = OK.has(text) ? "ok" : /^error|down|disabled/.test(text) ? "bad" : /ing$/.test(text) ? "busy" : "";
  return h("span", { class: `status ${kind}`.trim() }, text);
}

/** A capacity bar whose width is set through the CSSOM (the CSP allows no inline style markup). */
export function bar(fraction) {
  const fill = h("span");
  fill.style.width = `${Math.max(0, Math.min(1, fraction)) * 100}%`;
  return h("div", { class: "bar", title: `${Math.round(fraction * 100)}% used` }, fill);
}

export const shortId = (id) => h("code", { title: id }, String(id ?? "").slice(0, 8));

export function when(iso) {
  if (!iso) return "";
  const d = new Date(iso.endsWith("Z") || /[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(d.getTime()) ? iso : h("time", { datetime: d.toISOString() }, d.toISOString().replace("T", " ").slice(0, 19));
}
