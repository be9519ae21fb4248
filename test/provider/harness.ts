/**
 * Plays the engine's side of the provider protocol: spawns the plugin binary, reads its port from
 * the first stdout line, and calls its RPCs through the @pulumi/pulumi/proto stubs.
 */
import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export const PLUGIN = path.resolve(__dirname, "../../provider/bin/pulumi-resource-cinder");
export const SIG = "4dabf18193072939515e22adb298388d";
export const SECRET = "1b47061264138c4ac30d75fd1eb44270";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const secret = (value: unknown) => ({ [SIG]: SECRET, value });

export const struct = (o: Record<string, unknown>) => Struct.fromJavaScript(JSON.parse(JSON.stringify(o)));
export const js = (s: Struct | undefined) => (s?.toJavaScript() ?? {}) as Record<string, any>;

export interface Plugin {
  child: ChildProcess;
  client: provrpc.ResourceProviderClient;
  call<Res>(method: string, req: unknown): Promise<Res>;
  stderr(): string;
  stop(): Promise<void>;
}

/** `args`: the engine's address as the engine passes it; `[]` starts the plugin as a person would for PULUMI_DEBUG_PROVIDERS. */
export async function startPlugin(env: Record<string, string | undefined> = {}, args: string[] = ["127.0.0.1:1"]): Promise<Plugin> {
  const child = spawn(PLUGIN, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const t = setTimeout(() => reject(new Error(`no port after 20 s:\n${err}`)), 20_000);
    child.stdout!.on("data", (d) => {
      out += d;
      const line = out.split("\n")[0];
      if (out.includes("\n")) (clearTimeout(t), resolve(Number(line)));
    });
    child.once("exit", (code) => reject(new Error(`plugin exited with ${code}:\n${err}`)));
  });
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <Res>(method: string, req: unknown) =>
    new Promise<Res>((resolve, reject) =>
      (client as any)[method](req, (e: grpc.ServiceError | null, r: Res) => (e ? reject(e) : resolve(r))),
    );
  return {
    child,
    client,
    call,
    stderr: () => err,
    stop: async () => {
      client.close();
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await gone;
      }
    },
  };
}

/** The ErrorResourceInitFailed detail of a failed Create, if any (partial state). */
export function initFailed(e: grpc.ServiceError): { id: string; properties: Record<string, any>; reasons: string[] } | undefined {
  const raw = e.metadata?.get("grpc-status-details-bin")?.[0];
  if (!raw) return undefined;
  const status = statusproto.Status.deserializeBinary(new Uint8Array(raw as Buffer));
  for (const any of status.getDetailsList()) {
    if (any.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
    const d = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
    return { id: d.getId(), properties: js(d.getProperties()), reasons: d.getReasonsList() };
  }
  return undefined;
}

export const urn = (type: string, name: string) => `urn:pulumi:test::proj::${type}::${name}`;
export const empty = () => new emptyproto.Empty();

/** Typed request builders, in the engine's vocabulary. */
export const rpc = {
  check: (type: string, name: string, news: object, olds: object = {}) =>
    new provproto.CheckRequest().setUrn(urn(type, name)).setType(type).setName(name).setNews(struct(news as never)).setOlds(struct(olds as never)).setRandomseed(Buffer.from(name)),
  diff: (type: string, name: string, id: string, olds: object, news: object, oldInputs: object) =>
    new provproto.DiffRequest().setUrn(urn(type, name)).setType(type).setName(name).setId(id).setOlds(struct(olds as never)).setNews(struct(news as never)).setOldInputs(struct(oldInputs as never)),
  create: (type: string, name: string, props: object, opts: { preview?: boolean; timeout?: number } = {}) =>
    new provproto.CreateRequest().setUrn(urn(type, name)).setType(type).setName(name).setProperties(struct(props as never)).setPreview(!!opts.preview).setTimeout(opts.timeout ?? 0),
  read: (type: string, name: string, id: string, props: object = {}, inputs: object = {}) =>
    new provproto.ReadRequest().setUrn(urn(type, name)).setType(type).setName(name).setId(id).setProperties(struct(props as never)).setInputs(struct(inputs as never)),
  update: (type: string, name: string, id: string, olds: object, news: object, oldInputs: object, opts: { preview?: boolean; timeout?: number } = {}) =>
    new provproto.UpdateRequest().setUrn(urn(type, name)).setType(type).setName(name).setId(id).setOlds(struct(olds as never)).setNews(struct(news as never)).setOldInputs(struct(oldInputs as never)).setPreview(!!opts.preview).setTimeout(opts.timeout ?? 0),
  delete: (type: string, name: string, id: string, props: object, opts: { timeout?: number } = {}) =>
    new provproto.DeleteRequest().setUrn(urn(type, name)).setType(type).setName(name).setId(id).setProperties(struct(props as never)).setTimeout(opts.timeout ?? 0),
  invoke: (tok: string, args: object) => new provproto.InvokeRequest().setTok(tok).setArgs(struct(args as never)),
};

export { provproto };
