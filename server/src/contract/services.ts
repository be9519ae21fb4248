/** The service binaries (Cinder's names), as the services table and the os-services API show them. */
export const VOLUME_BINARY = "cinder-volume";
export const SCHEDULER_BINARY = "cinder-scheduler";
export const BACKUP_BINARY = "cinder-backup";

/** Cinder's default service_down_time: a service without a heartbeat for this long is down. */
export const SERVICE_DOWN_SECONDS = 60;

/** cinder/utils.py service_is_up: the last heartbeat (or the registration) is recent enough. */
export function isServiceUp(s: { updated_at: string | null; created_at: string }, downSeconds: number, nowMs = Date.now()): boolean {
  const t = s.updated_at ?? s.created_at;
  return nowMs - Date.parse(t + "Z") <= downSeconds * 1000;
}
