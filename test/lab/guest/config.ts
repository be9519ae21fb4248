/** The backends the guest tests run: a thin and a thick LVM backend (VGs made by the lab runner) and a file backend, all exported through LIO. */
export const BACKENDS = [
  { name: "lvm-thin", vg: "cinder-thin", pv: "/dev/ubda", thin: true },
  { name: "lvm-thick", vg: "cinder-thick", pv: "/dev/ubdb", thin: false },
];

export function serverConfig() {
  return {
    targetHelper: "lio",
    targetIp: "127.0.0.1",
    targetPort: 3260,
    // The tests read devices synchronously, which on a slow guest blocks the event loop (and the
    // in-process server) for over a minute. When it resumes, the client reuses its idle connection
    // at the moment the server's keep-alive or idle timer closes it, and the request is reset. The
    // server keeps idle connections open here; the client closes them (fetch, after 4 s).
    keepAliveTimeoutMs: 0,
    idleTimeoutMs: 0,
    backends: [
      { name: "lvm-thin", driver: "lvm", options: { volumeGroup: "cinder-thin", lvmType: "thin" } },
      { name: "lvm-thick", driver: "lvm", options: { volumeGroup: "cinder-thick", lvmType: "default", volumeClear: "zero" } },
      { name: "files", driver: "file", options: {} },
    ],
  };
}
