/**
 * The persisted per-volume target file, in the format of Cinder's `TgtAdm.VOLUME_CONF`
 * (cinder/volume/targets/tgt.py), written to `volumes_dir/volume-<id>`. With
 * `include <volumes_dir>/*` in /etc/tgt/targets.conf, `tgt-admin -e` restores every export on its
 * own after a reboot; Cinderblock itself restores from the database (`ensureExport`).
 */

export interface TargetFile {
  iqn: string;
  /** The LUN's SCSI identity (scsi_id, scsi_sn: the initiator's WWID), the volume id as in the live target. */
  volumeId: string;
  path: string;
  user: string;
  password: string;
  writeCache: boolean;
}

/** A value tgt-admin reads from one whitespace-separated config line: no spaces, no newlines, no '<' or '>'. */
function token(v: string, what: string): string {
  if (!/^[^\s<>]+$/.test(v)) throw new Error(`tgt ${what} ${JSON.stringify(v)} cannot be written to a target file`);
  return v;
}

export function renderTargetFile(f: TargetFile): string {
  return [
    "",
    `<target ${token(f.iqn, "iqn")}>`,
    `    backing-store ${token(f.path, "backing store")}`,
    "    driver iscsi",
    `    incominguser ${token(f.user, "user")} ${token(f.password, "password")}`,
    `    write-cache ${f.writeCache ? "on" : "off"}`,
    "    params thin_provisioning=1",
    `    scsi_id ${token(f.volumeId, "scsi id")}`,
    `    scsi_sn ${token(f.volumeId, "scsi serial")}`,
    "</target>",
    "",
  ].join("\n");
}
