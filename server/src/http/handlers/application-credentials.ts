/**
 * Application credentials of the built-in identity under /identity/v3/users/{user_id}
 * (keystone/api/users.py `UserAppCredListCreateResource`, `UserAppCredGetDeleteResource`). Thin:
 * each handler calls one function of server/src/identity/application-credentials.ts and renders
 * the view; the secret appears only in the create answer.
 */
import * as appCreds from "../../identity/application-credentials";
import { appCredView, collectionLinks, identityBase } from "../../identity/views";
import type { IdentityDeps } from "../../identity/projects";
import type { Handlers, HandlerRequest } from "../handler";

type AppCredOperation = "listApplicationCredentials" | "createApplicationCredential" | "showApplicationCredential" | "deleteApplicationCredential";

function deps(req: HandlerRequest<unknown>): IdentityDeps {
  const tokens = req.svc.identity.tokens;
  // The HTTP layer serves /identity only in builtin mode, where the token service exists.
  if (!tokens) throw new Error("the identity API needs the built-in token service");
  return { db: req.svc.db.kysely, tokens };
}

const base = (req: HandlerRequest<unknown>) => identityBase(req.link.origin);

export const appCredHandlers: Pick<Handlers, AppCredOperation> = {
  listApplicationCredentials: async (req) => {
    const userId = req.params.user_id;
    const rows = await appCreds.listAppCreds(deps(req), req.ctx, userId, req.query.name);
    const qs = new URLSearchParams(req.query).toString();
    return {
      body: {
        application_credentials: rows.map((c) => appCredView(base(req), c.row, c.roles)),
        links: collectionLinks(`${base(req)}/users/${userId}/application_credentials${qs ? `?${qs}` : ""}`),
      },
    };
  },
  createApplicationCredential: async (req) => {
    const c = await appCreds.createAppCred(deps(req), req.ctx, req.params.user_id, req.body.application_credential as appCreds.AppCredInput);
    return { body: { application_credential: appCredView(base(req), c.row, c.roles, c.secret) } };
  },
  showApplicationCredential: async (req) => {
    const c = await appCreds.showAppCred(deps(req), req.ctx, req.params.user_id, req.params.application_credential_id);
    return { body: { application_credential: appCredView(base(req), c.row, c.roles) } };
  },
  deleteApplicationCredential: async (req) => {
    await appCreds.deleteAppCred(deps(req), req.ctx, req.params.user_id, req.params.application_credential_id);
    return {};
  },
};
