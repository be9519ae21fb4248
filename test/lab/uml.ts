/**
 * The kernel lab: runs one command inside a throw-away User-Mode-Linux kernel, for the tests that
 * need what this host's kernel lacks (device-mapper for LVM thick/thin/snapshots, configfs + LIO
 * for the iSCSI target, the open-iscsi kernel initiator).
 *
 * UML boots Debian's `linux.uml` as an ordinary process with the host's filesystem as its root
 * (hostfs), so the command runs on the same files as the host (this checkout, node_modules), in
 * the same folder. The guest gets sparse disks (`/dev/ubda`, `/dev/ubdb`, ...) each holding a
 * volume group (`LVM_SYSTEM_DIR` points at an lvm.conf that works without udev), a private
 * /dev, /run and private copies of the iSCSI/LIO state folders; nothing else is isolated, so
 * commands must keep their writes to scratch folders. Host↔guest networking is not usable for
 * data, which is why whole test files run inside the guest, not a server outside talking in.
 *
 * Tests may use child_process directly (the Executor rule is for the server).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, promises as fsp, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const UML_BIN = "/usr/bin/linux.uml";
const UML_MODULES = "/usr/lib/uml/modules";

/** Kernel modules the lab loads at boot. */
const MODULES = [
  "dm-mod",
  "dm-snapshot",
  "dm-thin-pool",
  "dm-bufio",
  "loop",
  "configfs",
  "target_core_mod",
  "target_core_iblock",
  "target_core_file",
  "iscsi_target_mod",
  "iscsi_tcp",
  "sd_mod",
];

/** Folders whose state guest daemons write; the guest gets private (tmpfs) copies. */
const PRIVATE_DIRS = ["/etc/iscsi", "/etc/target", "/etc/rtslib-fb-target", "/var/target", "/var/lib/iscsi"];

export interface LabDisk {
  /** The volume group made on the disk. */
  vg: string;
  /** Also create the thin pool `<vg>-pool` on 95 % of the free space, as Cinder does. */
  thinPool?: boolean;
  /** Size of a fresh sparse disk (default `4G`). */
  size?: string;
  /** Keep the disk in this file: an existing volume group on it is activated, not re-created (reboots). */
  file?: string;
}

export interface UmlRunOptions {
  /** The command and its arguments, run in `cwd` inside the guest. */
  command: string[];
  /** Default: the current directory. */
  cwd?: string;
  /** The guest's disks, each holding one volume group (default: one 4 GiB disk, VG `cinder-volumes`). */
  disks?: LabDisk[];
  /** Guest memory (default `768M`). */
  mem?: string;
  /** Whole run, boot included (default 300 s). */
  timeoutMs?: number;
  /** Variables exported to the command (on top of PATH, HOME, LANG, TERM and the host's LAB_* and CINDERBLOCK_*). */
  env?: Record<string, string>;
}

export interface UmlResult {
  /** The command's exit code; 124 when the run timed out, 125 when the guest did not run it. */
  code: number;
  stdout: string;
  stderr: string;
  /** The end of the guest's boot log and console, for diagnosing a failed run. */
  diagnostics: string;
}

function uname(): string | null {
  try {
    const versions = readdirSync(UML_MODULES);
    return versions.length === 1 ? versions[0] : null;
  } catch {
    return null;
  }
}

/** Why the lab cannot run here, or null when it can. */
export function umlUnavailable(): string | null {
  if (process.platform !== "linux") return "needs Linux";
  if (process.getuid?.() !== 0) return "needs root: the guest manages LVM, LIO and iSCSI on hostfs as root";
  if (!existsSync(UML_BIN) || !uname()) return "needs user-mode-linux (apt-get install user-mode-linux)";
  for (const tool of ["lvm", "thin_check", "iscsiadm", "iscsid", "modprobe"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) {
      return `needs ${tool} (apt-get install kmod lvm2 thin-provisioning-tools open-iscsi)`;
    }
  }
  return null;
}

/** Single-quoted for sh. */
function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** PID 1 of the guest: mounts, private state, modules, an LVM configuration without udev, the VG, then the command. */
function initScript(o: { scratch: string; disks: LabDisk[]; version: string }): string {
  const s = q(o.scratch);
  const vgs = o.disks
    .map(
      (d, i) => `make_vg /dev/ubd${String.fromCharCode(97 + i)} ${q(d.vg)} ${d.thinPool ? 1 : 0}`,
    )
    .join("\n");
  return `#!/bin/sh
S=${s}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
exec >"$S/init.log" 2>&1
set -x
mount -t proc proc /proc
mount -t sysfs sysfs /sys
grep -q ' /dev devtmpfs' /proc/mounts || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mkdir -p /run/lock /run/lvm
for d in ${PRIVATE_DIRS.map(q).join(" ")}; do
  [ -d "$d" ] || continue
  mkdir -p "$S/private$d"; cp -a "$d/." "$S/private$d/" 2>/dev/null
  mount -t tmpfs tmpfs "$d"; cp -a "$S/private$d/." "$d/"
done
if [ ! -s /etc/iscsi/initiatorname.iscsi ] && [ -d /etc/iscsi ]; then
  echo "InitiatorName=iqn.1993-08.org.debian:01:lab$$" > /etc/iscsi/initiatorname.iscsi
fi
# The UML kernel's modules live outside /lib/modules; modprobe -d looks under <dir>/lib/modules.
mkdir -p "$S/modroot/lib/modules"
ln -sfn ${q(path.join(UML_MODULES, o.version))} "$S/modroot/lib/modules/${o.version}"
for m in ${MODULES.join(" ")}; do modprobe -d "$S/modroot" "$m" || echo "modprobe $m failed"; done
mount -t configfs configfs /sys/kernel/config 2>/dev/null
ip link set lo up
mkdir -p "$S/lvm"
cp /etc/lvm/lvm.conf "$S/lvm/lvm.conf"
sed -i '/use_lvmetad/d' "$S/lvm/lvm.conf"
cat >> "$S/lvm/lvm.conf" <<'EOC'
activation {
  udev_sync = 0
  udev_rules = 0
  verify_udev_operations = 1
}
devices {
  obtain_device_list_from_udev = 0
  filter = [ "a|^/dev/ubd|", "r|.*|" ]
}
EOC
export LVM_SYSTEM_DIR="$S/lvm" LVM_SUPPRESS_FD_WARNINGS=1
make_vg() {
  if vgs "$2" >/dev/null 2>&1; then
    vgchange -ay "$2"
  else
    pvcreate -ff -y "$1" && vgcreate "$2" "$1"
  fi
  if [ "$3" = 1 ] && ! lvs "$2/$2-pool" >/dev/null 2>&1; then
    FREE=$(vgs --noheadings --units b --nosuffix -o vg_free "$2" | tr -d ' ')
    EXTENT=$(vgs --noheadings --units b --nosuffix -o vg_extent_size "$2" | tr -d ' ')
    lvcreate -T -l "$((FREE / EXTENT * 95 / 100))" "$2/$2-pool"
  fi
}
${vgs}
export LAB_SCRATCH="$S"
set +x
echo "init: running the command"
sh "$S/cmd.sh" >"$S/stdout" 2>"$S/stderr" </dev/null
echo $? > "$S/status.tmp"
mv "$S/status.tmp" "$S/status"
sync
halt -f
`;
}

async function readOr(file: string, fallback = ""): Promise<string> {
  try {
    return await fsp.readFile(file, "utf8");
  } catch {
    return fallback;
  }
}

function tail(text: string, lines: number): string {
  return text.split("\n").slice(-lines).join("\n");
}

/** Boots the guest, runs the command, and returns its exit code and output once the guest has halted. */
export async function runInUml(opts: UmlRunOptions): Promise<UmlResult> {
  const why = umlUnavailable();
  if (why) throw new Error(`the kernel lab cannot run here: ${why}`);
  const version = uname() as string;
  const scratch = await fsp.mkdtemp(path.join(os.tmpdir(), "cinderblock-uml-"));
  await fsp.chmod(scratch, 0o755);
  try {
    const disks = opts.disks ?? [{ vg: "cinder-volumes" }];
    const files: string[] = [];
    for (const [i, d] of disks.entries()) {
      const file = d.file ?? path.join(scratch, `disk${i}.img`);
      if (!existsSync(file)) {
        await fsp.writeFile(file, "");
        await fsp.truncate(file, parseSize(d.size ?? "4G"));
      }
      files.push(file);
    }
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && (["PATH", "HOME", "LANG", "TERM"].includes(k) || /^(LAB|CINDERBLOCK)_/.test(k))) env[k] = v;
    }
    Object.assign(env, opts.env);
    const cmd = [
      `cd ${q(opts.cwd ?? process.cwd())} || exit 126`,
      ...Object.entries(env).map(([k, v]) => `export ${k}=${q(v)}`),
      `exec ${opts.command.map(q).join(" ")}`,
      "",
    ].join("\n");
    await fsp.writeFile(path.join(scratch, "cmd.sh"), cmd);
    await fsp.writeFile(path.join(scratch, "init.sh"), initScript({ scratch, disks, version }), {
      mode: 0o755,
    });

    const args = [
      `mem=${opts.mem ?? "768M"}`,
      "root=/dev/root",
      "rootfstype=hostfs",
      "rootflags=/",
      "rw",
      `init=${path.join(scratch, "init.sh")}`,
      ...files.map((f, i) => `ubd${i}=${f}`),
      "con0=null,fd:2",
      "con=null",
      "ssl=null",
      `uml_dir=${scratch}`,
      "umid=lab",
      "quiet",
    ];
    const consoleLog = await fsp.open(path.join(scratch, "console.log"), "w");
    // detached: the guest's many host processes form one process group, killed together on timeout.
    const child = spawn(UML_BIN, args, { detached: true, stdio: ["ignore", consoleLog.fd, consoleLog.fd] });
    let timedOut = false;
    const killGroup = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs ?? 300_000);
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.once("error", () => resolve());
    });
    clearTimeout(timer);
    killGroup(); // helper processes the guest left behind
    await consoleLog.close();

    const status = await readOr(path.join(scratch, "status"));
    const code = timedOut ? 124 : status.trim() === "" ? 125 : Number(status.trim());
    const stdout = await readOr(path.join(scratch, "stdout"));
    const stderr = await readOr(path.join(scratch, "stderr"));
    const diagnostics =
      `--- guest console\n${tail(await readOr(path.join(scratch, "console.log")), 30)}\n` +
      `--- guest init\n${tail(await readOr(path.join(scratch, "init.log")), 40)}`;
    return { code, stdout, stderr, diagnostics };
  } finally {
    await fsp.rm(scratch, { recursive: true, force: true });
  }
}

function parseSize(size: string): number {
  const m = /^(\d+)([KMG]?)$/.exec(size);
  if (!m) throw new Error(`bad disk size '${size}' (e.g. 4G, 512M)`);
  return Number(m[1]) * { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2] as "" | "K" | "M" | "G"];
}
