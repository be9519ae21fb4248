/**
 * Cinder's policy (cinder/policies/*.py, secure-RBAC defaults) as data, in one place:
 * - admin:  `rule:admin_api`, i.e. the admin role on any project;
 * - member: `rule:xena_system_admin_or_project_member` (admin, or member of the target's project);
 * - reader: `rule:xena_system_admin_or_project_reader` (admin, or reader of the target's project);
 * - none:   authentication only.
 * A policy file (YAML or JSON, Cinder's rule names) overrides any rule with an oslo.policy check string.
 */
import { readFileSync } from "node:fs";
import YAML from "yaml";
import type { RequestContext } from "../contract/context";
import { policyNotAuthorized } from "../contract/errors";
import { type Check, compileCheck, type Creds, type Target } from "./check";
import { RULE_TABLE, type Persona } from "./rules";

const BASE: Record<string, string> = {
  context_is_admin: "role:admin",
  admin_api: "is_admin:True or (role:admin and is_admin_project:True)",
  xena_system_admin_or_project_member: "(role:admin) or (role:member and project_id:%(project_id)s)",
  xena_system_admin_or_project_reader: "(role:admin) or (role:reader and project_id:%(project_id)s)",
  admin_or_owner: "is_admin:True or (role:admin and is_admin_project:True) or project_id:%(project_id)s",
};

const PERSONA_CHECK: Record<Persona, string> = {
  admin: "rule:admin_api",
  member: "rule:xena_system_admin_or_project_member",
  reader: "rule:xena_system_admin_or_project_reader",
  none: "",
  project_owner: "rule:admin_api or project_id:%(project_id)s",
  self: "rule:admin_api or user_id:%(user_id)s",
  token_subject: "rule:admin_api or role:service or user_id:%(user_id)s",
  owner: "user_id:%(user_id)s",
};

export class Policy {
  private readonly checks = new Map<string, Check>();

  constructor(overrides: Record<string, string> = {}) {
    const all: Record<string, string> = { ...BASE };
    for (const [name, persona] of Object.entries(RULE_TABLE)) all[name] = PERSONA_CHECK[persona];
    for (const [name, text] of Object.entries(overrides)) {
      if (typeof text !== "string") throw new Error(`policy rule '${name}' must be a check string`);
      all[name] = text;
    }
    for (const [name, text] of Object.entries(all)) {
      try {
        this.checks.set(name, compileCheck(text));
      } catch (err) {
        throw new Error(`policy rule '${name}': ${(err as Error).message} in "${text}"`);
      }
    }
  }

  static fromFile(file: string): Policy {
    const text = readFileSync(file, "utf8");
    const doc = (file.endsWith(".json") ? JSON.parse(text) : YAML.parse(text)) ?? {};
    if (typeof doc !== "object" || Array.isArray(doc)) throw new Error(`policy file ${file} must map rule names to check strings`);
    return new Policy(doc as Record<string, string>);
  }

  has(rule: string): boolean {
    return this.checks.has(rule);
  }

  allowed(ctx: RequestContext, rule: string, target: Target = {}): boolean {
    const creds: Creds = { roles: ctx.roles, projectId: ctx.projectId, userId: ctx.userId, isAdmin: ctx.isAdmin };
    const t: Target = { project_id: target.project_id ?? ctx.projectId, user_id: target.user_id ?? ctx.userId };
    const seen = new Set<string>();
    const evalRule = (name: string): boolean => {
      const c = this.checks.get(name);
      // An unknown rule never allows (oslo.policy treats a missing rule as the default rule, which is admin here).
      if (!c) return name !== "default" && evalRule("default");
      if (seen.has(name)) throw new Error(`policy rule '${name}' refers to itself`);
      seen.add(name);
      try {
        return c(creds, t, evalRule);
      } finally {
        seen.delete(name);
      }
    };
    return evalRule(rule);
  }
}

/** Cinder's defaults, for contexts that carry no policy (service work, unit tests). */
const DEFAULTS = new Policy();

const policyOf = (ctx: RequestContext): Policy => (ctx.policy as Policy | undefined) ?? DEFAULTS;

/**
 * Answers already given for a request: a view of a hundred volumes asks the same few rules of the
 * same caller for each of them. A context lives for one request, and the rules do not change
 * while it runs.
 */
const answered = new WeakMap<RequestContext, Map<string, boolean>>();

export function allowed(ctx: RequestContext, rule: string, targetProjectId?: string): boolean {
  let memo = answered.get(ctx);
  if (!memo) answered.set(ctx, (memo = new Map()));
  const key = targetProjectId ? `${rule}\0${targetProjectId}` : rule;
  let ok = memo.get(key);
  if (ok === undefined) {
    ok = policyOf(ctx).allowed(ctx, rule, targetProjectId ? { project_id: targetProjectId } : {});
    memo.set(key, ok);
  }
  return ok;
}

/** The rule on an explicit target (a user as well as a project: Keystone's rules). */
export function allowedOn(ctx: RequestContext, rule: string, target: Target): boolean {
  return policyOf(ctx).allowed(ctx, rule, target);
}

/** Raise Cinder's 403 when the rule does not allow the caller on the target's project. */
export function authorize(ctx: RequestContext, rule: string, targetProjectId?: string): void {
  if (!allowed(ctx, rule, targetProjectId)) throw policyNotAuthorized(rule);
}
