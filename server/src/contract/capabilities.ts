/** What a volume service answers when asked for its capabilities (cinder/volume/rpcapi.py get_capabilities). */

/** One property a backend understands in extra specs (cinder/volume/driver.py `_set_property`). */
export interface PropertyDescriptor {
  title: string;
  description: string;
  type: string;
}

export interface BackendCapabilities {
  volume_backend_name: string;
  vendor_name: string;
  driver_version: string;
  storage_protocol: string;
  properties: Record<string, PropertyDescriptor>;
}
