// One render function per panel: data from the API in, elements out. Actions are callbacks the
// caller passes, so this file does no I/O.
import { bar, fill, h, shortId, status, table, when } from "./dom.js";

const specs = (o) => Object.entries(o ?? {}).map(([k, v]) => `${k}=${v}`).join(", ");

/** Volumes, with extend / snapshot / delete on each row. `ui` remembers what the user typed or armed. */
export function renderVolumes(volumes, ui, act) {
  const columns = [
    { title: "Name", cell: (v) => v.name || "(no name)" },
    { title: "ID", cell: (v) => shortId(v.id) },
    { title: "Size (GiB)", num: true, cell: (v) => String(v.size) },
    { title: "Status", cell: (v) => status(v.status) },
    { title: "Type", cell: (v) => v.volume_type ?? "" },
    { title: "Actions", class: "actions", cell: (v) => volumeActions(v, ui, act) },
  ];
  fill("volumes", volumes.length ? table(columns, volumes, (v) => ({ dataset: { volumeId: v.id, name: v.name ?? "" } })) : null, "No volumes in this project.");
}

function volumeActions(v, ui, act) {
  const settled = v.status === "available" || v.status === "in-use";
  const size = h("input", { type: "number", min: v.size + 1, value: ui.extendTo.get(v.id) ?? v.size + 1, class: "extend-size", "aria-label": `new size of ${v.name || v.id}` });
  size.addEventListener("input", () => ui.extendTo.set(v.id, size.value));
  const armed = ui.armed.has(v.id);
  return h(
    "div",
    { class: "row-actions" },
    size,
    h("button", { type: "button", class: "secondary extend", disabled: !settled, onclick: () => act.extend(v, Number(size.value)) }, "Extend"),
    h("button", { type: "button", class: "secondary snapshot", disabled: !settled, onclick: () => act.snapshot(v) }, "Snapshot"),
    h("button", { type: "button", class: `danger delete${armed ? " armed" : ""}`, disabled: /ing$/.test(v.status), onclick: () => act.remove(v) }, armed ? "Confirm delete" : "Delete"),
  );
}

export function renderSnapshots(snapshots, volumes, ui, act) {
  const names = new Map(volumes.map((v) => [v.id, v.name || v.id]));
  const columns = [
    { title: "Name", cell: (s) => s.name || "(no name)" },
    { title: "ID", cell: (s) => shortId(s.id) },
    { title: "Volume", cell: (s) => names.get(s.volume_id) ?? shortId(s.volume_id) },
    { title: "Size (GiB)", num: true, cell: (s) => String(s.size) },
    { title: "Status", cell: (s) => status(s.status) },
    { title: "Created", cell: (s) => when(s.created_at) },
    {
      title: "Actions",
      class: "actions",
      cell: (s) => {
        const armed = ui.armed.has(s.id);
        return h("button", { type: "button", class: `danger delete${armed ? " armed" : ""}`, disabled: /ing$/.test(s.status), onclick: () => act.removeSnapshot(s) }, armed ? "Confirm delete" : "Delete");
      },
    },
  ];
  fill("snapshots", snapshots.length ? table(columns, snapshots, (s) => ({ dataset: { snapshotId: s.id, name: s.name ?? "" } })) : null, "No snapshots in this project.");
}

const QUOTA_ORDER = ["volumes", "gigabytes", "snapshots", "backups", "backup_gigabytes", "groups", "per_volume_gigabytes"];

export function renderQuotas(quotaSet) {
  const rows = QUOTA_ORDER.filter((k) => quotaSet[k] && typeof quotaSet[k] === "object").map((k) => ({ k, ...quotaSet[k] }));
  const limit = (n) => (n === -1 ? "unlimited" : String(n));
  const columns = [
    { title: "Resource", cell: (r) => r.k },
    { title: "In use", num: true, cell: (r) => String(r.in_use ?? 0) },
    { title: "Reserved", num: true, cell: (r) => String(r.reserved ?? 0) },
    { title: "Limit", num: true, cell: (r) => limit(r.limit) },
    { title: "", cell: (r) => (r.limit > 0 ? bar((r.in_use ?? 0) / r.limit) : "") },
  ];
  fill("quotas", table(columns, rows, (r) => ({ dataset: { resource: r.k } })));
}

export function renderTypes(types) {
  const columns = [
    { title: "Name", cell: (t) => t.name },
    { title: "Public", cell: (t) => (t.is_public === false ? "no" : "yes") },
    { title: "Extra specs", cell: (t) => specs(t.extra_specs) },
    { title: "Description", cell: (t) => t.description ?? "" },
  ];
  fill("types", types.length ? table(columns, types) : null, "No volume types.");
  const select = document.getElementById("create-type");
  const chosen = select.value;
  select.replaceChildren(h("option", { value: "" }, "(default type)"), ...types.map((t) => h("option", { value: t.name }, t.name)));
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
}

export function renderQos(list) {
  const columns = [
    { title: "Name", cell: (q) => q.name },
    { title: "Consumer", cell: (q) => q.consumer ?? "" },
    { title: "Specs", cell: (q) => specs(q.specs) },
  ];
  fill("qos", list.length ? table(columns, list) : null, "No QoS specs.");
}

export function renderMessages(messages) {
  const recent = [...messages].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at))).slice(0, 10);
  const columns = [
    { title: "When", cell: (m) => when(m.created_at) },
    { title: "Resource", cell: (m) => [m.resource_type ?? "", " ", m.resource_uuid ? shortId(m.resource_uuid) : ""] },
    { title: "Message", cell: (m) => m.user_message ?? "" },
  ];
  fill("messages", recent.length ? table(columns, recent) : null, "No messages.");
}

export function renderPools(pools) {
  const gb = (n) => (typeof n === "number" ? n.toFixed(n % 1 ? 1 : 0) : String(n ?? "?"));
  const columns = [
    { title: "Pool", cell: (p) => p.name },
    { title: "Total (GiB)", num: true, cell: (p) => gb(p.capabilities?.total_capacity_gb) },
    { title: "Free (GiB)", num: true, cell: (p) => gb(p.capabilities?.free_capacity_gb) },
    { title: "Allocated (GiB)", num: true, cell: (p) => gb(p.capabilities?.allocated_capacity_gb) },
    {
      title: "Used",
      cell: (p) => {
        const t = Number(p.capabilities?.total_capacity_gb);
        const f = Number(p.capabilities?.free_capacity_gb);
        return t > 0 && Number.isFinite(f) ? bar((t - f) / t) : "";
      },
    },
  ];
  fill("pools", pools.length ? table(columns, pools) : null, "No pools reported yet.");
}

export function renderServices(services) {
  const columns = [
    { title: "Binary", cell: (s) => s.binary },
    { title: "Host", cell: (s) => s.host },
    { title: "Zone", cell: (s) => s.zone ?? "" },
    { title: "Status", cell: (s) => status(s.status) },
    { title: "State", cell: (s) => status(s.state) },
    { title: "Updated", cell: (s) => when(s.updated_at) },
  ];
  fill("services", services.length ? table(columns, services, (s) => ({ dataset: { binary: s.binary, state: s.state } })) : null, "No services.");
}

const PROJECT_QUOTAS = [
  ["volumes", "Volumes"],
  ["gigabytes", "GiB"],
  ["snapshots", "Snapshots"],
  ["backups", "Backups"],
];

/** One resource of a project: "in use / limit" and, when limited, a bar. */
function usage(quota, k) {
  const q = quota?.[k];
  if (!q || typeof q !== "object") return h("span", { class: "usage", dataset: { resource: k } }, "?");
  const used = q.in_use ?? 0;
  return [
    h("span", { class: "usage", dataset: { resource: k } }, `${used} / ${q.limit === -1 ? "unlimited" : q.limit}`),
    q.limit > 0 ? bar(used / q.limit) : "",
  ];
}

/** Admin: each project's quota usage and limits (`rows`: `{ id, name, quota }`, the quota set with usage). */
export function renderProjects(rows) {
  const columns = [
    { title: "Project", cell: (r) => [r.name === r.id ? "" : r.name, " ", shortId(r.id)] },
    ...PROJECT_QUOTAS.map(([k, title]) => ({ title, class: "quota", cell: (r) => usage(r.quota, k) })),
  ];
  fill("projects", rows.length ? table(columns, rows, (r) => ({ dataset: { project: r.id } })) : null, "No projects.");
}

/** Admin: the project switcher's choices, `current` selected; the token's own project is marked. */
export function renderProjectSwitch(rows, current, own) {
  const select = document.getElementById("project-switch");
  select.replaceChildren(...rows.map((r) => h("option", { value: r.id, selected: r.id === current }, r.id === own ? `${r.name} (yours)` : r.name)));
  select.value = current;
}
