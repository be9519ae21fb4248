/**
 * Progress of long command-line work (migrations, bulk admin commands), on standard error so that
 * what a command prints on standard output stays what scripts read. On a terminal: one line,
 * rewritten in place (at most every 100 ms). Otherwise (a log file, CI): a line at the start, then
 * at most one every `everyMs`, and one at the end.
 */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** Default: process.stderr. */
  sink?: ProgressSink;
  /** Between two lines when the sink is not a terminal (default 5000). */
  everyMs?: number;
  now?: () => number;
}

const TTY_EVERY_MS = 100;

export class Progress {
  private readonly sink: ProgressSink;
  private readonly tty: boolean;
  private readonly everyMs: number;
  private readonly now: () => number;
  private last = -Infinity;
  private done = 0;
  private finished = false;

  constructor(
    private readonly label: string,
    /** How many steps there are, when known. */
    private readonly total: number | undefined,
    opts: ProgressOptions = {},
  ) {
    this.sink = opts.sink ?? process.stderr;
    this.tty = Boolean(this.sink.isTTY);
    this.everyMs = this.tty ? TTY_EVERY_MS : (opts.everyMs ?? 5000);
    this.now = opts.now ?? Date.now;
    this.show("");
  }

  /** `done` steps are finished; `note` says what is being done now. */
  update(done: number, note = ""): void {
    this.done = done;
    if (this.now() - this.last >= this.everyMs) this.show(note);
  }

  /** The work is over: the last line, with `summary`. */
  finish(summary: string): void {
    if (this.finished) return;
    this.finished = true;
    const line = `${this.label}: ${summary}`;
    this.sink.write(this.tty ? `\r\x1b[K${line}\n` : `${line}\n`);
  }

  private show(note: string): void {
    this.last = this.now();
    const count = this.total === undefined ? `${this.done}` : `${this.done}/${this.total}${this.total > 0 ? ` (${Math.floor((100 * this.done) / this.total)}%)` : ""}`;
    const line = `${this.label}: ${count}${note ? ` ${note}` : ""}`;
    this.sink.write(this.tty ? `\r\x1b[K${line}` : `${line}\n`);
  }
}
