/** The key manager a configuration names: `builtin` (default) or `barbican` with its URL. */
import type { Config, KeyManagerOptions } from "../config";
import type { Db } from "../db/database";
import { BarbicanKeyManager } from "./barbican";
import { BuiltinKeyManager } from "./builtin";
import type { KeyManager } from "./interface";

const FACTORIES: Record<KeyManagerOptions["backend"], (o: KeyManagerOptions, db: Db, cfg: Config) => KeyManager> = {
  builtin: (_o, db, cfg) => new BuiltinKeyManager(db, cfg.dataDir),
  barbican: (o) => new BarbicanKeyManager(o.url!),
};

export function keyManagerFor(cfg: Config, db: Db): KeyManager {
  const o = cfg.keyManager ?? { backend: "builtin" };
  const make = FACTORIES[o.backend];
  if (!make) throw new Error(`unknown key manager '${o.backend}'`);
  return make(o, db, cfg);
}
