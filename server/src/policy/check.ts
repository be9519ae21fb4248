/**
 * Policy check strings, the subset of oslo.policy's language Cinder's defaults and operators use:
 * `role:X`, `rule:NAME`, `project_id:%(project_id)s`, `user_id:%(user_id)s`, `is_admin:True`,
 * `is_admin_project:True`, `@` (always), `!` (never), the empty string (always), `and`, `or`,
 * `not` and parentheses.
 */
export interface Creds {
  roles: readonly string[];
  projectId: string;
  userId: string;
  isAdmin: boolean;
}

export interface Target {
  project_id?: string;
  user_id?: string;
}

export type Check = (creds: Creds, target: Target, rule: (name: string) => boolean) => boolean;

class Parser {
  private i = 0;
  constructor(private readonly tokens: string[]) {}

  parse(): Check {
    if (this.tokens.length === 0) return () => true;
    const c = this.or();
    if (this.i < this.tokens.length) throw new Error(`unexpected '${this.tokens[this.i]}'`);
    return c;
  }

  private or(): Check {
    let left = this.and();
    while (this.tokens[this.i] === "or") {
      this.i++;
      const a = left;
      const b = this.and();
      left = (c, t, r) => a(c, t, r) || b(c, t, r);
    }
    return left;
  }

  private and(): Check {
    let left = this.not();
    while (this.tokens[this.i] === "and") {
      this.i++;
      const a = left;
      const b = this.not();
      left = (c, t, r) => a(c, t, r) && b(c, t, r);
    }
    return left;
  }

  private not(): Check {
    if (this.tokens[this.i] === "not") {
      this.i++;
      const inner = this.not();
      return (c, t, r) => !inner(c, t, r);
    }
    return this.atom();
  }

  private atom(): Check {
    const tok = this.tokens[this.i++];
    if (tok === undefined) throw new Error("unexpected end of check string");
    if (tok === "(") {
      const inner = this.or();
      if (this.tokens[this.i++] !== ")") throw new Error("missing ')'");
      return inner;
    }
    if (tok === "@") return () => true;
    if (tok === "!") return () => false;
    const idx = tok.indexOf(":");
    if (idx < 0) throw new Error(`'${tok}' is not a check (kind:match)`);
    const kind = tok.slice(0, idx);
    const match = tok.slice(idx + 1);
    if (kind === "role") return (c) => c.roles.includes(match);
    if (kind === "rule") return (_c, _t, rule) => rule(match);
    if (kind === "is_admin") return (c) => c.isAdmin === (match.toLowerCase() === "true");
    if (kind === "is_admin_project") return () => match.toLowerCase() === "true";
    const m = /^%\{(\w+)\}$/.exec(match);
    if (kind === "project_id") return (c, t) => (m ? t[m[1] as keyof Target] ?? t.project_id : match) === c.projectId;
    if (kind === "user_id") return (c, t) => (m ? t[m[1] as keyof Target] ?? t.user_id : match) === c.userId;
    throw new Error(`unknown check kind '${kind}'`);
  }
}

function tokenize(s: string): string[] {
  return s
    .replace(/%\((\w+)\)s/g, "%{$1}") // keep %(project_id)s whole while parentheses split tokens
    .replace(/\(/g, " ( ")
    .replace(/\)/g, " ) ")
    .split(/\s+/)
    .filter(Boolean);
}

/** Compile a check string; throws with a message naming the problem. */
export function compileCheck(text: string): Check {
  return new Parser(tokenize(text.trim())).parse();
}
