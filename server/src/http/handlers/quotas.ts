/** Quota sets and classes (cinder/api/contrib/quotas.py, quota_classes.py). */
import { boolFrom } from "../../lib/bool";
import {
  defaultQuotas,
  deleteQuotas,
  showQuotaClass,
  showQuotas,
  updateQuotaClass,
  updateQuotas,
} from "../../volume/api/quotas";
import type { Handlers } from "../handler";
import { badRequest } from "../../contract/errors";

type H = Pick<Handlers, "showQuotas" | "showDefaultQuotas" | "updateQuotas" | "deleteQuotas" | "showQuotaClass" | "updateQuotaClass">;

export const quotaHandlers: H = {
  showQuotas: async (req) => {
    const raw = req.query.usage;
    const usage = raw === undefined ? false : boolFrom(raw);
    if (usage === undefined) throw badRequest(`Value '${raw}' for 'usage' is not a boolean.`);
    return { body: { quota_set: await showQuotas(req.svc, req.ctx, req.params.target_project_id, usage) } };
  },
  showDefaultQuotas: async (req) => ({
    body: { quota_set: await defaultQuotas(req.svc, req.ctx, req.params.target_project_id) },
  }),
  updateQuotas: async (req) => ({
    body: { quota_set: await updateQuotas(req.svc, req.ctx, req.params.target_project_id, req.body.quota_set as Record<string, unknown>) },
  }),
  deleteQuotas: async (req) => {
    await deleteQuotas(req.svc, req.ctx, req.params.target_project_id);
    return {};
  },
  showQuotaClass: async (req) => ({
    body: { quota_class_set: await showQuotaClass(req.svc, req.ctx, req.params.class_name) },
  }),
  updateQuotaClass: async (req) => ({
    body: {
      quota_class_set: await updateQuotaClass(req.svc, req.ctx, req.params.class_name, req.body.quota_class_set as Record<string, unknown>),
    },
  }),
};
