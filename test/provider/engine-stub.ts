/**
 * A real gRPC server for the pulumirpc.Engine service, the side the Pulumi engine offers plugins:
 * it records every Log call, so tests can see what the provider told the user.
 */
import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";

export interface LogEntry {
  severity: number;
  message: string;
  urn: string;
}

export interface EngineStub {
  address: string;
  logs: LogEntry[];
  /** Resolves with the first log entry matching `re` (or rejects after `ms`). */
  waitFor(re: RegExp, ms?: number): Promise<LogEntry>;
  stop(): Promise<void>;
}

export async function startEngineStub(): Promise<EngineStub> {
  const logs: LogEntry[] = [];
  let root = "";
  const server = new grpc.Server();
  server.addService(enginerpc.EngineService, {
    log: (call: grpc.ServerUnaryCall<engineproto.LogRequest, emptyproto.Empty>, cb: grpc.sendUnaryData<emptyproto.Empty>) => {
      logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage(), urn: call.request.getUrn() });
      cb(null, new emptyproto.Empty());
    },
    getRootResource: (_c: unknown, cb: grpc.sendUnaryData<engineproto.GetRootResourceResponse>) => cb(null, new engineproto.GetRootResourceResponse().setUrn(root)),
    setRootResource: (c: grpc.ServerUnaryCall<engineproto.SetRootResourceRequest, engineproto.SetRootResourceResponse>, cb: grpc.sendUnaryData<engineproto.SetRootResourceResponse>) => {
      root = c.request.getUrn();
      cb(null, new engineproto.SetRootResourceResponse());
    },
  } as unknown as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  const waitFor = async (re: RegExp, ms = 10_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = logs.find((l) => re.test(l.message));
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`the engine got no log matching ${re}; got:\n${logs.map((l) => l.message).join("\n")}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { address: `127.0.0.1:${port}`, logs, waitFor, stop: () => new Promise((r) => server.tryShutdown(() => r())) };
}
