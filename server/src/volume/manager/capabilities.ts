/**
 * A backend's capabilities as the volume manager answers `get_capabilities`
 * (cinder/volume/manager.py get_capabilities; cinder/volume/driver.py init_capabilities): the
 * driver's backend-level stats, without the pools, plus Cinder's standard properties.
 */
import type { BackendCapabilities, PropertyDescriptor } from "../../contract/capabilities";
import type { BackendStats } from "../../drivers/interface";

/** cinder/volume/driver.py `_init_standard_capabilities`. */
export const STANDARD_PROPERTIES: Readonly<Record<string, PropertyDescriptor>> = {
  thin_provisioning: { title: "Thin Provisioning", description: "Sets thin provisioning.", type: "boolean" },
  compression: { title: "Compression", description: "Enables compression.", type: "boolean" },
  qos: { title: "QoS", description: "Enables QoS.", type: "boolean" },
  replication_enabled: { title: "Replication", description: "Enables replication.", type: "boolean" },
};

export function capabilitiesOf(stats: BackendStats): BackendCapabilities {
  return {
    volume_backend_name: stats.volumeBackendName,
    vendor_name: stats.vendorName,
    driver_version: stats.driverVersion,
    storage_protocol: stats.storageProtocol,
    properties: structuredClone(STANDARD_PROPERTIES) as Record<string, PropertyDescriptor>,
  };
}
