/**
 * The table of test/cli/README.md against the installed `openstack` CLI: every command of its volume
 * group and its common group has a row, every row is a command it offers, and a row that names a
 * suite is a command that suite runs (its words in order, as the suite passes them). A CLI with new
 * commands fails here until they are covered or said why not.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { OPENRC_VOLUME_API_VERSION } from "../../server/src/admin";
import { startServer, type TestServer } from "../helpers/server";
import { json, openrc, requireCli } from "../helpers/openstack";

const README = path.join(__dirname, "README.md");
/** The groups of `openstack command list` that hold the block-storage commands. */
const GROUPS = ["openstack.volume.v3", "openstack.common"];
/** What a row that names no suite must start with. */
const REASONS = ["not served: ", "images: ", "not a service command: "];

function readTable(text: string): Map<string, string> {
  const start = text.indexOf("<!-- commands:start -->");
  const end = text.indexOf("<!-- commands:end -->");
  assert.ok(start >= 0 && end > start, "the README has a commands table between its markers");
  const rows = new Map<string, string>();
  for (const line of text.slice(start, end).split("\n").slice(3)) {
    if (line.trim() === "") continue;
    const m = /^\| `([a-z ]+)` \| (.+) \|$/.exec(line);
    assert.ok(m, `not a table row: ${line}`);
    assert.ok(!rows.has(m[1]), `${m[1]} has two rows`);
    rows.set(m[1], m[2]);
  }
  return rows;
}

describe("the openstack CLI: every block-storage command is covered", function () {
  this.timeout(300_000);
  before(requireCli);
  let s: TestServer;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    s = await startServer("sqlite", { auth: "builtin" });
    env = await openrc(s, "admin", "admin");
  });
  after(async () => s?.destroy());

  it("the README's table is the installed CLI's commands, and each named suite runs its command", async () => {
    assert.equal(env.OS_VOLUME_API_VERSION, OPENRC_VOLUME_API_VERSION);
    const listed: { "Command Group": string; Commands: string[] }[] = await json(env, ["command", "list"]);
    const groups = listed.map((g) => g["Command Group"]);
    for (const g of GROUPS) assert.ok(groups.includes(g), `the CLI has a group ${g} (it has ${groups.join(", ")})`);
    assert.deepEqual(groups.filter((g) => g.startsWith("openstack.volume.")), ["openstack.volume.v3"], "at a 3.x openrc the CLI uses its v3 volume commands");
    const offered = new Set(listed.filter((g) => GROUPS.includes(g["Command Group"])).flatMap((g) => g.Commands));

    const rows = readTable(readFileSync(README, "utf8"));
    const missing = [...offered].filter((c) => !rows.has(c)).sort();
    assert.deepEqual(missing, [], "commands of the installed CLI without a row in test/cli/README.md");
    const stale = [...rows.keys()].filter((c) => !offered.has(c)).sort();
    assert.deepEqual(stale, [], "rows of test/cli/README.md that the installed CLI does not offer");

    const notRun: string[] = [];
    for (const [command, cell] of rows) {
      const suite = /^(openstack-[a-z-]+\.test\.ts)\b/.exec(cell)?.[1];
      if (!suite) {
        assert.ok(REASONS.some((r) => cell.startsWith(r)), `${command}: name a suite or start with one of ${REASONS.join("|")}: ${cell}`);
        continue;
      }
      const file = path.join(__dirname, suite);
      if (!existsSync(file)) {
        notRun.push(`${command} (${suite} does not exist)`);
        continue;
      }
      const words = command.split(" ").map((w) => `"${w}"`).join(", ");
      if (!readFileSync(file, "utf8").includes(words)) notRun.push(`${command} (${suite} has no [${words}, ...])`);
    }
    assert.deepEqual(notRun, [], "rows whose suite does not run the command");
  });
});
