/**
 * clouds.yaml, found where openstacksdk looks (openstack/config/loader.py): `OS_CLIENT_CONFIG_FILE`,
 * then `clouds.{yaml,yml,json}` in the current directory, `~/.config/openstack/`, `/etc/openstack/`;
 * the first file found is used, and `secure.yaml` (or `OS_CLIENT_SECURE_FILE`) from the same places
 * is layered on top, so passwords can live apart. Vendor `profile`s are not supported.
 */
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { ConfigError } from "../errors";
import { layer, type RawAuth, type RawCloud } from "./raw";

type Env = Record<string, string | undefined>;

function searchDirs(env: Env): string[] {
  const home = env.HOME ?? os.homedir();
  const xdg = env.XDG_CONFIG_HOME ?? path.join(home, ".config");
  return [process.cwd(), path.join(xdg, "openstack"), "/etc/openstack"];
}

function find(names: string[], explicit: string | undefined, env: Env): string | undefined {
  if (explicit) {
    if (!existsSync(explicit)) throw new ConfigError(`clouds file ${explicit} does not exist`);
    return explicit;
  }
  for (const dir of searchDirs(env)) {
    for (const n of names) {
      const p = path.join(dir, n);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}

function readClouds(file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    // The failsafe schema keeps every scalar a string, so `volume_api_version: 3.70` stays "3.70".
    doc = YAML.parse(readFileSync(file, "utf8"), { schema: "failsafe" });
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const clouds = (doc as { clouds?: unknown } | null)?.clouds;
  if (!clouds || typeof clouds !== "object") throw new ConfigError(`${file} has no 'clouds' mapping`);
  return clouds as Record<string, unknown>;
}

/** One clouds.yaml entry as a RawCloud (strings, except `verify`). */
function toRaw(entry: Record<string, unknown>): RawCloud {
  const raw: RawCloud = {};
  for (const [k, v] of Object.entries(entry)) {
    if (k === "auth" || k === "regions") continue;
    if (typeof v === "string") raw[k] = v;
  }
  if (typeof entry.verify === "string") raw.verify = !/^(false|no|off|0)$/i.test(entry.verify);
  const auth: RawAuth = {};
  for (const [k, v] of Object.entries((entry.auth ?? {}) as Record<string, unknown>)) {
    if (typeof v === "string") auth[k as keyof RawAuth] = v;
  }
  raw.auth = auth;
  if (!raw.region_name && Array.isArray(entry.regions) && entry.regions.length > 0) {
    const first = entry.regions[0] as string | { name?: string };
    raw.region_name = typeof first === "string" ? first : first.name;
  }
  return raw;
}

export interface CloudsOptions {
  /** The cloud's name in clouds.yaml. */
  cloud: string;
  /** An explicit clouds.yaml path (else OS_CLIENT_CONFIG_FILE, else the search path). */
  file?: string;
  env?: Env;
}

/** The named cloud from clouds.yaml (+ secure.yaml); throws ConfigError when it is not there. */
export function loadCloud(o: CloudsOptions): RawCloud {
  const env = o.env ?? {};
  const file = find(["clouds.yaml", "clouds.yml", "clouds.json"], o.file ?? env.OS_CLIENT_CONFIG_FILE, env);
  if (!file) throw new ConfigError(`cloud '${o.cloud}' requested, but no clouds.yaml was found`);
  const clouds = readClouds(file);
  const entry = clouds[o.cloud];
  if (!entry || typeof entry !== "object") {
    throw new ConfigError(`cloud '${o.cloud}' is not in ${file} (it has: ${Object.keys(clouds).join(", ") || "none"})`);
  }
  if ((entry as { profile?: unknown }).profile !== undefined && !(entry as { auth?: { auth_url?: unknown } }).auth?.auth_url) {
    throw new ConfigError(`cloud '${o.cloud}' uses a vendor profile, which this SDK does not read; set auth.auth_url`);
  }
  let raw = toRaw(entry as Record<string, unknown>);
  const secureFile = find(["secure.yaml", "secure.yml", "secure.json"], env.OS_CLIENT_SECURE_FILE, env);
  if (secureFile) {
    const secure = readClouds(secureFile)[o.cloud];
    if (secure && typeof secure === "object") raw = layer(raw, toRaw(secure as Record<string, unknown>));
  }
  return raw;
}
