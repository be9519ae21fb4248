/**
 * A call over the bus that no service answered, as the fault a user can act on. MessagingTimeout
 * (no reply within rpc_response_timeout) and MessageUndeliverable (no queue bound to the topic)
 * both mean that the service behind the topic is down or never ran; Cinder lets them through as a
 * bare 500. Here they are a 503 serviceUnavailable that names the service and the timeout and
 * says where to look. This is the one place these bus errors become a fault: the API functions
 * that wrap a call's failures use it, and the HTTP layer maps whatever else reaches it with it.
 */
import { MessageUndeliverable, MessagingTimeout } from "../../bus/amqp-wire";
import { type CinderError, serviceUnavailable } from "../../contract/errors";

const WHERE = "(see openstack volume service list)";

/** `cinder-volume.host@backend` is a volume service, `cinder-scheduler` the scheduler. */
function serviceOf(topic: string): string {
  if (topic.startsWith("cinder-volume")) return "volume service";
  if (topic.startsWith("cinder-scheduler")) return "scheduler service";
  return "service";
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** The 503 for a call no service answered; undefined for any other error. */
export function unansweredCallFault(err: unknown): CinderError | undefined {
  if (err instanceof MessagingTimeout) {
    return serviceUnavailable(`The ${serviceOf(err.topic)} ${err.topic} did not answer within ${seconds(err.timeoutMs)}; it may be down ${WHERE}`);
  }
  if (err instanceof MessageUndeliverable) {
    return serviceUnavailable(`No ${serviceOf(err.topic)} is listening on ${err.topic}; it may be down or never started ${WHERE}`);
  }
  return undefined;
}
