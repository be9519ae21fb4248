/** Cinder's timestamps: naive ISO-8601 UTC with microseconds, e.g. 2018-11-29T06:50:07.770785. */
let last = "";
let seq = 0;

/** Now, strictly increasing within this process so that creation order is also sort order. */
export function now(): string {
  const ms = new Date().toISOString().slice(0, 23);
  if (ms === last) {
    seq = Math.min(seq + 1, 999);
  } else {
    last = ms;
    seq = 0;
  }
  return ms + String(seq).padStart(3, "0");
}

/** The timestamp of a moment (ms since the epoch), in the same form, for comparing with stored ones. */
export function timestampAt(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23) + "000";
}

/** True for Cinder's naive ISO-8601 form (with or without fraction), as accepted in filters. */
export function isTimestamp(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z?$/.test(s) && !Number.isNaN(Date.parse(s.endsWith("Z") ? s : s + "Z"));
}
