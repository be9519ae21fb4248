/**
 * Structured logs (pino); tokens, passwords and application credential secrets never reach a log
 * line. On a terminal they are colored lines for people (pino-pretty), elsewhere one JSON object a
 * line for machines; `--log-format pretty|json` chooses.
 */
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

export type LogFormat = "pretty" | "json";

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

/** The format when none is asked for: pretty when the lines go to a terminal, JSON otherwise. */
export function defaultLogFormat(destination?: pino.DestinationStream): LogFormat {
  return destination === undefined && process.stdout.isTTY ? "pretty" : "json";
}

/** Lines for people: time, level, message, then the fields; written synchronously, in order with other output. */
function prettyStream(destination?: pino.DestinationStream): pino.DestinationStream {
  return pretty({
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname,service",
    sync: true,
    ...(destination ? { destination, colorize: false } : {}),
  });
}

/**
 * `service` names the process: cinderblock (every service), or cinderblock-api, -scheduler,
 * -volume. `format`: see defaultLogFormat.
 */
export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  service = "cinderblock",
  format: LogFormat = defaultLogFormat(destination),
): Logger {
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
    format === "pretty" ? prettyStream(destination) : destination,
  );
}
