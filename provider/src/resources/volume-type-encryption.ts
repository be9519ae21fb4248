/**
 * cinder:index:VolumeTypeEncryption — makes a volume type an encrypted one (admin;
 * api-ref "Volume type encryption", cinder/api/contrib/volume_type_encryption.py). Provider,
 * cipher, key size and control location change in place (Cinder refuses while volumes have the
 * type); the type replaces. Id and import id: the volume type id.
 */
import { checkInputs, previewOuts } from "../lib/check";
import { diffInputs } from "../lib/diff";
import { ignoreGone, orGone } from "../lib/sdk";
import type { Props } from "../lib/wire";
import type { PropSpec, ResourceDef } from "./types";

const properties: Record<string, PropSpec> = {
  volumeTypeId: { type: "string", input: true, required: true, replaceOnChanges: true, description: "The volume type to encrypt. Replaces on change." },
  provider: { type: "string", input: true, required: true, description: "The encryption provider, e.g. `luks` (or a class name such as `nova.volume.encryptors.luks.LuksEncryptor`)." },
  controlLocation: { type: "string", input: true, required: true, enum: ["front-end", "back-end"], description: "Where encryption is done: `front-end` (the compute host) or `back-end`." },
  cipher: { type: "string", input: true, description: "The cipher, e.g. `aes-xts-plain64`." },
  keySize: { type: "integer", input: true, description: "The key size in bits, e.g. 256 (the key manager's keys are this size; 256 when unset)." },
  encryptionId: { type: "string", description: "The id of the encryption specs." },
};

const WIRE = { provider: "provider", controlLocation: "control_location", cipher: "cipher", keySize: "key_size" } as const;

type Specs = { provider?: string; control_location?: "front-end" | "back-end"; cipher?: string | null; key_size?: number | null };

function body(inputs: Props, only?: string[]): Specs {
  const out: Record<string, unknown> = {};
  for (const [k, wire] of Object.entries(WIRE)) {
    if (only && !only.includes(k)) continue;
    // An input removed clears cipher and key size (null), as Cinder allows.
    if (inputs[k] !== undefined) out[wire] = inputs[k];
    else if (only && (k === "cipher" || k === "keySize")) out[wire] = null;
  }
  return out as Specs;
}

function outputs(volumeTypeId: string, e: Record<string, unknown>): Props {
  const outs: Props = { volumeTypeId, provider: e.provider, controlLocation: e.control_location, encryptionId: e.encryption_id };
  if (e.cipher !== null && e.cipher !== undefined) outs.cipher = e.cipher;
  if (e.key_size !== null && e.key_size !== undefined) outs.keySize = e.key_size;
  return outs;
}

export const volumeTypeEncryption: ResourceDef = {
  token: "cinder:index:VolumeTypeEncryption",
  description: "Encryption of a volume type (admin): its volumes get keys from the key manager.",
  properties,
  importId: "the volume type id",
  check: (news) => checkInputs(properties, news),
  diff: (olds, news, oldInputs) =>
    diffInputs(Object.keys(oldInputs).length ? oldInputs : olds, news, {
      volumeTypeId: "replace",
      provider: "update",
      controlLocation: "update",
      cipher: "update",
      keySize: "update",
    }),
  preview: (inputs, olds) => previewOuts(properties, inputs, olds),
  async create(ctx, inputs) {
    const c = await ctx.client();
    const id = inputs.volumeTypeId as string;
    await c.volumeTypes.createEncryption(id, body(inputs) as Required<Pick<Specs, "provider" | "control_location">> & Specs);
    return { id, outs: outputs(id, await c.volumeTypes.getEncryption(id)) };
  },
  async read(ctx, id) {
    const c = await ctx.client();
    const e = await orGone(() => c.volumeTypes.getEncryption(id));
    if (!e || !e.encryption_id) return undefined;
    const outs = outputs(id, e);
    const { encryptionId: _, ...inputs } = outs;
    return { id, outs, inputs };
  },
  async update(ctx, id, olds, news, oldInputs) {
    const c = await ctx.client();
    const before = Object.keys(oldInputs).length ? oldInputs : olds;
    const changed = Object.keys(WIRE).filter((k) => before[k] !== news[k]);
    const current = await c.volumeTypes.getEncryption(id);
    if (changed.length) await c.volumeTypes.updateEncryption(id, current.encryption_id!, body(news, changed));
    return outputs(id, await c.volumeTypes.getEncryption(id));
  },
  async delete(ctx, id) {
    const c = await ctx.client();
    const e = await orGone(() => c.volumeTypes.getEncryption(id));
    if (e?.encryption_id) await ignoreGone(() => c.volumeTypes.deleteEncryption(id, e.encryption_id!));
  },
};
