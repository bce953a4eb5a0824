import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { SESSION_COOKIE } from "@orbis/auth";
import { AppError } from "@orbis/contracts";
import { actorFrom } from "../../lib/actor.ts";
import { principalOf, tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import {
  accountDeletedSchema,
  callerErasureSchema,
  deleteAccountBodySchema,
  deleteWorkspaceBodySchema,
  eraseCallerBodySchema,
  exportQuerySchema,
  privacySettingsSchema,
  updatePrivacySettingsBodySchema,
} from "./privacy.schemas.ts";
import type { PrivacyService } from "./privacy.service.ts";

/** Data & privacy: retention, export, erasing a caller, deleting the workspace or one's account. */
export const privacyRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; privacy: PrivacyService }> = async (app, { principals, privacy }) => {
  const tags = ["privacy"];

  app.get(
    "/privacy/settings",
    {
      preHandler: principals.authorize("viewer"),
      schema: { tags, summary: "The workspace's retention of call transcripts and recordings", response: { 200: privacySettingsSchema } },
    },
    async (request) => privacy.settings(tenantOf(request)),
  );

  app.put(
    "/privacy/settings",
    {
      preHandler: principals.authorize("admin"),
      schema: {
        tags,
        summary: "Set how many days call transcripts and recordings are kept (1–3650); older ones are purged daily",
        body: updatePrivacySettingsBodySchema,
        response: { 200: privacySettingsSchema },
      },
    },
    async (request) => privacy.updateSettings(tenantOf(request), actorFrom(request), request.body.retentionDays),
  );

  app.get(
    "/privacy/export",
    {
      preHandler: principals.authorize("owner"),
      schema: {
        tags,
        summary: "Download the workspace's data (owners only): a JSON document with a key per table, or `format=csv&table=…` for one table",
        querystring: exportQuerySchema,
      },
    },
    async (request, reply) => {
      const file = await privacy.export(tenantOf(request), actorFrom(request), request.query);
      return reply
        .type(file.contentType)
        .header("content-disposition", `attachment; filename="${file.filename}"`)
        .header("cache-control", "no-store")
        .send(file.body);
    },
  );

  app.post(
    "/privacy/erase-caller",
    {
      preHandler: principals.authorize("admin"),
      schema: {
        tags,
        summary: "Erase one caller's data by phone number: calls, transcripts, recordings, appointments, messages, text messages",
        body: eraseCallerBodySchema,
        response: { 200: callerErasureSchema },
      },
    },
    async (request) => privacy.eraseCaller(tenantOf(request), actorFrom(request), request.body.phone),
  );

  app.delete(
    "/workspace",
    {
      preHandler: principals.authorize("owner"),
      schema: { tags, summary: "Delete the workspace and everything it holds (owners only; confirm with its name)", body: deleteWorkspaceBodySchema },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const deleted = await privacy.deleteWorkspace(tenantOf(request), request.body.confirm);
      request.log.info({ workspaceId: deleted.workspaceId, actorUserId: principal.kind === "session" ? principal.userId : null }, "workspace deleted");
      return reply.clearCookie(SESSION_COOKIE, { path: "/" }).status(204).send();
    },
  );

  app.delete(
    "/me",
    {
      preHandler: principals.authorize("viewer"),
      schema: {
        tags,
        summary: "Delete your own account (password again); refused while you are the only owner of a workspace with other members",
        body: deleteAccountBodySchema,
        response: { 200: accountDeletedSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind !== "session") throw new AppError("forbidden", "Only a signed-in user can delete their account");
      const result = await privacy.deleteAccount({ userId: principal.userId, ip: request.ip }, request.body.password);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return result;
    },
  );
};
