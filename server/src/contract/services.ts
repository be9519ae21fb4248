/** The service binaries (Cinder's names), as the services table and the os-services API show them. */
export const VOLUME_BINARY = "cinder-volume";
export const SCHEDULER_BINARY = "cinder-scheduler";
