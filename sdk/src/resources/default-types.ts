/**
 * Per-project default volume types (3.62; api-ref "Default Volume Types (default-types)",
 * cinder/api/v3/default_types.py). Admin only.
 */
import type { CinderClient } from "../client";
import type { CallOptions, DefaultType } from "../types";
import { idOf, type Ref } from "../wait";

export function defaultTypes(c: CinderClient) {
  const at = (project: string) => ({ target_project_id: project });
  return {
    list: async (opts?: CallOptions): Promise<DefaultType[]> =>
      (await c.request("get", "/v3/{project_id}/default-types", { ok: [200], ...opts })).data.default_types,

    /** The default type of a project (404 when it has none). */
    get: async (projectId: string, opts?: CallOptions): Promise<DefaultType> =>
      (await c.request("get", "/v3/{project_id}/default-types/{target_project_id}", { path: at(projectId), ok: [200], ...opts })).data.default_type,

    /** Set a project's default type (by type id or name). */
    set: async (projectId: string, volumeType: Ref, opts?: CallOptions): Promise<DefaultType> => {
      const body = { default_type: { volume_type: idOf(volumeType) } };
      return (await c.request("put", "/v3/{project_id}/default-types/{target_project_id}", { path: at(projectId), body, ok: [200], ...opts })).data
        .default_type;
    },

    /** Remove a project's default type (204). */
    unset: async (projectId: string, opts?: CallOptions): Promise<void> => {
      await c.request("delete", "/v3/{project_id}/default-types/{target_project_id}", { path: at(projectId), ok: [204], ...opts });
    },
  };
}
