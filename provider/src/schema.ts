/**
 * The Pulumi package schema, derived from the resource and function tables (served by GetSchema;
 * `npm run schema -w provider` writes provider/schema.json for `pulumi package gen-sdk`).
 */
import { FUNCTIONS } from "./functions";
import { CONFIG_KEYS, type ConfigKey } from "./lib/config";
import { RESOURCES } from "./resources";
import type { PropSpec } from "./resources/types";

type Json = Record<string, unknown>;

const ATTACHMENT_TYPE = "cinder:index:VolumeAttachmentInfo";

/** Outputs present on every resource of the kind (see PropSpec.always). */
export const alwaysPresent = (p: PropSpec) => p.always ?? (p.input ? !!p.required : true);

function prop(p: PropSpec): Json {
  const out: Json = { description: p.enum ? `${p.description} One of ${p.enum.map((e) => `\`${e}\``).join(", ")}.` : p.description };
  if (p.type === "stringMap") Object.assign(out, { type: "object", additionalProperties: { type: "string" } });
  else if (p.type === "array") Object.assign(out, { type: "array", items: p.items?.properties ? { $ref: `#/types/${ATTACHMENT_TYPE}` } : p.items ?? { type: "string" } });
  else if (p.type === "object") Object.assign(out, p.schema ?? { type: "object", additionalProperties: { type: "string" } });
  else out.type = p.type;
  if (p.secret) out.secret = true;
  if (p.replaceOnChanges) out.willReplaceOnChanges = true;
  return out;
}

const props = (ps: Record<string, PropSpec>, keep: (p: PropSpec) => boolean) =>
  Object.fromEntries(Object.entries(ps).filter(([, p]) => keep(p)).map(([k, p]) => [k, prop(p)]));

function configVar(k: ConfigKey): Json {
  const type = k.type === "map" ? { type: "object", additionalProperties: { type: "string" } } : { type: k.type };
  return { ...type, description: k.description, ...(k.secret ? { secret: true } : {}), defaultInfo: { environment: [...k.env] } };
}

export function buildSchema(): Json {
  const config = Object.fromEntries(Object.entries(CONFIG_KEYS as Record<string, ConfigKey>).map(([n, k]) => [n, configVar(k)]));
  const resources = Object.fromEntries(
    Object.values(RESOURCES).map((r) => {
      const all = props(r.properties, () => true);
      return [
        r.token,
        {
          description: `${r.description}\n\n## Import\n\nThe import id is ${r.importId}:\n\n\`\`\`sh\n$ pulumi import ${r.token} <name> <id>\n\`\`\``,
          properties: all,
          required: Object.entries(r.properties).filter(([, p]) => alwaysPresent(p)).map(([k]) => k),
          inputProperties: props(r.properties, (p) => !!p.input),
          requiredInputs: Object.entries(r.properties).filter(([, p]) => p.input && p.required).map(([k]) => k),
          stateInputs: { description: `Input properties used for looking up and filtering ${r.token.split(":")[2]} resources.`, properties: all, type: "object" },
        },
      ];
    }),
  );
  const functions = Object.fromEntries(
    Object.values(FUNCTIONS).map((f) => [
      f.token,
      {
        description: f.description,
        inputs: { properties: props(f.inputs, () => true), required: Object.entries(f.inputs).filter(([, p]) => p.required).map(([k]) => k), type: "object" },
        outputs: { properties: props(f.outputs, () => true), required: Object.keys(f.outputs), type: "object" },
      },
    ]),
  );
  return {
    name: "cinder",
    displayName: "Cinder (Cinderblock)",
    version: "0.1.0",
    description: "Declarative OpenStack Cinder block storage: volumes, snapshots, volume types, QoS and quotas.",
    keywords: ["pulumi", "openstack", "cinder", "block-storage", "category/cloud", "kind/native"],
    license: "Apache-2.0",
    publisher: "Cinderblock",
    meta: { moduleFormat: "(.*)" },
    language: { nodejs: { packageName: "@cinderblock/pulumi", dependencies: { "@pulumi/pulumi": "3.248.0" } } },
    config: { variables: config },
    provider: {
      description: "The Cinder provider. Each setting falls back to its OS_* environment variable.",
      inputProperties: config,
      properties: Object.fromEntries(Object.entries(config).filter(([, v]) => (v as Json).type === "string")),
    },
    types: {
      [ATTACHMENT_TYPE]: {
        type: "object",
        description: "An attachment of a volume, as the server reports it.",
        properties: {
          attachmentId: { type: "string", description: "Attachment id." },
          serverId: { type: "string", description: "The server the volume is attached to." },
          hostName: { type: "string", description: "The host the volume is attached to." },
          device: { type: "string", description: "Device path on the server." },
          attachedAt: { type: "string", description: "Attach time (ISO 8601)." },
        },
      },
    },
    resources,
    functions,
  };
}

export const SCHEMA = buildSchema();
