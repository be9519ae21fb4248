/**
 * What `cinderblock serve` (and `api`) tells the person who started it: where it listens, where its
 * data is, how to log in, and the pages an operator looks at. A JSON log line carries the same
 * fields; on a terminal it is also printed as a few lines of text.
 */
import path from "node:path";
import type { Config } from "./config";
import { ADMIN_PASSWORD_FILE } from "./identity/bootstrap";

export interface StartInfo {
  url: string;
  dataDir: string;
  dashboard: string;
  docs: string;
  metrics?: string;
  /** How to get credentials for the openstack CLI. */
  login: string;
  /** The built-in admin's password file. */
  passwordFile?: string;
}

/** The URL people reach the server at: the public endpoint, else the address it listens on. */
function baseUrl(config: Pick<Config, "publicEndpoint" | "bind">, port: number): string {
  if (config.publicEndpoint) return config.publicEndpoint.replace(/\/+$/, "");
  const host = config.bind === "0.0.0.0" || config.bind === "::" ? "127.0.0.1" : config.bind.includes(":") ? `[${config.bind}]` : config.bind;
  return `http://${host}:${port}`;
}

export function startInfo(config: Config, port: number): StartInfo {
  const url = baseUrl(config, port);
  const dataDir = path.resolve(config.dataDir);
  const info: StartInfo = { url, dataDir, dashboard: `${url}/dashboard`, docs: `${url}/docs`, login: "" };
  if (config.metrics) info.metrics = `${url}/metrics`;
  if (config.auth === "builtin") {
    const dirFlag = path.resolve("./data") === dataDir ? "" : ` --data-dir ${dataDir}`;
    info.login = `eval "$(cinderblock admin openrc --url ${url}${dirFlag})"`;
    info.passwordFile = path.join(dataDir, ADMIN_PASSWORD_FILE);
  } else if (config.auth === "noauth") {
    info.login = "auth noauth (development): send X-Auth-Token: USER:PROJECT; the user admin is an administrator";
  } else {
    info.login = `auth keystone: log in with the Keystone at ${config.keystone?.url ?? "the configured url"}`;
  }
  return info;
}

export function banner(info: StartInfo, db: string): string {
  const rows: [string, string][] = [
    ["listening on", info.url],
    ["data directory", info.dataDir],
    ["database", db],
    ["log in", info.login],
  ];
  if (info.passwordFile) rows.push(["admin password", `${info.passwordFile} (user admin, project admin)`]);
  rows.push(["dashboard", info.dashboard], ["API reference", info.docs]);
  if (info.metrics) rows.push(["metrics", info.metrics]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return `\nCinderblock is serving the Cinder v3 API\n\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join("\n")}\n\n`;
}
