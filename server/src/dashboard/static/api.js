// The dashboard's only way to the server: the public Keystone and Cinder v3 APIs, with the
// token kept in sessionStorage (gone with the tab, never sent as a cookie).

/** The Cinder microversion the dashboard speaks (3.71: the newest Cinderblock serves). */
export const MICROVERSION = "3.71";
const KEY = "cinderblock.dashboard.session";

/** A failed call: the HTTP status and the fault's message, as the API wrote it. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The message of a Cinder fault (`{"badRequest": {"message"}}`) or a Keystone one (`{"error": {...}}`). */
export function faultMessage(status, body) {
  if (body && typeof body === "object") {
    const inner = Object.values(body)[0];
    if (inner && typeof inner === "object" && typeof inner.message === "string") return inner.message;
  }
  return `The server answered ${status}.`;
}

export function loadSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? "null");
    return s && typeof s.token === "string" && typeof s.projectId === "string" ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(s) {
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}

async function call(method, path, { token, body, headers = {} } = {}) {
  const h = { Accept: "application/json", ...headers };
  if (token) h["X-Auth-Token"] = token;
  if (body !== undefined) h["Content-Type"] = "application/json";
  const r = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit", cache: "no-store" });
  const text = await r.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!r.ok) throw new ApiError(r.status, faultMessage(r.status, data));
  return { data, headers: r.headers };
}

function sessionFromToken(token, t, fallbackProject) {
  const projectId = t?.project?.id ?? fallbackProject;
  if (!projectId) throw new ApiError(400, "This token is not scoped to a project: give the project ID too.");
  return {
    token,
    projectId,
    projectName: t?.project?.name ?? projectId,
    user: t?.user?.name ?? "",
    roles: (t?.roles ?? []).map((r) => r.name),
  };
}

/** Password login through the built-in Keystone, scoped to a project. */
export async function login({ user, password, project, domain }) {
  const body = {
    auth: {
      identity: { methods: ["password"], password: { user: { name: user, domain: { name: domain }, password } } },
      scope: { project: { name: project, domain: { name: domain } } },
    },
  };
  const { data, headers } = await call("POST", "/identity/v3/auth/tokens", { body });
  const token = headers.get("X-Subject-Token");
  if (!token) throw new ApiError(500, "The identity service issued no token.");
  return sessionFromToken(token, data?.token);
}

/** A pasted token: validated by the built-in Keystone when it serves it, else taken with its project ID. */
export async function useToken(token, projectId) {
  try {
    const { data } = await call("GET", "/identity/v3/auth/tokens", { token, headers: { "X-Subject-Token": token } });
    return sessionFromToken(token, data?.token, projectId);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    if (projectId) return sessionFromToken(token, null, projectId);
    throw new ApiError(400, "This server has no built-in identity to read the token's project from: give the project ID too.");
  }
}

/** A Cinder v3 call in the session's project: `cinder(s, "GET", "/volumes/detail")`. */
export async function cinder(session, method, path, body) {
  const { data } = await call(method, `/v3/${encodeURIComponent(session.projectId)}${path}`, {
    token: session.token,
    body,
    headers: { "OpenStack-API-Version": `volume ${MICROVERSION}` },
  });
  return data;
}

/** Project names by id, from the built-in identity when the token may list projects; else empty. */
export async function projectNames(session) {
  try {
    const { data } = await call("GET", "/identity/v3/projects", { token: session.token });
    return Object.fromEntries((data?.projects ?? []).map((p) => [p.id, p.name]));
  } catch {
    return {};
  }
}
