/** ProcessExecutor against real processes: argv passed literally, timeouts, errors, redaction, env, stdin. */
import assert from "node:assert/strict";
import { ExecError, ProcessExecutor } from "../../server/src/exec/executor";

type Logged = { obj: object; msg: string };

function recordingExecutor(opts: { rootHelper?: string[] } = {}): { exec: ProcessExecutor; logged: Logged[] } {
  const logged: Logged[] = [];
  const exec = new ProcessExecutor({ ...opts, log: { debug: (obj, msg) => logged.push({ obj, msg }) } });
  return { exec, logged };
}

async function execError(p: Promise<unknown>): Promise<ExecError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ExecError, `expected an ExecError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected the command to fail");
}

describe("ProcessExecutor", () => {
  const exec = new ProcessExecutor();

  it("passes arguments literally: no shell sees ;, quotes, $, globs or backticks", async () => {
    const { stdout } = await exec.run("printf", ["%s", "a; rm -rf /"]);
    assert.equal(stdout, "a; rm -rf /");
    const tricky = ["two words", "it's", '"dq"', "$HOME", "*", "`id`", "$(id)", "a|b", "x > y", "", "\\n"];
    const res = await exec.run("printf", ["%s\\n", ...tricky]);
    assert.deepEqual(res.stdout.split("\n").slice(0, -1), tricky);
    assert.equal(res.code, 0);
    assert.equal(res.stderr, "");
  });

  it("refuses a command line given as a string instead of an argument array", async () => {
    await assert.rejects(async () => exec.run("ls", "-l /" as unknown as string[]), TypeError);
  });

  it("kills a command that outlives its timeout and reports timedOut", async () => {
    const started = Date.now();
    const err = await execError(exec.run("sleep", ["10"], { timeoutMs: 200 }));
    assert.equal(err.timedOut, true);
    assert.equal(err.cmd, "sleep");
    assert.match(err.message, /timed out/);
    assert.ok(Date.now() - started < 5000, "returned promptly");
  });

  it("returns at the timeout even when a grandchild keeps the output pipe open", async () => {
    const started = Date.now();
    // sh is killed, but `sleep 3 | cat` survives it holding stdout; the call must not wait for it.
    const err = await execError(exec.run("sh", ["-c", "sleep 3 | cat; echo done"], { timeoutMs: 300 }));
    assert.equal(err.timedOut, true);
    assert.ok(Date.now() - started < 2500, `returned after ${Date.now() - started} ms`);
  });

  it("rejects a non-zero exit with code, stdout and stderr", async () => {
    const err = await execError(exec.run("sh", ["-c", "echo out; echo oops >&2; exit 3"]));
    assert.equal(err.name, "ExecError");
    assert.equal(err.code, 3);
    assert.equal(err.stdout, "out\n");
    assert.equal(err.stderr, "oops\n");
    assert.equal(err.timedOut, false);
    assert.deepEqual(err.args, ["-c", "echo out; echo oops >&2; exit 3"]);
    assert.match(err.message, /^sh exited with 3: .*: oops$/);
  });

  it("accepts the exit codes listed in okCodes", async () => {
    const res = await exec.run("sh", ["-c", "echo fine; exit 2"], { okCodes: [0, 2] });
    assert.deepEqual(res, { stdout: "fine\n", stderr: "", code: 2 });
    const err = await execError(exec.run("sh", ["-c", "exit 0"], { okCodes: [2] }));
    assert.equal(err.code, 0);
  });

  it("reports a command that cannot be started with code null", async () => {
    const err = await execError(exec.run("/nonexistent/cinderblock-tool", ["x"]));
    assert.equal(err.code, null);
    assert.equal(err.timedOut, false);
    assert.match(err.stderr, /ENOENT/);
  });

  it("redacts secrets from the error's message, args, stdout, stderr and from the log", async () => {
    const { exec: logging, logged } = recordingExecutor();
    const secret = "chap-S3cr3t";
    const script = 'echo "user=$1 pass=$2"; echo "bad password $2" >&2; exit 1';
    const err = await execError(
      logging.run("sh", ["-c", script, "sh", "alice", secret], { secrets: [secret] }),
    );
    const everything = JSON.stringify({ m: err.message, a: err.args, o: err.stdout, e: err.stderr, logged });
    assert.ok(!everything.includes(secret), everything);
    assert.ok(err.args.includes("***"));
    assert.equal(err.stdout, "user=alice pass=***\n");
    assert.match(err.message, /bad password \*\*\*/);
    assert.equal(logged.length, 1);
    assert.equal(logged[0].msg, "command finished");
  });

  it("forces LC_ALL=C (and LANG=C) over the caller's env, and passes other variables", async () => {
    const { stdout } = await exec.run("sh", ["-c", 'printf "%s|%s|%s" "$LC_ALL" "$LANG" "$CB_TEST"'], {
      env: { LC_ALL: "de_DE.UTF-8", LANG: "fr_FR.UTF-8", CB_TEST: "yes" },
    });
    assert.equal(stdout, "C|C|yes");
  });

  it("writes input to the command's stdin, strings and large buffers alike", async () => {
    assert.equal((await exec.run("cat", [], { input: "hello\nworld" })).stdout, "hello\nworld");
    const big = Buffer.alloc(4 * 1024 * 1024, "z");
    const { stdout } = await exec.run("wc", ["-c"], { input: big });
    assert.equal(stdout.trim(), String(big.length));
  });

  it("survives a command that exits without reading its input", async () => {
    const res = await exec.run("true", [], { input: Buffer.alloc(1024 * 1024) });
    assert.equal(res.code, 0);
  });

  it("runs in the requested working directory", async () => {
    assert.equal((await exec.run("pwd", [], { cwd: "/" })).stdout, "/\n");
  });

  it("prefixes the root helper only for root commands", async () => {
    // `env CB_ROOT=1` stands in for sudo: it runs the rest of argv as given, without a shell.
    const { exec: helped, logged } = recordingExecutor({ rootHelper: ["env", "CB_ROOT=1"] });
    const probe = ["-c", 'printf "%s" "${CB_ROOT:-0}"'];
    assert.equal((await helped.run("sh", probe, { root: true })).stdout, "1");
    assert.equal((await helped.run("sh", probe)).stdout, "0");
    assert.deepEqual((logged[0].obj as { cmd: string; args: string[] }).cmd, "env");
    const err = await execError(helped.run("false", [], { root: true }));
    assert.equal(err.cmd, "env");
    assert.deepEqual(err.args, ["CB_ROOT=1", "false"]);
  });
});
