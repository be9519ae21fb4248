/** Structured logs (pino); tokens and passwords never reach a log line. */
import pino, { type Logger } from "pino";

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "cinderblock" },
      redact: {
        paths: [
          'req.headers["x-auth-token"]',
          'req.headers["x-subject-token"]',
          "*.password",
          "*.auth_password",
          "*.token",
        ],
        censor: "***",
      },
    },
    destination,
  );
}
