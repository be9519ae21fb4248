/**
 * QoS specs (api-ref "Quality of service (QoS) specifications (qos-specs)",
 * cinder/api/contrib/qos_specs_manage.py): CRUD, keys, and associations with volume types.
 */
import type { CinderClient } from "../client";
import { paginate, type Pager } from "../paginate";
import type { CallOptions, Op, QosAssociation, QosSpecs, QosSpecsCreate, QueryInput, QueryParams, Schemas } from "../types";
import { idOf, type Ref } from "../wait";

export type QosListQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/qos-specs", "get">>>;
export type QosDeleteQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/qos-specs/{qos_id}", "delete">>>;

export function qosSpecs(c: CinderClient) {
  const at = (ref: Ref) => ({ qos_id: idOf(ref) });
  const link = async (
    path: "/v3/{project_id}/qos-specs/{qos_id}/associate" | "/v3/{project_id}/qos-specs/{qos_id}/disassociate",
    ref: Ref,
    type: Ref,
    opts?: CallOptions,
  ): Promise<void> => {
    await c.request("get", path, { path: at(ref), query: { vol_type_id: idOf(type) }, ok: [202], ...opts });
  };

  return {
    list: (query?: QosListQuery, opts?: CallOptions): Pager<QosSpecs> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/qos-specs", { query: q, ok: [200], ...opts });
        return { items: data.qos_specs, links: data.qos_specs_links };
      }, query),

    get: async (ref: Ref, opts?: CallOptions): Promise<QosSpecs> =>
      (await c.request("get", "/v3/{project_id}/qos-specs/{qos_id}", { path: at(ref), ok: [200], ...opts })).data.qos_specs,

    /** Create: `{name, consumer?, ...specs}` (every other key is a spec). */
    create: async (spec: QosSpecsCreate, opts?: CallOptions): Promise<QosSpecs> =>
      (await c.request("post", "/v3/{project_id}/qos-specs", { body: { qos_specs: spec }, ok: [200], ...opts })).data.qos_specs,

    /** Set (merge) keys, or the consumer; returns what was set. */
    setKeys: async (ref: Ref, specs: Schemas["QosSpecsSet"], opts?: CallOptions): Promise<Schemas["QosSpecsSetResponse"]["qos_specs"]> =>
      (await c.request("put", "/v3/{project_id}/qos-specs/{qos_id}", { path: at(ref), body: { qos_specs: specs }, ok: [200], ...opts })).data.qos_specs,

    /** Remove keys (202). */
    unsetKeys: async (ref: Ref, keys: string[], opts?: CallOptions): Promise<void> => {
      await c.request("put", "/v3/{project_id}/qos-specs/{qos_id}/delete_keys", { path: at(ref), body: { keys }, ok: [202], ...opts });
    },

    /** Delete (202); one still associated needs `force`. */
    delete: async (ref: Ref, query?: QosDeleteQuery, opts?: CallOptions): Promise<void> => {
      await c.request("delete", "/v3/{project_id}/qos-specs/{qos_id}", { path: at(ref), query, ok: [202], ...opts });
    },

    /** The volume types the spec is associated with. */
    listAssociations: async (ref: Ref, opts?: CallOptions): Promise<QosAssociation[]> =>
      (await c.request("get", "/v3/{project_id}/qos-specs/{qos_id}/associations", { path: at(ref), ok: [200], ...opts })).data.qos_associations,

    associate: (ref: Ref, volumeType: Ref, opts?: CallOptions) => link("/v3/{project_id}/qos-specs/{qos_id}/associate", ref, volumeType, opts),

    disassociate: (ref: Ref, volumeType: Ref, opts?: CallOptions) => link("/v3/{project_id}/qos-specs/{qos_id}/disassociate", ref, volumeType, opts),

    disassociateAll: async (ref: Ref, opts?: CallOptions): Promise<void> => {
      await c.request("get", "/v3/{project_id}/qos-specs/{qos_id}/disassociate_all", { path: at(ref), ok: [202], ...opts });
    },
  };
}
