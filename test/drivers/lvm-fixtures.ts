/** The LVM recordings of test/fixtures/lvm (made in the kernel lab by test/lab/record-lvm-fixtures.ts) and the ids in them. */
import { readFileSync } from "node:fs";
import path from "node:path";

export interface Recorded {
  cmd: string;
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
}

export const FIXTURES = path.resolve(__dirname, "../fixtures/lvm");
export const fx = (name: string): Recorded => JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), "utf8"));

export const VOL = "0b5c1f9e-4d3a-4c1e-9a7b-2f6d8e1c3a50";
export const VOL2 = "7e2a1f03-3c4b-4d5e-9f60-718293a4b5c6";
export const SNAP = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
/** An LV under Cinder's naming that the driver did not make (no owner tag). */
export const FOREIGN = "f0f0f0f0-0000-4000-8000-00000000f0f0";
