/**
 * The authorization matrix: every operation of the volume API in the spec (every action too), and
 * every operation of the built-in identity (Keystone's defaults: admin, reader, the target
 * project's tokens, the user itself with or without admins, the subject token's user),
 * called by each persona over HTTP against the built-in identity, with a valid body and the ids
 * of real resources of the target project:
 *
 *   admin, member, reader, a user whose only role is not one of Cinder's (observer), a member of
 *   another project, an expired token, a revoked token, no token.
 *
 * The expected answer of each cell comes from the spec's `x-policy` and the policy defaults (each
 * rule's persona, cinder/policies/*.py): a token that does not validate gets 401; a persona the
 * rule does not admit gets 403; one it admits gets past authorization (any answer but 401 and 403,
 * and a 2xx for the reads of admins and members). A member of another project is admitted to its
 * own project's collections, gets 404 for the target project's volumes, snapshots and attachments
 * (tenant isolation: they do not exist for it), and 403 for the target project's quotas.
 * Fresh resources are made for every operation that changes something, so a cell never depends on
 * another. The matrix is checked in full and the failures listed together.
 */
import assert from "node:assert/strict";
import spec from "../../openapi/dist/cinder-v3.json";
import { routes, type Route } from "../../server/src/generated/routes";
import * as validators from "../../server/src/generated/validators";
import { hashToken } from "../../server/src/identity/tokens";
import { RULE_TABLE } from "../../server/src/policy/rules";
import type { Client, Response } from "../helpers/client";
import { waitFor, waitStatus } from "../helpers/wait";
import { login, provision, startIdentity, type IdentityServer } from "../identity/helpers";

type Json = Record<string, any>;
type PersonaName = "admin" | "member" | "reader" | "observer" | "other" | "expired" | "revoked" | "none";
const PERSONAS: PersonaName[] = ["none", "expired", "revoked", "observer", "reader", "other", "member", "admin"];
const TOKENLESS: PersonaName[] = ["none", "expired", "revoked"];
/** Who each rule persona admits (RULE_TABLE's values). */
const ADMITS: Record<string, PersonaName[]> = {
  admin: ["admin"],
  member: ["admin", "member", "other"],
  reader: ["admin", "member", "reader", "other"],
  none: ["admin", "member", "reader", "observer", "other"],
};
/** The catalog API (read-only), each persona's exact answer: Keystone's system readers (admins here) read services and endpoints, anyone authenticated the regions. */
const ADMINS_READ: Record<PersonaName, number> = { none: 401, expired: 401, revoked: 401, observer: 403, reader: 403, other: 403, member: 403, admin: 200 };
const ANYONE_READS: Record<PersonaName, number> = { none: 401, expired: 401, revoked: 401, observer: 200, reader: 200, other: 200, member: 200, admin: 200 };
const CATALOG_READS: Record<string, Record<PersonaName, number>> = {
  listIdentityServices: ADMINS_READ,
  showIdentityService: ADMINS_READ,
  listEndpoints: ADMINS_READ,
  showEndpoint: ADMINS_READ,
  listRegions: ANYONE_READS,
  showRegion: ANYONE_READS,
};
/** Path parameters naming a resource of the target project, which another project cannot see. */
const PROJECT_OWNED = ["volume_id", "snapshot_id", "attachment_id", "group_id", "group_snapshot_id", "transfer_id", "message_id", "backup_id"];
/** Operations that find another project's resource on purpose: accepting a transfer is done by the recipient. */
const CROSS_PROJECT = ["acceptTransfer", "acceptTransferLegacy"];
/**
 * Operations whose body names a volume of the target project, looked up before the policy is asked
 * (cinder/api/contrib/snapshot_manage.py create): another project does not see it.
 */
const BODY_OWNED = ["manageSnapshot", "manageSnapshotLegacy"];
/** Path parameters naming the target project itself (its quotas). */
const PROJECT_TARGET = ["target_project_id", "tenant_id"];

const table = validators as unknown as Record<string, ((d: unknown) => boolean) & { errors?: unknown }>;

function resolve(ref: string): Json {
  return ref
    .slice(2)
    .split("/")
    .reduce((o: Json, k) => o[k], spec as Json);
}

interface Ids {
  volume: string;
  snapshot: string;
  attachment: string;
  transfer: string;
  backup: string;
  type: string;
  privateType: string;
  /** A type with encryption specs (the encryption operations' type). */
  encryptedType: string;
  qos: string;
  groupType: string;
  group: string;
  groupSnapshot: string;
  /** A user message of the project: a create no backend could hold. */
  message: string;
  project: string;
}

/** A value of `schema` (the first that fits, as plain as it can be), for a property named `name`. */
function plain(schema: Json | undefined, ids: Ids, name = "", depth = 0): unknown {
  if (!schema || depth > 10) return "x";
  if (schema.$ref) return plain(resolve(schema.$ref), ids, name, depth + 1);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum.find((e: unknown) => e !== null) ?? schema.enum[0];
  const anyCase: string[] | undefined = schema["x-case-insensitive-enum"];
  if (anyCase) return anyCase.includes("available") ? "available" : anyCase[0];
  if (schema.allOf || ((schema.oneOf || schema.anyOf) && (schema.type || schema.properties))) return plain(merged(schema), ids, name, depth + 1);
  if (schema.oneOf || schema.anyOf) return plain((schema.oneOf ?? schema.anyOf)[0], ids, name, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== "null") : schema.type;
  switch (type ?? (schema.properties ? "object" : "string")) {
    case "object": {
      const out: Json = {};
      const props: Json = schema.properties ?? {};
      const keys: string[] = [...(schema.required ?? [])];
      if (keys.length < (schema.minProperties ?? 0)) keys.push(...Object.keys(props).filter((k) => !keys.includes(k)).slice(0, schema.minProperties - keys.length));
      for (const k of keys) out[k] = plain(props[k] ?? schema.additionalProperties ?? { type: "string" }, ids, k, depth + 1);
      if (keys.length < (schema.minProperties ?? 0)) out.k = plain(schema.additionalProperties ?? { type: "string" }, ids, "k", depth + 1);
      return out;
    }
    case "array":
      return Array.from({ length: schema.minItems ?? 0 }, () => plain(schema.items, ids, name, depth + 1));
    case "integer":
    case "number":
      return Math.max(schema.minimum ?? 1, schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case "boolean":
      return false;
    default: {
      // A group's type, by id (a name is looked up before the policy, as Cinder does).
      if (name === "group_type") return ids.groupType;
      if (name === "group_snapshot_id") return ids.groupSnapshot;
      if (name === "backup_id") return ids.backup;
      if (schema.format === "uuid" || /_id$|^id$|uuid/.test(name)) {
        if (/snapshot/.test(name)) return ids.snapshot;
        if (/type/.test(name)) return ids.type;
        if (/qos/.test(name)) return ids.qos;
        if (/group_type/.test(name)) return ids.groupType;
        if (/group/.test(name)) return ids.group;
        if (/project|tenant/.test(name)) return ids.project;
        return ids.volume;
      }
      if (schema.format === "date-time") return "2026-01-01T00:00:00Z";
      if (schema.pattern) {
        const re = new RegExp(schema.pattern);
        const fits = ["available", "error", "x", "1", "true", ids.volume].find((c) => re.test(c));
        if (fits) return fits;
      }
      return "x".repeat(Math.max(1, schema.minLength ?? 1));
    }
  }
}

/**
 * One schema of the parts of an allOf, and of the first branch of an anyOf/oneOf beside a type
 * (the spec states "at least one of these keys" so): types, properties and required keys joined.
 */
function merged(schema: Json): Json {
  const out: Json = { properties: {}, required: [] };
  const add = (part: Json): void => {
    if (part.$ref) return add(resolve(part.$ref));
    for (const [k, v] of Object.entries(part)) {
      if (k === "properties") for (const [name, ps] of Object.entries(v as Json)) out.properties[name] = { ...out.properties[name], ...(ps as Json) };
      else if (k === "required") out.required.push(...(v as string[]));
      else if (k !== "allOf" && k !== "anyOf" && k !== "oneOf") out[k] = v;
    }
    for (const p of part.allOf ?? []) add(p);
    const branches = part.anyOf ?? part.oneOf;
    if (branches) add(branches[0]);
  };
  add(schema);
  if (!out.type && Object.keys(out.properties).length > 0) out.type = "object";
  return out;
}

/** The request schema of an operation, or of one action of it. */
function requestSchema(r: Route, actionKey?: string): Json | undefined {
  const op = (spec as Json).paths[r.path][r.method.toLowerCase()];
  const schema = op?.requestBody?.content?.["application/json"]?.schema;
  if (!schema || !actionKey) return schema;
  const branches: Json[] = resolve(schema.$ref).oneOf ?? [];
  return branches.map((b) => (b.$ref ? resolve(b.$ref) : b)).find((b) => b.properties?.[actionKey]);
}

interface Cell {
  route: Route;
  action?: string;
  policy: string;
  label: string;
  body?: (ids: Ids) => unknown;
  version: string;
  changes: boolean;
}

function cells(): Cell[] {
  const out: Cell[] = [];
  for (const r of routes) {
    if (r.twin || !r.auth || !r.path.startsWith("/v3/")) continue;
    const version = "3.71";
    // A project's default type is the project's, not a fixture's: its reads get fresh fixtures too.
    const changes = r.method !== "GET" || r.path.includes("/default-types");
    if (r.actions) {
      for (const a of r.actions) {
        const schema = requestSchema(r, a.key);
        out.push({ route: r, action: a.key, policy: a.policy!, label: `${r.method} ${r.path} ${a.key}`, version, changes: true, body: (ids) => plain(schema, ids) });
      }
      continue;
    }
    const schema = r.body ? requestSchema(r) : undefined;
    out.push({ route: r, policy: r.policy!, label: `${r.method} ${r.path}`, version, changes, body: schema ? (ids) => plain(schema, ids) : undefined });
  }
  return out;
}

/**
 * Rules that decide a part of an answer rather than the answer (oslo `fatal=False`): limits are
 * everyone's, the usage in them only the rule's personas' (cinder/api/contrib/used_limits.py).
 */
const ATTRIBUTE_RULES = new Set(["limits_extension:used_limits"]);

function expected(cell: Cell, persona: PersonaName): "401" | "403" | "404" | "admitted" {
  if (TOKENLESS.includes(persona)) return "401";
  const params = [...cell.route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  // Another project's volume, snapshot or attachment does not exist for it, whatever the rule
  // (Cinder looks the resource up in the caller's project first).
  const owned = params.some((p) => PROJECT_OWNED.includes(p)) && !CROSS_PROJECT.includes(cell.route.operationId);
  if (persona === "other" && (owned || BODY_OWNED.includes(cell.route.operationId))) return "404";
  if (ATTRIBUTE_RULES.has(cell.policy)) return "admitted";
  const admits = ADMITS[RULE_TABLE[cell.policy]] ?? ADMITS.admin;
  if (!admits.includes(persona)) return "403";
  if (persona === "other" && params.some((p) => PROJECT_TARGET.includes(p))) return "403";
  return "admitted";
}

/** What an admitted answer must also show. */
function admittedAnswer(cell: Cell, persona: PersonaName, r: Response): string | undefined {
  if (cell.policy === "limits_extension:used_limits") {
    const shows = r.body?.limits?.absolute?.totalVolumesUsed !== undefined;
    const may = ADMITS[RULE_TABLE[cell.policy]].includes(persona);
    if (shows !== may) return may ? "the usage is missing" : "the usage is shown to a persona the rule does not admit";
  }
  return undefined;
}

describe("authorization matrix: every operation of the spec, every persona", function () {
  this.timeout(600_000);
  let id: IdentityServer;
  const tokens = {} as Record<PersonaName, string | null>;
  const projects = {} as Record<PersonaName, string>;
  const users = {} as Record<PersonaName, string>;
  let n = 0;

  before(async () => {
    id = await startIdentity("sqlite", { defaultGroupType: "matrix-default-group-type" });
    const admin = id.c.as(id.adminToken);
    const defaultGroupType = await admin.post("/v3/group_types", { group_type: { name: "matrix-default-group-type" } }, { version: "3.11" });
    assert.equal(defaultGroupType.status, 202, JSON.stringify(defaultGroupType.body));
    const observer = await admin.post("/identity/v3/roles", { role: { name: "observer" } });
    assert.equal(observer.status, 201, JSON.stringify(observer.body));
    const accounts: Array<[PersonaName, string, string]> = [
      ["admin", "matrix-p1", "admin"],
      ["member", "matrix-p1", "member"],
      ["reader", "matrix-p1", "reader"],
      ["observer", "matrix-p1", "observer"],
      ["other", "matrix-p2", "member"],
      ["expired", "matrix-p1", "member"],
      ["revoked", "matrix-p1", "member"],
    ];
    for (const [persona, project, role] of accounts) {
      const p = await provision(id.c, id.adminToken, { project, user: `matrix-${persona}`, password: "Secret-123456", role });
      projects[persona] = p.projectId;
      users[persona] = p.userId;
      tokens[persona] = await login(id.c, { user: `matrix-${persona}`, password: "Secret-123456", project });
    }
    projects.none = projects.member;
    tokens.none = null;
    // A token past its expiry: its row says so (the validation cache is flushed, as it lapses on its own in seconds).
    const svc = id.s.app.services;
    await svc.db.kysely.updateTable("tokens").set({ expires_at: "2020-01-01T00:00:00.000000Z" }).where("id_hash", "=", hashToken(tokens.expired!)).execute();
    svc.identity.tokens!.flush();
    const revoke = await id.c.as(tokens.revoked).delete("/identity/v3/auth/tokens", { headers: { "X-Subject-Token": tokens.revoked! } });
    assert.equal(revoke.status, 204, JSON.stringify(revoke.body));
  });
  after(async () => id?.s.destroy());

  const asMember = (): Client => id.c.as(tokens.member);
  const asAdmin = (): Client => id.c.as(tokens.admin);

  /** A fresh set of the target project's resources. */
  async function fixtures(): Promise<Ids> {
    const p1 = projects.member;
    const m = asMember();
    const a = asAdmin();
    n++;
    const created = async (r: Promise<Response>, key: string, status = 202) => {
      const res = await r;
      assert.equal(res.status, status, JSON.stringify(res.body));
      return res.body[key].id as string;
    };
    // A key a member may read (Cinder shows non-admins only the user-visible extra specs).
    const type = await created(a.post(`/v3/${p1}/types`, { volume_type: { name: `matrix-${n}`, extra_specs: { multiattach: "<is> False" } } }), "volume_type", 200);
    assert.equal((await a.put(`/v3/${p1}/default-types/${p1}`, { default_type: { volume_type: type } }, { version: "3.62" })).status, 200);
    const privateType = await created(a.post(`/v3/${p1}/types`, { volume_type: { name: `matrix-private-${n}`, "os-volume-type-access:is_public": false } }), "volume_type", 200);
    assert.equal((await a.post(`/v3/${p1}/types/${privateType}/action`, { addProjectAccess: { project: p1 } })).status, 202);
    const encryptedType = await created(a.post(`/v3/${p1}/types`, { volume_type: { name: `matrix-encrypted-${n}` } }), "volume_type", 200);
    const enc = await a.post(`/v3/${p1}/types/${encryptedType}/encryption`, { encryption: { provider: "luks", control_location: "front-end" } });
    assert.equal(enc.status, 200, JSON.stringify(enc.body));
    const qos = await created(a.post(`/v3/${p1}/qos-specs`, { qos_specs: { name: `matrix-${n}`, k: "v" } }), "qos_specs", 200);
    const groupType = await created(a.post(`/v3/${p1}/group_types`, { group_type: { name: `matrix-${n}`, group_specs: { k: "v" } } }, { version: "3.11" }), "group_type");
    const volume = await created(m.post(`/v3/${p1}/volumes`, { volume: { size: 1, metadata: { k: "v" } } }), "volume");
    const forSnapshot = await created(m.post(`/v3/${p1}/volumes`, { volume: { size: 1 } }), "volume");
    const forAttachment = await created(m.post(`/v3/${p1}/volumes`, { volume: { size: 1 } }), "volume");
    const forTransfer = await created(m.post(`/v3/${p1}/volumes`, { volume: { size: 1 } }), "volume");
    const forBackup = await created(m.post(`/v3/${p1}/volumes`, { volume: { size: 1 } }), "volume");
    const nowhere = await created(a.post(`/v3/${p1}/types`, { volume_type: { name: `matrix-nowhere-${n}`, extra_specs: { volume_backend_name: "nowhere" } } }), "volume_type", 200);
    const unplaced = await created(m.post(`/v3/${p1}/volumes`, { volume: { size: 1, volume_type: nowhere } }), "volume");
    for (const v of [volume, forSnapshot, forAttachment, forTransfer, forBackup]) await waitStatus(m, "volumes", p1, v, "available");
    await waitStatus(m, "volumes", p1, unplaced, "error");
    const message = await waitFor(async () => {
      const r = await m.get(`/v3/${p1}/messages?resource_uuid=${unplaced}`);
      return r.body.messages?.[0]?.id as string | undefined;
    }, "the unplaced volume's message");
    const snapshot = await created(m.post(`/v3/${p1}/snapshots`, { snapshot: { volume_id: forSnapshot, metadata: { k: "v" } } }), "snapshot");
    await waitStatus(m, "snapshots", p1, snapshot, "available");
    const att = await m.post(`/v3/${p1}/attachments`, { attachment: { volume_uuid: forAttachment, instance_uuid: "9a3b7c3e-8d35-4e1b-9b4e-2f7e5d0c1a11" } }, { version: "3.27" });
    assert.equal(att.status, 200, JSON.stringify(att.body));
    const group = await created(m.post(`/v3/${p1}/groups`, { group: { group_type: groupType, volume_types: [type] } }, { version: "3.13" }), "group");
    await waitFor(async () => ((await m.get(`/v3/${p1}/groups/${group}`, { version: "3.13" })).body.group.status === "available" ? true : undefined), "group available");
    const groupSnapshot = await created(m.post(`/v3/${p1}/group_snapshots`, { group_snapshot: { group_id: group } }, { version: "3.14" }), "group_snapshot");
    await waitFor(async () => ((await m.get(`/v3/${p1}/group_snapshots/${groupSnapshot}`, { version: "3.14" })).body.group_snapshot.status === "available" ? true : undefined), "group snapshot available");
    const transfer = await created(m.post(`/v3/${p1}/volume-transfers`, { transfer: { volume_id: forTransfer } }), "transfer");
    const backup = await created(m.post(`/v3/${p1}/backups`, { backup: { volume_id: forBackup } }), "backup");
    await waitFor(async () => ((await m.get(`/v3/${p1}/backups/${backup}`)).body.backup.status === "available" ? true : undefined), "backup available", 120_000);
    return { volume, snapshot, attachment: att.body.attachment.id, transfer, backup, type, privateType, encryptedType, qos, groupType, group, groupSnapshot, message, project: p1 };
  }

  function url(cell: Cell, persona: PersonaName, ids: Ids): string {
    const values: Record<string, string> = {
      project_id: projects[persona],
      volume_id: ids.volume,
      snapshot_id: ids.snapshot,
      attachment_id: ids.attachment,
      transfer_id: ids.transfer,
      backup_id: ids.backup,
      message_id: ids.message,
      // The access list exists for private types only.
      type_id: /type-access|ProjectAccess/.test(`${cell.route.path} ${cell.action ?? ""}`)
        ? ids.privateType
        : cell.route.path.includes("/encryption")
          ? ids.encryptedType
          : ids.type,
      qos_id: ids.qos,
      group_type_id: ids.groupType,
      group_id: ids.group,
      group_snapshot_id: ids.groupSnapshot,
      // A field the encryption specs (or a volume's encryption metadata) have, a key members may read.
      key: cell.route.path.includes("/encryption/") ? (cell.route.path.includes("/volumes/") ? "encryption_key_id" : "provider") : cell.route.path.includes("/types/") ? "multiattach" : "k",
      target_project_id: ids.project,
      tenant_id: ids.project,
      class_name: "default",
      cluster_name: "matrix-cluster",
      // The volume service's host (os-hosts, capabilities).
      host_name: "testhost@file",
    };
    const path = cell.route.path.replace(/\{(\w+)\}/g, (_, p: string) => encodeURIComponent(values[p] ?? "x"));
    // Queries an operation needs to do its work.
    if (/qos-specs\/\{qos_id\}\/(associate|disassociate)$/.test(cell.route.path)) return `${path}?vol_type_id=${ids.type}`;
    if (/manageable_(volumes|snapshots)|os-(volume|snapshot)-manage/.test(cell.route.path) && cell.route.method === "GET") return `${path}?host=testhost@file`;
    return path;
  }

  it("gives every persona exactly what the policy defaults give, for every operation and action", async () => {
    const all = cells();
    const failures: string[] = [];
    const invalid: string[] = [];
    let checked = 0;
    let shared: Ids | undefined;
    for (const cell of all) {
      const ids = cell.changes || !shared ? await fixtures() : shared;
      if (!cell.changes) shared = ids;
      const body = cell.body?.(ids);
      const wrapped = cell.action ? { [cell.action]: (body as Json)?.[cell.action] ?? body } : body;
      // A body the spec refuses would be refused before any policy is asked: the matrix needs valid ones.
      const validator = cell.action ? cell.route.actions!.find((a) => a.key === cell.action)!.body : cell.route.body;
      if (validator && table[validator] && !table[validator](wrapped)) {
        invalid.push(`${cell.label}: ${JSON.stringify(wrapped)} ${JSON.stringify(table[validator].errors)}`);
        continue;
      }
      for (const persona of PERSONAS) {
        const client = id.c.as(tokens[persona]);
        const r = await client.call(cell.route.method, url(cell, persona, ids), { body: wrapped, version: cell.version, noContract: true });
        const want = expected(cell, persona);
        checked++;
        const got = String(r.status);
        const where = `${cell.label} as ${persona} (${cell.policy}: ${RULE_TABLE[cell.policy]}): wanted ${want}, got ${got} ${JSON.stringify(r.body)?.slice(0, 200)}`;
        if (r.status >= 500) failures.push(where);
        else if (want === "admitted") {
          const wrong = admittedAnswer(cell, persona, r);
          if (wrong) failures.push(`${where}: ${wrong}`);
          else if (r.status === 401 || r.status === 403) failures.push(where);
          else if (cell.route.method === "GET" && (persona === "admin" || persona === "member") && r.status >= 300 && !cell.route.path.includes("cluster_name")) failures.push(where);
        } else if (got !== want) failures.push(where);
      }
    }
    assert.deepEqual(invalid, [], `bodies the spec refuses (fix the generator):\n${invalid.join("\n")}`);
    assert.deepEqual(failures, [], `${failures.length} cells of ${checked} differ:\n${failures.join("\n")}`);
    console.log(`      ${checked} cells checked: ${all.length} operations × ${PERSONAS.length} personas`);
  });

  it("gives every persona exactly what Keystone's defaults give, for every operation of the built-in identity", async () => {
    const admin = asAdmin();
    const V3 = "/identity/v3";
    let k = 0;
    /** Targets an operation may change or remove: made for it alone. */
    const throwaway = async () => {
      k++;
      const project = await admin.post(`${V3}/projects`, { project: { name: `matrix-x-${k}` } });
      const user = await admin.post(`${V3}/users`, { user: { name: `matrix-x-${k}`, password: "Secret-123456" } });
      assert.equal(project.status, 201, JSON.stringify(project.body));
      assert.equal(user.status, 201, JSON.stringify(user.body));
      return { project: project.body.project.id as string, user: user.body.user.id as string };
    };
    let creds = 0;
    const memberAppCred = async () => {
      const made = await id.c.as(tokens.member).post(`${V3}/users/${users.member}/application_credentials`, { application_credential: { name: `matrix-fixture-${++creds}` } });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      return made.body.application_credential.id as string;
    };
    const roles = (await admin.get(`${V3}/roles?name=member`)).body.roles;
    const memberRole = roles[0].id as string;
    // The catalog's own ids (read-only: its services, endpoints and region come from configuration).
    const serviceId = (await admin.get(`${V3}/services?type=volumev3`)).body.services[0].id as string;
    const endpointId = (await admin.get(`${V3}/endpoints?service_id=${serviceId}&interface=public`)).body.endpoints[0].id as string;
    const failures: string[] = [];
    let checked = 0;
    const catalogOps = routes.filter((r) => /^\/identity\/v3\/(services|endpoints|regions)/.test(r.path)).map((r) => `${r.method} ${r.operationId}`);
    assert.deepEqual(catalogOps.sort(), Object.keys(CATALOG_READS).map((op) => `GET ${op}`).sort(), "the catalog API is read-only and listed in CATALOG_READS");
    for (const r of routes) {
      if (!r.auth || !r.path.startsWith("/identity/v3/")) continue;
      const rule = RULE_TABLE[r.policy!];
      const changes = r.method !== "GET" && r.method !== "HEAD";
      // A token to validate, check or revoke: the member's own, fresh for each operation.
      const subject = await login(id.c, { user: "matrix-member", password: "Secret-123456", project: "matrix-p1" });
      const x = changes ? await throwaway() : undefined;
      for (const persona of PERSONAS) {
        let admitted: PersonaName[];
        switch (rule) {
          case "none":
            admitted = ["admin", "member", "reader", "observer", "other"];
            break;
          case "reader":
            // Role assignments are asked for the target project's (its readers'); roles and the domain for anyone's.
            admitted = r.path.endsWith("/role_assignments") ? ["admin", "member", "reader"] : ["admin", "member", "reader", "other"];
            break;
          case "project_owner":
            admitted = ["admin", "member", "reader", "observer"];
            break;
          case "self":
          case "token_subject":
            admitted = ["admin", "member"];
            break;
          case "owner":
            // Keystone's rule:owner: the target user itself (the member), not even an admin.
            admitted = ["member"];
            break;
          default:
            admitted = ["admin"];
        }
        // Application credentials are the member's own (a fresh one for each operation that names one).
        const appCred = r.path.includes("/application_credentials");
        const credId = r.path.includes("{application_credential_id}") ? await memberAppCred() : "x";
        const values: Record<string, string> = {
          domain_id: "default",
          project_id: x?.project ?? projects.member,
          user_id: appCred ? users.member : (x?.user ?? users.member),
          role_id: memberRole,
          application_credential_id: credId,
          service_id: serviceId,
          endpoint_id: endpointId,
          region_id: "RegionOne",
        };
        let url = r.path.replace(/\{(\w+)\}/g, (_, p: string) => values[p] ?? "x");
        if (r.path.endsWith("/role_assignments")) url += `?scope.project.id=${projects.member}`;
        // A grant to check or revoke exists first.
        if (x && /roles\/\{role_id\}$/.test(r.path) && r.method !== "PUT") await admin.put(`${V3}/projects/${x.project}/users/${x.user}/roles/${memberRole}`);
        const schema = r.body ? requestSchema(r) : undefined;
        let body: unknown = schema ? plain(schema, { volume: "x", snapshot: "x", attachment: "x", transfer: "x", backup: "x", type: "x", privateType: "x", encryptedType: "x", qos: "x", groupType: "x", group: "x", groupSnapshot: "x", message: "x", project: x?.project ?? projects.member }) : undefined;
        if (r.path.endsWith("/projects") && r.method === "POST") body = { project: { name: `matrix-new-${k}-${persona}` } };
        if (r.path.endsWith("/users") && r.method === "POST") body = { user: { name: `matrix-new-${k}-${persona}`, password: "Secret-123456" } };
        if (r.path.endsWith("/roles") && r.method === "POST") body = { role: { name: `matrix-role-${k}-${persona}` } };
        if (appCred && r.method === "POST") body = { application_credential: { name: `matrix-ac-${k}-${persona}` } };
        const res = await id.c.as(tokens[persona]).call(r.method, url, { body, headers: { "X-Subject-Token": subject }, version: null, noContract: true });
        checked++;
        const want = TOKENLESS.includes(persona) ? "401" : admitted.includes(persona) ? "admitted" : "403";
        const where = `${r.method} ${r.path} as ${persona} (${r.policy}: ${rule}): wanted ${want}, got ${res.status} ${JSON.stringify(res.body)?.slice(0, 160)}`;
        if (res.status >= 500) failures.push(where);
        else if (want === "admitted" ? res.status === 401 || res.status === 403 : String(res.status) !== want) failures.push(where);
        else if (CATALOG_READS[r.operationId] && res.status !== CATALOG_READS[r.operationId][persona]) failures.push(`${where}: wanted exactly ${CATALOG_READS[r.operationId][persona]}`);
        else if (want !== "admitted" && r.method !== "HEAD" && !res.body?.error) failures.push(`${where}: not Keystone's fault body`);
      }
    }
    assert.deepEqual(failures, [], `${failures.length} cells of ${checked} differ:\n${failures.join("\n")}`);
    console.log(`      ${checked} cells checked of the built-in identity`);
  });
});
