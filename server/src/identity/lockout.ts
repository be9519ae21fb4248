/**
 * Failed-login throttling for the built-in identity, as Keystone's [security_compliance]
 * lockout_failure_attempts / lockout_duration (keystone/identity/backends/sql.py
 * `_is_account_locked`, `_record_failed_auth`, `_reset_failed_auth`; keystone/exception.py
 * AccountLocked): a user with that many wrong passwords is refused, the right password too, with
 * 401 "The account is locked for user: <id>." until the duration has passed since the last
 * failure; a successful login resets the count. The password is not checked while locked, so a
 * flood against a locked user costs no hashing.
 *
 * Besides Keystone: each client address (an IPv6 /64, which one host usually holds whole) has a
 * budget of failed logins, whoever they name (unknown users included), after which every password
 * login from it is refused for the duration. That bounds user-enumeration and spraying floods,
 * which a per-user count does not see, and refusing them all (not only unknown names) keeps the
 * answer's timing from telling which users exist.
 *
 * State is kept in this process's memory, not in the users table as Keystone does: one server
 * process serves the API, failures cost no database write, and a restart forgets the counts
 * (deployments running several processes multiply the budgets by their number). A count also
 * lapses when no failure was added for the duration (Keystone keeps a count below the limit
 * until the next success).
 */
import { isIPv4, isIPv6 } from "node:net";
import { KeystoneError } from "./errors";

export interface LockoutOptions {
  /** Wrong passwords before a user is locked out; 0 = never (Keystone's lockout_failure_attempts). */
  failureAttempts: number;
  /** Seconds a lockout lasts after the last failure (Keystone's lockout_duration). */
  durationSeconds: number;
  /** Failed logins from one client address before it is refused; 0 = never. */
  clientFailureAttempts: number;
}

/** Entries kept per counter at most; the oldest go first (an attacker rotating addresses). */
const MAX_ENTRIES = 10_000;

interface Failures {
  count: number;
  lastAt: number;
}

/** Failures per key: locked at `limit` until `durationMs` after the last one. */
class FailureCounter {
  private readonly entries = new Map<string, Failures>();

  constructor(
    private readonly limit: number,
    private readonly durationMs: number,
    private readonly now: () => number,
  ) {}

  private current(key: string): Failures | undefined {
    const e = this.entries.get(key);
    if (e && this.now() - e.lastAt > this.durationMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Milliseconds the key stays locked; 0 when it is not locked. */
  lockedFor(key: string): number {
    if (this.limit <= 0) return 0;
    const e = this.current(key);
    return e && e.count >= this.limit ? e.lastAt + this.durationMs - this.now() : 0;
  }

  fail(key: string): void {
    if (this.limit <= 0) return;
    const e = this.current(key) ?? { count: 0, lastAt: 0 };
    e.count++;
    e.lastAt = this.now();
    this.entries.delete(key); // re-insert: the map's order is the order of last failure
    this.entries.set(key, e);
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  reset(key: string): void {
    this.entries.delete(key);
  }
}

/** The key of a client address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64 prefix. */
export function clientKey(address: string): string {
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  if (isIPv4(v4)) return v4;
  if (!isIPv6(address)) return address;
  const [head, tail = ""] = address.split("::");
  const h = head ? head.split(":") : [];
  const t = address.includes("::") && tail ? tail.split(":") : [];
  const groups = address.includes("::") ? [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t] : h;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

export const accountLocked = (userId: string) => new KeystoneError(401, `The account is locked for user: ${userId}.`);

/** One password check's caller: the guard and the client address it came from. */
export interface LoginAttempt {
  guard: LoginGuard;
  client: string;
}

export class LoginGuard {
  private readonly users: FailureCounter;
  private readonly clients: FailureCounter;

  constructor(opts: LockoutOptions, now: () => number = Date.now) {
    const ms = opts.durationSeconds * 1000;
    this.users = new FailureCounter(opts.failureAttempts, ms, now);
    this.clients = new FailureCounter(opts.clientFailureAttempts, ms, now);
  }

  /** Before anything is looked up: a client over its budget is refused (401). */
  checkClient(client: string): void {
    const ms = this.clients.lockedFor(clientKey(client));
    if (ms > 0) {
      const s = Math.max(1, Math.ceil(ms / 1000));
      throw new KeystoneError(401, `Too many failed authentication attempts from this address; try again in ${s} second${s === 1 ? "" : "s"}.`);
    }
  }

  /** Before the password is checked: a locked-out user is refused (Keystone's AccountLocked). */
  checkUser(userId: string): void {
    if (this.users.lockedFor(userId) > 0) throw accountLocked(userId);
  }

  /** A wrong password, or a user that does not exist (`userId` null). */
  failed(client: string, userId: string | null): void {
    this.clients.fail(clientKey(client));
    if (userId) this.users.fail(userId);
  }

  succeeded(userId: string): void {
    this.users.reset(userId);
  }
}
