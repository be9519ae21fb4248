/** QoS specs handlers (cinder/api/contrib/qos_specs_manage.py): thin — read, call the volume API, render. */
import type { RequestContext } from "../../contract/context";
import {
  associateQos,
  createQos,
  deleteQos,
  disassociateAllQos,
  disassociateQos,
  listQos,
  qosAssociations,
  type QosListQuery,
  setQosKeys,
  showQos,
  unsetQosKeys,
} from "../../volume/api/qos";
import type { Handlers } from "../handler";
import { type Column, PAGING_KEYS, parsePaging, type Query } from "../query";
import { qosSpecsDetail, qosSpecsView } from "../views/qos";
import { collectionLinks, queryFlag } from "./common";

const QOS_SORT_KEYS: Record<string, Column> = {
  id: { column: "id" },
  name: { column: "name" },
  consumer: { column: "consumer" },
  created_at: { column: "created_at" },
};

const QOS_FILTERS = new Set(["id", "name", "consumer"]);

/**
 * `id`, `name`, `consumer` filter by exact match. Any other key: an admin's is a column QoS specs
 * do not have, so nothing matches (as in Cinder); anybody else's is dropped.
 */
function parseQosListQuery(ctx: RequestContext, q: Query, maxLimit: number): QosListQuery {
  const out: QosListQuery = { ...parsePaging(q, QOS_SORT_KEYS, ctx.version, maxLimit), equals: {}, matchNothing: false };
  for (const [key, raw] of Object.entries(q)) {
    if (PAGING_KEYS.has(key)) continue;
    if (QOS_FILTERS.has(key)) out.equals[key as "id"] = raw;
    else if (ctx.isAdmin) out.matchNothing = true;
  }
  return out;
}

type QosHandlers = Pick<
  Handlers,
  | "listQosSpecs"
  | "createQosSpecs"
  | "showQosSpecs"
  | "setQosKeys"
  | "deleteQosSpecs"
  | "unsetQosKeys"
  | "listQosAssociations"
  | "associateQos"
  | "disassociateQos"
  | "disassociateAllQos"
>;

export const qosHandlers: QosHandlers = {
  listQosSpecs: async (req) => {
    const res = await listQos(req.svc, req.ctx, parseQosListQuery(req.ctx, req.query, req.svc.config.maxLimit));
    return {
      body: {
        qos_specs: res.specs.map(qosSpecsView),
        ...collectionLinks(req, "qos_specs_links", "qos-specs", res.more, res.specs.at(-1)?.id),
      },
    };
  },

  createQosSpecs: async (req) => {
    const { name, consumer, ...specs } = req.body.qos_specs;
    const q = await createQos(req.svc, req.ctx, { name, consumer, specs });
    return { body: qosSpecsDetail(req.link, q) };
  },

  showQosSpecs: async (req) => ({ body: qosSpecsDetail(req.link, await showQos(req.svc, req.ctx, req.params.qos_id)) }),

  setQosKeys: async (req) => {
    await setQosKeys(req.svc, req.ctx, req.params.qos_id, req.body.qos_specs);
    return { body: { qos_specs: req.body.qos_specs } };
  },

  deleteQosSpecs: async (req) => {
    await deleteQos(req.svc, req.ctx, req.params.qos_id, queryFlag(req, "force"));
    return {};
  },

  unsetQosKeys: async (req) => {
    await unsetQosKeys(req.svc, req.ctx, req.params.qos_id, req.body.keys);
    return {};
  },

  listQosAssociations: async (req) => ({
    body: { qos_associations: await qosAssociations(req.svc, req.ctx, req.params.qos_id) },
  }),

  associateQos: async (req) => {
    await associateQos(req.svc, req.ctx, req.params.qos_id, req.query.vol_type_id);
    return {};
  },

  disassociateQos: async (req) => {
    await disassociateQos(req.svc, req.ctx, req.params.qos_id, req.query.vol_type_id);
    return {};
  },

  disassociateAllQos: async (req) => {
    await disassociateAllQos(req.svc, req.ctx, req.params.qos_id);
    return {};
  },
};
