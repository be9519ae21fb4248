/**
 * Volume types (api-ref "Volume types (types)", cinder/api/v3/types.py, contrib/types_manage.py,
 * types_extra_specs.py, volume_type_access.py): CRUD, the default type, extra specs and access.
 */
import type { CinderClient } from "../client";
import { paginate, type Pager } from "../paginate";
import type { CallOptions, Op, QueryInput, QueryParams, Schemas, VolumeType, VolumeTypeAccess, VolumeTypeCreate, VolumeTypeUpdate } from "../types";
import { idOf, type Ref } from "../wait";

export type VolumeTypeListQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/types", "get">>>;
type ExtraSpecs = Schemas["ExtraSpecsMap"];

export function volumeTypes(c: CinderClient) {
  const at = (ref: Ref) => ({ type_id: idOf(ref) });
  const access = async (ref: Ref, body: Schemas["VolumeTypeAction"], opts?: CallOptions): Promise<void> => {
    await c.request("post", "/v3/{project_id}/types/{type_id}/action", { path: at(ref), body, ok: [202], ...opts });
  };

  return {
    /** Volume types, all pages (admins also see private ones with `is_public: "None"`). */
    list: (query?: VolumeTypeListQuery, opts?: CallOptions): Pager<VolumeType> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/types", { query: q, ok: [200], ...opts });
        return { items: data.volume_types, links: data.volume_type_links };
      }, query),

    /** A type by id (or, as Cinder allows, by name). */
    get: async (ref: Ref, opts?: CallOptions): Promise<VolumeType> =>
      (await c.request("get", "/v3/{project_id}/types/{type_id}", { path: at(ref), ok: [200], ...opts })).data.volume_type,

    /** The type new volumes get when they name none (the project's default from 3.62). */
    getDefault: async (opts?: CallOptions): Promise<VolumeType> =>
      (await c.request("get", "/v3/{project_id}/types/default", { ok: [200], ...opts })).data.volume_type,

    create: async (volumeType: VolumeTypeCreate, opts?: CallOptions): Promise<Schemas["VolumeTypeManaged"]> =>
      (await c.request("post", "/v3/{project_id}/types", { body: { volume_type: volumeType }, ok: [200], ...opts })).data.volume_type,

    update: async (ref: Ref, volumeType: VolumeTypeUpdate, opts?: CallOptions): Promise<Schemas["VolumeTypeManaged"]> => {
      const body = { volume_type: volumeType };
      return (await c.request("put", "/v3/{project_id}/types/{type_id}", { path: at(ref), body, ok: [200], ...opts })).data.volume_type;
    },

    /** Delete (202); a type in use by volumes is a 400. */
    delete: async (ref: Ref, opts?: CallOptions): Promise<void> => {
      await c.request("delete", "/v3/{project_id}/types/{type_id}", { path: at(ref), ok: [202], ...opts });
    },

    getExtraSpecs: async (ref: Ref, opts?: CallOptions): Promise<ExtraSpecs> =>
      (await c.request("get", "/v3/{project_id}/types/{type_id}/extra_specs", { path: at(ref), ok: [200], ...opts })).data.extra_specs,

    /** Set (merge) extra specs; returns the ones set. */
    setExtraSpecs: async (ref: Ref, specs: Schemas["ExtraSpecsNoSpaces"], opts?: CallOptions): Promise<ExtraSpecs> => {
      const body = { extra_specs: specs };
      return (await c.request("post", "/v3/{project_id}/types/{type_id}/extra_specs", { path: at(ref), body, ok: [200], ...opts })).data.extra_specs;
    },

    getExtraSpec: async (ref: Ref, key: string, opts?: CallOptions): Promise<string | null | undefined> =>
      (await c.request("get", "/v3/{project_id}/types/{type_id}/extra_specs/{key}", { path: { ...at(ref), key }, ok: [200], ...opts })).data[key],

    setExtraSpec: async (ref: Ref, key: string, value: string, opts?: CallOptions): Promise<void> => {
      await c.request("put", "/v3/{project_id}/types/{type_id}/extra_specs/{key}", { path: { ...at(ref), key }, body: { [key]: value }, ok: [200], ...opts });
    },

    deleteExtraSpec: async (ref: Ref, key: string, opts?: CallOptions): Promise<void> => {
      await c.request("delete", "/v3/{project_id}/types/{type_id}/extra_specs/{key}", { path: { ...at(ref), key }, ok: [202], ...opts });
    },

    /** The type's encryption specs, or `{}` when it is not an encrypted type (admins). */
    getEncryption: async (ref: Ref, opts?: CallOptions): Promise<Schemas["EncryptionType"]> =>
      (await c.request("get", "/v3/{project_id}/types/{type_id}/encryption", { path: at(ref), ok: [200], ...opts })).data,

    /** One field of the type's encryption specs (`provider`, `cipher`, `key_size`, `control_location`, `encryption_id`…). */
    getEncryptionSpec: async (ref: Ref, key: string, opts?: CallOptions): Promise<unknown> =>
      (await c.request("get", "/v3/{project_id}/types/{type_id}/encryption/{key}", { path: { ...at(ref), key }, ok: [200], ...opts })).data[key],

    /** Make the type an encrypted one (refused while any volume has the type); returns the specs sent. */
    createEncryption: async (ref: Ref, encryption: Schemas["EncryptionCreate"], opts?: CallOptions): Promise<Schemas["EncryptionEcho"]["encryption"]> => {
      const body = { encryption };
      return (await c.request("post", "/v3/{project_id}/types/{type_id}/encryption", { path: at(ref), body, ok: [200], ...opts })).data.encryption;
    },

    /** Change the encryption specs named by their `encryption_id` (refused while any volume has the type). */
    updateEncryption: async (ref: Ref, encryptionId: string, encryption: Schemas["EncryptionUpdate"], opts?: CallOptions): Promise<Schemas["EncryptionEcho"]["encryption"]> => {
      const body = { encryption };
      const path = { ...at(ref), key: encryptionId };
      return (await c.request("put", "/v3/{project_id}/types/{type_id}/encryption/{key}", { path, body, ok: [200], ...opts })).data.encryption;
    },

    /** Remove the encryption specs (refused while any volume has the type). */
    deleteEncryption: async (ref: Ref, encryptionId: string, opts?: CallOptions): Promise<void> => {
      await c.request("delete", "/v3/{project_id}/types/{type_id}/encryption/{key}", { path: { ...at(ref), key: encryptionId }, ok: [202], ...opts });
    },

    /** The projects a private type is shared with. */
    listAccess: async (ref: Ref, opts?: CallOptions): Promise<VolumeTypeAccess[]> =>
      (await c.request("get", "/v3/{project_id}/types/{type_id}/os-volume-type-access", { path: at(ref), ok: [200], ...opts })).data.volume_type_access,

    /** Share a private type with a project. */
    addProjectAccess: (ref: Ref, projectId: string, opts?: CallOptions) => access(ref, { addProjectAccess: { project: projectId } }, opts),

    removeProjectAccess: (ref: Ref, projectId: string, opts?: CallOptions) => access(ref, { removeProjectAccess: { project: projectId } }, opts),
  };
}
