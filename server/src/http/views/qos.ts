/** QoS specs to wire JSON (cinder/api/views/qos_specs.py): links sit beside `qos_specs`, list items have none. */
import type { QosSpecs } from "../../volume/api/qos";
import { type LinkBase, resourceLinks } from "./links";

export function qosSpecsView(q: QosSpecs): Record<string, unknown> {
  return { id: q.id, name: q.name, consumer: q.consumer, specs: { ...q.specs } };
}

export function qosSpecsDetail(base: LinkBase, q: QosSpecs): Record<string, unknown> {
  return { qos_specs: qosSpecsView(q), links: resourceLinks(base, "qos-specs", q.id) };
}
