/**
 * The provider's gRPC server: pulumirpc.ResourceProvider on the stubs shipped in
 * @pulumi/pulumi/proto (not `provider.main()`, which drops config, timeouts, previews and detailed
 * diffs). Each RPC decodes, calls the resource's lifecycle function and encodes; everything
 * Cinder-specific lives in ./resources and ./functions.
 */
import * as grpc from "@grpc/grpc-js";
import * as anyproto from "google-protobuf/google/protobuf/any_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { connect, imagesClient, isApiError, type CinderClient, type ImagesClient } from "@cinderblock/sdk";
import { readFileSync } from "node:fs";
import { FUNCTIONS } from "./functions";
import { checkGivenShapes, checkProviderConfig, connectOptions, resolveProviderConfig, SECRET_CONFIG_KEYS, type ProviderConfig } from "./lib/config";
import { equal } from "./lib/diff";
import { EngineLink } from "./lib/engine";
import { ResourceInitFailedError } from "./lib/errors";
import { containsUnknown, decode, encode, type Props } from "./lib/wire";
import { RESOURCES } from "./resources";
import type { CheckFailure, Ctx, ResourceDef } from "./resources/types";
import { SCHEMA } from "./schema";

export const VERSION = "0.1.0";

type Handler<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, cb: grpc.sendUnaryData<Res>) => void;

const typeOf = (urn: string) => urn.split("::")[2] ?? "";
const nameOf = (urn: string) => urn.split("::").pop() ?? urn;

function failures(list: CheckFailure[]): provproto.CheckFailure[] {
  return list.map((f) => new provproto.CheckFailure().setProperty(f.property).setReason(f.reason));
}

function toGrpcError(e: unknown): Partial<grpc.StatusObject> {
  const err = e as Error;
  const message = isApiError(e) ? (e as { describe(): string }).describe() : err?.message ?? String(e);
  const metadata = new grpc.Metadata();
  if (e instanceof ResourceInitFailedError) {
    const detail = new provproto.ErrorResourceInitFailed();
    detail.setId(e.id);
    detail.setProperties(encode(e.properties));
    detail.setReasonsList(e.reasons);
    const any = new anyproto.Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusproto.Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(message);
    status.addDetails(any);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code: grpc.status.UNKNOWN, details: message, metadata };
}

function unary<Req, Res>(f: (req: Req) => Promise<Res>): Handler<Req, Res> {
  return (call, cb) => {
    f(call.request).then(
      (res) => cb(null, res),
      (e) => cb(toGrpcError(e) as grpc.ServiceError, null),
    );
  };
}

export class CinderProvider {
  private config: ProviderConfig = {};
  private clientP?: Promise<CinderClient>;
  private configured = false;
  private readonly aborts = new Set<AbortController>();
  /** The engine's log service, once the engine's address is known. */
  readonly engine = new EngineLink();

  constructor(engineAddress?: string) {
    if (engineAddress) this.engine.connect(engineAddress);
  }

  /** The one SDK client, made on first use after Configure (so preview never connects). */
  client = (): Promise<CinderClient> => {
    if (!this.configured) return Promise.reject(new Error("the cinder provider is not configured"));
    this.clientP ??= connect(connectOptions(this.config, (p) => readFileSync(p, "utf8"), process.env)).catch((e) => {
      this.clientP = undefined;
      throw e;
    });
    return this.clientP;
  };

  /**
   * The Image service of the client's session: `endpointOverrides.image` when set, else the
   * catalog's `image` endpoint (in the configured region).
   */
  images = async (): Promise<ImagesClient> => {
    const c = await this.client();
    const override = this.config.endpointOverrides?.image;
    try {
      return imagesClient(c, { endpoint: override || undefined, region: this.config.region });
    } catch (e) {
      throw new Error(`no Image service (Glance v2) endpoint: ${(e as Error).message}; set endpointOverrides.image (e.g. {"image": "https://host:8776/image"})`);
    }
  };

  private resource(urnOrType: string): ResourceDef {
    const type = urnOrType.includes("::") ? typeOf(urnOrType) : urnOrType;
    const def = RESOURCES[type];
    if (!def) throw new Error(`unknown resource type '${type}'`);
    return def;
  }

  private async withCtx<T>(def: ResourceDef, timeoutSec: number, f: (ctx: Ctx) => Promise<T>, urn = ""): Promise<T> {
    const ac = new AbortController();
    this.aborts.add(ac);
    const timeoutMs = (timeoutSec > 0 ? timeoutSec : (def.defaultTimeoutSec ?? 300)) * 1000;
    try {
      return await f({ client: this.client, images: this.images, timeoutMs, signal: ac.signal, log: (m) => void this.engine.log("info", m, urn) });
    } finally {
      this.aborts.delete(ac);
    }
  }

  /**
   * The engine's first call to a plugin it started (or attached to): it names the engine's address
   * (for logging) and learns the protocol features, the same ones Configure reports.
   */
  handshake = unary<provproto.ProviderHandshakeRequest, provproto.ProviderHandshakeResponse>(async (req) => {
    this.engine.connect(req.getEngineAddress());
    return new provproto.ProviderHandshakeResponse().setAcceptSecrets(true).setAcceptResources(true).setAcceptOutputs(false).setSupportsAutonamingConfiguration(false);
  });

  /**
   * With PULUMI_DEBUG_PROVIDERS=cinder:<port> the engine does not start the plugin: it dials the
   * port, calls Handshake, then Attach with its own address, which a started plugin receives as argv.
   */
  attach = unary<plugproto.PluginAttach, emptyproto.Empty>(async (req) => {
    if (!req.getAddress()) throw new Error("Attach needs the engine's address (host:port)");
    this.engine.connect(req.getAddress());
    await this.engine.log("debug", `cinder provider ${VERSION} (pid ${process.pid}) attached to the engine at ${req.getAddress()}`);
    return new emptyproto.Empty();
  });

  getPluginInfo = unary<emptyproto.Empty, plugproto.PluginInfo>(async () => new plugproto.PluginInfo().setVersion(VERSION));

  getSchema = unary<provproto.GetSchemaRequest, provproto.GetSchemaResponse>(async (req) => {
    if (req.getVersion() !== 0) throw new Error(`unsupported schema version ${req.getVersion()}`);
    return new provproto.GetSchemaResponse().setSchema(JSON.stringify(SCHEMA));
  });

  checkConfig = unary<provproto.CheckRequest, provproto.CheckResponse>(async (req) => {
    const { props, secrets } = decode(req.getNews());
    const unknown = new Set(Object.keys(props).filter((k) => containsUnknown(props[k])));
    const cfg = resolveProviderConfig(props);
    const res = new provproto.CheckResponse().setInputs(encode(props, [...secrets, ...SECRET_CONFIG_KEYS]));
    return res.setFailuresList(failures([...checkGivenShapes(props), ...checkProviderConfig(cfg, unknown)]));
  });

  diffConfig = unary<provproto.DiffRequest, provproto.DiffResponse>(async (req) => {
    const olds = decode(req.getOldInputs() ?? req.getOlds()).props;
    const news = decode(req.getNews()).props;
    const changed = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => k !== "version" && !equal(olds[k], news[k]));
    const res = new provproto.DiffResponse().setChanges(changed.length ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
    // Credentials and endpoints change in place: resources are not replaced when a provider's config changes.
    return res.setDiffsList(changed);
  });

  configure = unary<provproto.ConfigureRequest, provproto.ConfigureResponse>(async (req) => {
    let given: Props = {};
    if (req.getArgs()) given = decode(req.getArgs()).props;
    else {
      for (const [k, v] of req.getVariablesMap().entries()) given[k.replace(/^cinder:(config:)?/, "")] = v;
    }
    this.config = resolveProviderConfig(given);
    const problems = [...checkGivenShapes(given), ...checkProviderConfig(this.config)];
    if (problems.length) throw new Error(`the cinder provider is not fully configured: ${problems.map((p) => p.reason).join("; ")}`);
    this.configured = true;
    this.clientP = undefined;
    return new provproto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true).setAcceptresources(true).setAcceptoutputs(false);
  });

  check = unary<provproto.CheckRequest, provproto.CheckResponse>(async (req) => {
    const def = this.resource(req.getType() || req.getUrn());
    const news = decode(req.getNews());
    const olds = decode(req.getOlds()).props;
    const seed = req.getRandomseed_asU8();
    const r = def.check(news.props, olds, { name: req.getName() || nameOf(req.getUrn()), randomSeed: seed });
    return new provproto.CheckResponse().setInputs(encode(r.inputs, news.secrets)).setFailuresList(failures(r.failures));
  });

  diff = unary<provproto.DiffRequest, provproto.DiffResponse>(async (req) => {
    const def = this.resource(req.getType() || req.getUrn());
    const olds = decode(req.getOlds()).props;
    const news = decode(req.getNews()).props;
    const oldInputs = decode(req.getOldInputs()).props;
    const d = def.diff(olds, news, oldInputs);
    const res = new provproto.DiffResponse()
      .setChanges(d.changes ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE)
      .setReplacesList(d.replaces)
      .setDeletebeforereplace(!!d.deleteBeforeReplace)
      .setDiffsList([...new Set(Object.keys(d.detailed).map((k) => k.split(/[.[]/)[0]))])
      .setHasdetaileddiff(true);
    const map = res.getDetaileddiffMap();
    for (const [k, kind] of Object.entries(d.detailed)) map.set(k, new provproto.PropertyDiff().setKind(kind as number).setInputdiff(true));
    return res;
  });

  create = unary<provproto.CreateRequest, provproto.CreateResponse>(async (req) => {
    const def = this.resource(req.getType() || req.getUrn());
    const inputs = decode(req.getProperties());
    const secretOuts = [...inputs.secrets, ...secretOutputs(def)];
    if (req.getPreview()) return new provproto.CreateResponse().setId("").setProperties(encode(def.preview(inputs.props), secretOuts));
    const r = await this.withCtx(def, req.getTimeout(), (ctx) => def.create(ctx, inputs.props), req.getUrn());
    return new provproto.CreateResponse().setId(r.id).setProperties(encode(r.outs, secretOuts));
  });

  read = unary<provproto.ReadRequest, provproto.ReadResponse>(async (req) => {
    const def = this.resource(req.getType() || req.getUrn());
    const state = decode(req.getProperties());
    const oldInputs = decode(req.getInputs()).props;
    const r = await this.withCtx(def, req.getTimeout(), (ctx) => def.read(ctx, req.getId(), state.props, oldInputs), req.getUrn());
    if (!r) return new provproto.ReadResponse().setId("");
    const secretOuts = [...state.secrets, ...secretOutputs(def)];
    return new provproto.ReadResponse().setId(r.id).setProperties(encode(r.outs, secretOuts)).setInputs(encode(r.inputs, state.secrets));
  });

  update = unary<provproto.UpdateRequest, provproto.UpdateResponse>(async (req) => {
    const def = this.resource(req.getType() || req.getUrn());
    const olds = decode(req.getOlds()).props;
    const news = decode(req.getNews());
    const oldInputs = decode(req.getOldInputs()).props;
    const secretOuts = [...news.secrets, ...secretOutputs(def)];
    if (req.getPreview()) return new provproto.UpdateResponse().setProperties(encode(def.preview(news.props, olds), secretOuts));
    const outs = await this.withCtx(def, req.getTimeout(), (ctx) => def.update(ctx, req.getId(), olds, news.props, oldInputs), req.getUrn());
    return new provproto.UpdateResponse().setProperties(encode(outs, secretOuts));
  });

  delete = unary<provproto.DeleteRequest, emptyproto.Empty>(async (req) => {
    const def = this.resource(req.getType() || req.getUrn());
    const state = decode(req.getProperties()).props;
    await this.withCtx(def, req.getTimeout(), (ctx) => def.delete(ctx, req.getId(), state), req.getUrn());
    return new emptyproto.Empty();
  });

  invoke = unary<provproto.InvokeRequest, provproto.InvokeResponse>(async (req) => {
    const fn = FUNCTIONS[req.getTok()];
    if (!fn) throw new Error(`unknown function '${req.getTok()}'`);
    const args = decode(req.getArgs()).props;
    const r = await fn.invoke({ client: this.client, timeoutMs: 60_000 }, args);
    const res = new provproto.InvokeResponse();
    if ("failures" in r) return res.setFailuresList(failures(r.failures));
    return res.setReturn(encode(r.result));
  });

  cancel = unary<emptyproto.Empty, emptyproto.Empty>(async () => {
    for (const ac of this.aborts) ac.abort(new Error("cancelled by the engine"));
    return new emptyproto.Empty();
  });

  /** The service implementation; RPCs not listed answer UNIMPLEMENTED. */
  implementation(): grpc.UntypedServiceImplementation {
    const names = ["handshake", "attach", "getPluginInfo", "getSchema", "checkConfig", "diffConfig", "configure", "check", "diff", "create", "read", "update", "delete", "invoke", "cancel"] as const;
    return Object.fromEntries(names.map((n) => [n, this[n]])) as unknown as grpc.UntypedServiceImplementation;
  }
}

const secretOutputs = (def: ResourceDef) => Object.entries(def.properties).filter(([, p]) => p.secret).map(([k]) => k);

/** Serve on 127.0.0.1 (port 0 = any free port); resolves with the port. */
export async function serve(port = 0, engineAddress?: string): Promise<{ port: number; server: grpc.Server }> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 1 << 30, "grpc.max_send_message_length": 1 << 30 });
  server.addService(provrpc.ResourceProviderService, new CinderProvider(engineAddress).implementation());
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return { port: bound, server };
}
