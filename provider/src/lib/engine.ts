/**
 * The engine's side channel: the pulumirpc.Engine service at the address the engine hands the
 * provider (first CLI argument, Handshake's `engineAddress`, or Attach's `address` when the engine
 * attaches to an already running provider through PULUMI_DEBUG_PROVIDERS). The provider uses it to
 * log what a user should see (e.g. the detaches a delete performs). Logging is best effort: an
 * unreachable engine never fails a resource operation.
 */
import * as grpc from "@grpc/grpc-js";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";

export type Severity = "debug" | "info" | "warning" | "error";

const SEVERITY: Record<Severity, number> = {
  debug: engineproto.LogSeverity.DEBUG,
  info: engineproto.LogSeverity.INFO,
  warning: engineproto.LogSeverity.WARNING,
  error: engineproto.LogSeverity.ERROR,
};

export class EngineLink {
  private client?: enginerpc.EngineClient;
  address?: string;

  /** (Re)connect to the engine at `address` (host:port). */
  connect(address: string): void {
    if (!address || address === this.address) return;
    this.client?.close();
    this.address = address;
    this.client = new enginerpc.EngineClient(address, grpc.credentials.createInsecure());
  }

  /** Send one message to the engine's log; resolves false when it was not delivered. */
  log(severity: Severity, message: string, urn = ""): Promise<boolean> {
    const client = this.client;
    if (!client) return Promise.resolve(false);
    const req = new engineproto.LogRequest().setSeverity(SEVERITY[severity]).setMessage(message).setUrn(urn);
    return new Promise((resolve) => client.log(req, new grpc.Metadata(), { deadline: Date.now() + 5_000 }, (e) => resolve(!e)));
  }

  close(): void {
    this.client?.close();
    this.client = undefined;
    this.address = undefined;
  }
}
