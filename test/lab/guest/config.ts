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
    backends: [
      { name: "lvm-thin", driver: "lvm", options: { volumeGroup: "cinder-thin", lvmType: "thin" } },
      { name: "lvm-thick", driver: "lvm", options: { volumeGroup: "cinder-thick", lvmType: "default", volumeClear: "zero" } },
      { name: "files", driver: "file", options: {} },
    ],
  };
}
