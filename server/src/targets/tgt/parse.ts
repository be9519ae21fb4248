/**
 * Pure parsers of `tgtadm --lld iscsi --op show --mode target|account` output (tgt 1.0.x; the
 * layout is printed by usr/target.c `tgt_target_show_all`). Cinder scrapes `tgt-admin --show`
 * for `Target N: <iqn>` and the `        LUN: 1` line; this reads the whole structure so every
 * step of an idempotent create can be decided from one `show`.
 */

export interface TgtLun {
  lun: number;
  type: string;
  /** "None" for the controller LUN. */
  backingStorePath: string | null;
  backingStoreType: string | null;
  thinProvisioning: boolean;
  /** As printed: megabytes, rounded (e.g. "67 MB"). */
  sizeMb: number | null;
}

export interface TgtSession {
  nexus: number;
  initiator: string;
  addresses: string[];
}

export interface TgtTarget {
  tid: number;
  iqn: string;
  state: string | null;
  sessions: TgtSession[];
  luns: TgtLun[];
  accounts: string[];
  acls: string[];
}

type Section = "system" | "nexus" | "lun" | "account" | "acl" | null;

const SECTIONS: Record<string, Section> = {
  "System information:": "system",
  "I_T nexus information:": "nexus",
  "LUN information:": "lun",
  "Account information:": "account",
  "ACL information:": "acl",
};

export function parseTargets(out: string): TgtTarget[] {
  const targets: TgtTarget[] = [];
  let t: TgtTarget | undefined;
  let section: Section = null;
  let lun: TgtLun | undefined;
  let session: TgtSession | undefined;
  for (const raw of out.split("\n")) {
    if (raw.trim() === "") continue;
    const head = /^Target (\d+): (\S+)\s*$/.exec(raw);
    if (head) {
      t = { tid: Number(head[1]), iqn: head[2], state: null, sessions: [], luns: [], accounts: [], acls: [] };
      targets.push(t);
      section = null;
      continue;
    }
    if (!t) throw new Error(`unexpected tgtadm output before any target: ${JSON.stringify(raw)}`);
    const line = raw.trim();
    if (/^ {4}\S/.test(raw) && line in SECTIONS) {
      section = SECTIONS[line];
      lun = undefined;
      session = undefined;
      continue;
    }
    const kv = /^([^:]+):\s?(.*)$/.exec(line);
    switch (section) {
      case "system":
        if (kv?.[1] === "State") t.state = kv[2];
        break;
      case "nexus":
        if (kv?.[1] === "I_T nexus") {
          session = { nexus: Number(kv[2]), initiator: "", addresses: [] };
          t.sessions.push(session);
        } else if (session && kv?.[1] === "Initiator") session.initiator = kv[2].split(" ")[0];
        else if (session && kv?.[1] === "IP Address") session.addresses.push(kv[2]);
        break;
      case "lun":
        if (kv?.[1] === "LUN") {
          lun = { lun: Number(kv[2]), type: "", backingStorePath: null, backingStoreType: null, thinProvisioning: false, sizeMb: null };
          t.luns.push(lun);
        } else if (lun && kv) applyLunField(lun, kv[1], kv[2]);
        break;
      case "account":
        t.accounts.push(line);
        break;
      case "acl":
        t.acls.push(line);
        break;
      default:
        break;
    }
  }
  return targets;
}

function applyLunField(lun: TgtLun, key: string, value: string): void {
  if (key === "Type") lun.type = value;
  else if (key === "Backing store path") lun.backingStorePath = value === "None" ? null : value;
  else if (key === "Backing store type") lun.backingStoreType = value === "null" ? null : value;
  else if (key === "Thin-provisioning") lun.thinProvisioning = value === "Yes";
  else if (key === "Size") {
    const m = /^(\d+) MB/.exec(value);
    lun.sizeMb = m ? Number(m[1]) : null;
  }
}

/** `tgtadm --op show --mode account`: "Account list:" then one user per line. */
export function parseAccounts(out: string): string[] {
  const lines = out.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  if (lines.length === 0) return [];
  if (lines[0] !== "Account list:") throw new Error(`unexpected tgtadm account output: ${JSON.stringify(lines[0])}`);
  return lines.slice(1);
}

/** The next free target id (tgt-admin takes max+1 as well; the caller holds the target lock). */
export function nextTid(targets: readonly TgtTarget[]): number {
  return targets.reduce((max, t) => Math.max(max, t.tid), 0) + 1;
}
