/**
 * Quota sets and quota classes (api-ref "Quota sets extension (os-quota-sets)", "Quota class set
 * extension (os-quota-class-sets)"; cinder/api/contrib/quotas.py, quota_classes.py).
 */
import type { CinderClient } from "../client";
import type { CallOptions, QuotaClassSetUpdate, QuotaSetUpdate, Schemas } from "../types";

export function quotas(c: CinderClient) {
  const at = (project: string) => ({ target_project_id: project });
  return {
    /** A project's quota limits. */
    get: async (projectId: string, opts?: CallOptions): Promise<Schemas["QuotaSetWithId"]> =>
      (await c.request("get", "/v3/{project_id}/os-quota-sets/{target_project_id}", { path: at(projectId), ok: [200], ...opts })).data
        .quota_set as Schemas["QuotaSetWithId"],

    /** A project's quotas with usage: `{limit, in_use, reserved}` per resource. */
    usage: async (projectId: string, opts?: CallOptions): Promise<Schemas["QuotaSetUsageWithId"]> => {
      const path = at(projectId);
      return (await c.request("get", "/v3/{project_id}/os-quota-sets/{target_project_id}", { path, query: { usage: true }, ok: [200], ...opts })).data
        .quota_set as Schemas["QuotaSetUsageWithId"];
    },

    /** The defaults (the `default` quota class, else configuration). */
    defaults: async (projectId: string, opts?: CallOptions): Promise<Schemas["QuotaSetWithId"]> =>
      (await c.request("get", "/v3/{project_id}/os-quota-sets/{target_project_id}/defaults", { path: at(projectId), ok: [200], ...opts })).data
        .quota_set,

    /** Admin: set limits; returns them. */
    update: async (projectId: string, values: QuotaSetUpdate, opts?: CallOptions): Promise<Schemas["QuotaLimits"]> => {
      const body = { quota_set: values };
      return (await c.request("put", "/v3/{project_id}/os-quota-sets/{target_project_id}", { path: at(projectId), body, ok: [200], ...opts })).data
        .quota_set;
    },

    /** Admin: drop a project's own limits, back to the defaults. */
    delete: async (projectId: string, opts?: CallOptions): Promise<void> => {
      await c.request("delete", "/v3/{project_id}/os-quota-sets/{target_project_id}", { path: at(projectId), ok: [200], ...opts });
    },

    /** A quota class (`default` is the one Cinder uses). */
    getClass: async (name: string, opts?: CallOptions): Promise<Schemas["QuotaSetWithId"]> =>
      (await c.request("get", "/v3/{project_id}/os-quota-class-sets/{class_name}", { path: { class_name: name }, ok: [200], ...opts })).data
        .quota_class_set,

    /** Admin: set a quota class's limits. */
    updateClass: async (name: string, values: QuotaClassSetUpdate, opts?: CallOptions): Promise<Schemas["QuotaLimits"]> => {
      const body = { quota_class_set: values };
      return (await c.request("put", "/v3/{project_id}/os-quota-class-sets/{class_name}", { path: { class_name: name }, body, ok: [200], ...opts }))
        .data.quota_class_set;
    },
  };
}
