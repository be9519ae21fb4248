/**
 * The server's CLI built into one JavaScript file for the kernel lab, where loading the
 * TypeScript source through tsx (hundreds of files over hostfs, each transpiled) takes minutes per
 * start. The file lives under node_modules so that the native and optional packages it leaves out
 * resolve from there.
 */
import { mkdtemp } from "node:fs/promises";
import { cpSync, mkdirSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const ROOT = path.resolve(__dirname, "../..");

/** Build `server/src/cli.ts` into a fresh folder; the path of the built `cli.js`. */
export async function bundleCli(): Promise<string> {
  const cache = path.join(ROOT, "node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  const dir = await mkdtemp(path.join(cache, "cinderblock-cli-"));
  const outfile = path.join(dir, "cli.js");
  await build({
    entryPoints: [path.join(ROOT, "server/src/cli.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    outfile,
    external: ["better-sqlite3", "pg-native"],
    logLevel: "error",
  });
  // The dashboard's files are read from beside the code that serves them (server/src/dashboard/index.ts staticDir).
  cpSync(path.join(ROOT, "server/src/dashboard/static"), path.join(dir, "static"), { recursive: true });
  return outfile;
}
