// The dashboard: log in (password or token), then load every panel from the API, refresh while
// anything is in progress, and run the volume actions through the same public API.
import { ApiError, cinder, clearSession, loadSession, login, projectNames, saveSession, useToken } from "./api.js";
import { fill } from "./dom.js";
import { renderMessages, renderPools, renderProjects, renderProjectSwitch, renderQos, renderQuotas, renderServices, renderSnapshots, renderTypes, renderVolumes } from "./panels.js";

const $ = (id) => document.getElementById(id);
/** Refresh every second while a volume or snapshot is changing, else every ten. */
const BUSY_MS = 1000;
const IDLE_MS = 10000;
/** At most this many projects get a row (and a quota request) in the admin's usage panel. */
const MAX_PROJECTS = 50;

let session = null;
let timer = null;
let generation = 0;
const ui = { extendTo: new Map(), armed: new Set() };
const last = new Map();
let data = { volumes: [], snapshots: [] };
/** The project an admin chose to look at; null: the token's own. */
let view = null;

const viewing = () => view ?? session.projectId;
const elsewhere = () => view !== null && view !== session.projectId;
/** A list of the viewed project: an admin lists another project with all_tenants and project_id. */
const scoped = (path) => (elsewhere() ? `${path}?all_tenants=1&project_id=${encodeURIComponent(view)}` : path);

/** New volumes go to the token's project: the form is offered only while viewing it. */
function showCreate() {
  $("create-form").hidden = elsewhere();
  const note = $("create-elsewhere");
  note.hidden = !elsewhere();
  note.textContent = elsewhere() ? `New volumes go to your token's project (${session.projectName}): view it to create one.` : "";
}

function notice(text, error = false) {
  const n = $("notice");
  n.textContent = text;
  n.className = error ? "error" : "";
  n.hidden = !text;
}

function showLogin(message) {
  session = null;
  clearTimeout(timer);
  generation += 1;
  last.clear();
  view = null;
  $("project-switch-box").hidden = true;
  $("app-view").hidden = true;
  $("who").hidden = $("logout").hidden = true;
  $("login-view").hidden = false;
  const err = $("login-error");
  err.textContent = message ?? "";
  err.hidden = !message;
}

function showApp(s) {
  session = s;
  saveSession(s);
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  $("who").textContent = `${s.user || "token"} · project ${s.projectName}`;
  $("who").hidden = $("logout").hidden = false;
  view = null;
  showCreate();
  void refresh();
}

/** Render a panel only when its data changed, so typing in a row is not lost on every poll. */
function changed(key, value) {
  const json = JSON.stringify(value);
  if (last.get(key) === json) return false;
  last.set(key, json);
  return true;
}

/** One panel's data; a 403 hides the panel (the user may not see it), other faults show. */
async function panel(mine, panelId, path, pick, render) {
  try {
    const value = pick(await cinder(session, "GET", path));
    // A refresh overtaken by a newer one (another project chosen meanwhile) renders nothing.
    if (mine !== generation) return value;
    $(panelId).hidden = false;
    if (changed(panelId, value)) render(value);
    return value;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) throw e;
    if (e instanceof ApiError && e.status === 403) $(panelId).hidden = true;
    else notice(`Could not load ${panelId.replace("-panel", "")}: ${e.message}`, true);
    return undefined;
  }
}

function renderVolumeTables() {
  renderVolumes(data.volumes, ui, actions);
  renderSnapshots(data.snapshots, data.volumes, ui, actions);
}

async function refresh() {
  clearTimeout(timer);
  const mine = ++generation;
  if (!session) return;
  try {
    const [volumes, snapshots] = await Promise.all([
      panel(mine, "volumes-panel", scoped("/volumes/detail"), (d) => d.volumes, () => {}),
      panel(mine, "snapshots-panel", scoped("/snapshots/detail"), (d) => d.snapshots, () => {}),
      panel(mine, "types-panel", "/types", (d) => d.volume_types, renderTypes),
      panel(mine, "qos-panel", "/qos-specs", (d) => d.qos_specs, renderQos),
      panel(mine, "quotas-panel", `/os-quota-sets/${encodeURIComponent(viewing())}?usage=True`, (d) => d.quota_set, renderQuotas),
      panel(mine, "messages-panel", "/messages", (d) => d.messages, renderMessages),
      panel(mine, "services-panel", "/os-services", (d) => d.services, renderServices),
    ]);
    if (mine !== generation) return;
    data = { volumes: volumes ?? data.volumes, snapshots: snapshots ?? data.snapshots };
    if (changed("volume-tables", [data, [...ui.armed]])) renderVolumeTables();
    const pools = await panel(mine, "pools-panel", "/scheduler-stats/get_pools?detail=True", (d) => d.pools, renderPools);
    if (mine !== generation) return;
    if (pools) await adminViews(mine);
    else {
      $("projects-panel").hidden = true;
      $("project-switch-box").hidden = true;
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return showLogin("Your token has expired or was revoked: log in again.");
    notice(e.message, true);
  }
  if (mine !== generation || !session) return;
  // How many refreshes have completed: a page (or a test) can tell a view is settled.
  $("app-view").dataset.refreshes = String(Number($("app-view").dataset.refreshes ?? 0) + 1);
  const busy = [...data.volumes, ...data.snapshots].some((x) => /ing$/.test(x.status));
  timer = setTimeout(refresh, busy ? BUSY_MS : IDLE_MS);
}

/**
 * An admin's views of every project: the projects the built-in identity lists (when it serves
 * this token) and those holding volumes or snapshots, each with its quota usage and limits, and
 * the switcher that picks the project the other panels show.
 */
async function adminViews(mine) {
  const [all, allSnaps, names] = await Promise.all([
    cinder(session, "GET", "/volumes/detail?all_tenants=1"),
    cinder(session, "GET", "/snapshots/detail?all_tenants=1"),
    projectNames(session),
  ]);
  const ids = new Set([session.projectId, ...Object.keys(names)]);
  if (view) ids.add(view);
  for (const v of all.volumes) if (v["os-vol-tenant-attr:tenant_id"]) ids.add(v["os-vol-tenant-attr:tenant_id"]);
  for (const s of allSnaps.snapshots) if (s["os-extended-snapshot-attributes:project_id"]) ids.add(s["os-extended-snapshot-attributes:project_id"]);
  const label = (id) => names[id] ?? (id === session.projectId ? session.projectName : id);
  const projects = [...ids].sort((a, b) => label(a).localeCompare(label(b)) || a.localeCompare(b)).slice(0, MAX_PROJECTS);
  if (!projects.includes(viewing())) projects.push(viewing());
  const quotas = await Promise.all(
    projects.map((id) =>
      cinder(session, "GET", `/os-quota-sets/${encodeURIComponent(id)}?usage=True`).then(
        (d) => d.quota_set,
        (e) => {
          if (e instanceof ApiError && e.status === 401) throw e;
          return null;
        },
      ),
    ),
  );
  if (mine !== generation) return;
  const rows = projects.map((id, i) => ({ id, name: label(id), quota: quotas[i] }));
  $("projects-panel").hidden = false;
  if (changed("projects", rows)) renderProjects(rows);
  if (changed("project-switch", [rows.map((r) => [r.id, r.name]), viewing()])) renderProjectSwitch(rows, viewing(), session.projectId);
  $("project-switch-box").hidden = false;
}

/** Run one action, show its outcome (the API's own message on failure), refresh. */
async function act(label, fn) {
  try {
    await fn();
    notice(label);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return showLogin("Your token has expired or was revoked: log in again.");
    notice(e.message, true);
  }
  await refresh();
}

/** The first click on Delete arms it for five seconds; the second deletes. */
function armOrRun(id, run) {
  if (!ui.armed.has(id)) {
    ui.armed.add(id);
    renderVolumeTables();
    setTimeout(() => {
      if (ui.armed.delete(id)) renderVolumeTables();
    }, 5000);
    return;
  }
  ui.armed.delete(id);
  void run();
}

const stamp = () => new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);

const actions = {
  extend: (v, size) =>
    act(`Extending ${v.name || v.id} to ${size} GiB.`, async () => {
      ui.extendTo.delete(v.id);
      await cinder(session, "POST", `/volumes/${encodeURIComponent(v.id)}/action`, { "os-extend": { new_size: size } });
    }),
  snapshot: (v) =>
    act(`Taking a snapshot of ${v.name || v.id}.`, () => cinder(session, "POST", "/snapshots", { snapshot: { volume_id: v.id, name: `${v.name || v.id.slice(0, 8)}-${stamp()}` } })),
  remove: (v) => armOrRun(v.id, () => act(`Deleting ${v.name || v.id}.`, () => cinder(session, "DELETE", `/volumes/${encodeURIComponent(v.id)}`))),
  removeSnapshot: (s) => armOrRun(s.id, () => act(`Deleting snapshot ${s.name || s.id}.`, () => cinder(session, "DELETE", `/snapshots/${encodeURIComponent(s.id)}`))),
};

async function submitting(form, fn) {
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    await fn(new FormData(form));
  } finally {
    button.disabled = false;
  }
}

$("login-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  void submitting(ev.target, async (f) => {
    try {
      showApp(await login({ user: f.get("user"), password: f.get("password"), project: f.get("project"), domain: f.get("domain") }));
      $("login-password").value = "";
    } catch (e) {
      showLogin(`Login failed: ${e.message}`);
    }
  });
});

$("token-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  void submitting(ev.target, async (f) => {
    try {
      showApp(await useToken(String(f.get("token")).trim(), String(f.get("project") ?? "").trim() || undefined));
      $("token-value").value = "";
    } catch (e) {
      showLogin(`The token was refused: ${e.message}`);
    }
  });
});

$("create-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  void submitting(ev.target, async (f) => {
    const volume = { size: Number(f.get("size")) };
    const name = String(f.get("name") ?? "").trim();
    if (name) volume.name = name;
    if (f.get("type")) volume.volume_type = f.get("type");
    await act(`Creating volume ${name || "(no name)"} of ${volume.size} GiB.`, () => cinder(session, "POST", "/volumes", { volume }));
  });
});

$("project-switch").addEventListener("change", (ev) => {
  if (!session) return;
  const id = ev.target.value;
  view = id === session.projectId ? null : id;
  // Nothing of the project left behind stays on screen while the chosen one loads.
  data = { volumes: [], snapshots: [] };
  ui.armed.clear();
  ui.extendTo.clear();
  for (const k of ["volumes-panel", "snapshots-panel", "quotas-panel", "volume-tables", "project-switch"]) last.delete(k);
  fill("volumes", null, "Loading…");
  fill("snapshots", null, "Loading…");
  fill("quotas", null, "Loading…");
  notice("");
  showCreate();
  void refresh();
});

$("logout").addEventListener("click", () => {
  const token = session?.token;
  clearSession();
  showLogin();
  // Revoke the token too; a server without the built-in identity simply refuses.
  if (token) void fetch("/identity/v3/auth/tokens", { method: "DELETE", headers: { "X-Auth-Token": token, "X-Subject-Token": token } }).catch(() => {});
});

const saved = loadSession();
if (saved) showApp(saved);
else showLogin();
