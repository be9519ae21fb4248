/** Structured logs (pino); tokens, passwords and application credential secrets never reach a log line. */
import pino, { type Logger } from "pino";

/**
 * The logger the parts below app.ts write through: every line is an object of fields and a
 * message, at one of four levels. pino's Logger satisfies it; app.ts and the HTTP layer keep pino's
 * own type where they make child loggers. A part that writes at only some levels takes
 * `Pick<Log, ...>`, so that a caller can hand it just those.
 */
export interface Log {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A Log that drops every line. */
export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** `service` names the process: cinderblock (every service), or cinderblock-api, -scheduler, -volume. */
export function createLogger(level: string, destination?: pino.DestinationStream, service = "cinderblock"): Logger {
  return pino(
    {
      level,
      base: { service },
      redact: {
        paths: [
          'req.headers["x-auth-token"]',
          'req.headers["x-subject-token"]',
          "*.password",
          "*.auth_password",
          "*.token",
          "*.secret",
        ],
        censor: "***",
      },
    },
    destination,
  );
}
