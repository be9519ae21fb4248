/**
 * The one way Cinderblock runs an external command: an argument array (never a shell string),
 * a timeout, LC_ALL=C, an optional root-helper prefix, secrets redacted from logs, and a typed
 * error that carries everything needed to understand a failure.
 */
import { spawn } from "node:child_process";
import type { Log } from "../log";

export interface ExecOptions {
  /** Milliseconds before the command is killed (SIGKILL); default 120 000. */
  timeoutMs?: number;
  /** Written to the command's standard input. */
  input?: string | Buffer;
  /** Exit codes that count as success; default [0]. */
  okCodes?: number[];
  /** Run through the root helper (sudo, ...) when one is configured. */
  root?: boolean;
  /** Strings to replace with *** wherever the command line or its output is logged or reported. */
  secrets?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

export class ExecError extends Error {
  constructor(
    readonly cmd: string,
    readonly args: readonly string[],
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
    readonly timedOut: boolean,
  ) {
    super(
      timedOut
        ? `${cmd} timed out: ${[cmd, ...args].join(" ")}`
        : `${cmd} exited with ${code}: ${[cmd, ...args].join(" ")}${stderr ? `: ${stderr.trim().slice(0, 500)}` : ""}`,
    );
    this.name = "ExecError";
  }
}

export interface Executor {
  run(cmd: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join("***");
  return out;
}

export class ProcessExecutor implements Executor {
  constructor(
    private readonly opts: { rootHelper?: string[]; log?: Pick<Log, "debug"> } = {},
  ) {}

  run(cmd: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (typeof cmd !== "string" || !Array.isArray(args)) throw new TypeError("an argument array is required");
    const secrets = opts.secrets ?? [];
    const [file, argv] =
      opts.root && this.opts.rootHelper?.length
        ? [this.opts.rootHelper[0], [...this.opts.rootHelper.slice(1), cmd, ...args]]
        : [cmd, [...args]];
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(file, argv, {
        env: { ...process.env, ...opts.env, LC_ALL: "C", LANG: "C" },
        cwd: opts.cwd,
        stdio: ["pipe", "pipe", "pipe"],
        shell: false,
      });
      let stdout = "";
      let stderr = "";
      let timedOut = false;
      // "close" waits for every holder of the stdout/stderr pipes, so a grandchild left running by
      // a killed (or already exited) command would keep the promise pending past its timeout.
      // Once the command itself is gone, drop our ends of the pipes so "close" fires.
      const releasePipes = (): void => {
        child.stdout.destroy();
        child.stderr.destroy();
      };
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
        if (child.exitCode !== null || child.signalCode !== null) releasePipes();
      }, opts.timeoutMs ?? 120_000);
      child.on("exit", () => {
        if (timedOut) releasePipes();
      });
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      child.on("error", (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new ExecError(file, argv.map((a) => redact(a, secrets)), null, "", redact(err.message, secrets), false));
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        const shown = argv.map((a) => redact(a, secrets));
        this.opts.log?.debug(
          { cmd: file, args: shown, code, ms: Date.now() - started, stderr: redact(stderr, secrets).slice(0, 2000) },
          "command finished",
        );
        if (!timedOut && code !== null && (opts.okCodes ?? [0]).includes(code)) {
          resolve({ stdout, stderr, code });
        } else {
          reject(new ExecError(file, shown, code, redact(stdout, secrets), redact(stderr, secrets), timedOut));
        }
      });
      child.stdin.on("error", () => undefined);
      child.stdin.end(opts.input ?? "");
    });
  }
}

/** How long a command took and how it ended, for metrics. */
export type CommandObserver = (cmd: string, seconds: number, outcome: "ok" | "failed" | "timeout") => void;

/** The command a line runs: the program itself, or the one `setpriv ... --` starts. */
function commandOf(cmd: string, args: readonly string[]): string {
  if (cmd !== "setpriv") return cmd;
  const end = args.indexOf("--");
  return end >= 0 && end + 1 < args.length ? args[end + 1] : cmd;
}

/** The executor with every command's duration and outcome reported to `observe`. */
export function observedExecutor(inner: Executor, observe: CommandObserver): Executor {
  return {
    async run(cmdLine, args, opts) {
      const cmd = commandOf(cmdLine, args);
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      try {
        const res = await inner.run(cmdLine, args, opts);
        observe(cmd, seconds(), "ok");
        return res;
      } catch (err) {
        observe(cmd, seconds(), err instanceof ExecError && err.timedOut ? "timeout" : "failed");
        throw err;
      }
    },
  };
}
