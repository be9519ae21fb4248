/**
 * A suite run once per database dialect, each run on its own in-process server: started before the
 * suite's tests, destroyed after them. The fixture's fields are live from the suite's first `before`
 * on; hooks the body registers run after the server has started.
 */
import type { Config } from "../../server/src/config";
import type { Client } from "./client";
import { DIALECTS, startServer, type Dialect, type TestServer } from "./server";

export interface ServerFixture {
  dialect: Dialect;
  s: TestServer;
  /** The server's client, as `alice:p1`. */
  c: Client;
  /** The same client as `admin:p1`. */
  admin: Client;
}

type Body = (this: Mocha.Suite, fx: ServerFixture) => void;

/** `describe(`${title} (${dialect})`)` for each dialect, with a server started with `config`. */
export function forEachDialect(title: string, body: Body): void;
export function forEachDialect(title: string, config: Partial<Config>, body: Body): void;
export function forEachDialect(title: string, configOrBody: Partial<Config> | Body, maybeBody?: Body): void {
  const [config, body] = typeof configOrBody === "function" ? [{}, configOrBody] : [configOrBody, maybeBody as Body];
  for (const dialect of DIALECTS) {
    describe(`${title} (${dialect})`, function () {
      const fx = { dialect } as ServerFixture;
      before(async () => {
        fx.s = await startServer(dialect, config);
        fx.c = fx.s.client;
        fx.admin = fx.c.as("admin:p1");
      });
      after(async () => fx.s?.destroy());
      body.call(this, fx);
    });
  }
}
