import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  acceptInviteBodySchema,
  changeRoleBodySchema,
  idSchema,
  invitationSchema,
  inviteBodySchema,
  memberSchema,
  memberStatusBodySchema,
  requireTwoFactorBodySchema,
  signInResultSchema,
  updateWorkspaceBodySchema,
  workspaceSchema,
} from "@orbis/contracts";
import type { AppConfig } from "@orbis/config";
import { actorFrom } from "../../lib/actor.ts";
import { clientOf } from "../../lib/client.ts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { perIp } from "../../plugins/rate-limits.ts";
import { sessionCookieSetter } from "../../plugins/session-cookie.ts";
import type { MembersService } from "./members.service.ts";
import type { WorkspacesService } from "./workspaces.service.ts";

const userParams = z.object({ userId: idSchema("user") });

export const workspacesRoutes: FastifyPluginAsyncZod<{
  principals: PrincipalResolver;
  workspaces: WorkspacesService;
  members: MembersService;
  config: AppConfig;
}> = async (app, { principals, workspaces, members, config }) => {
  const setSessionCookie = sessionCookieSetter(config);
  const tags = ["workspaces"];

  app.get(
    "/workspaces/current",
    { preHandler: principals.authorize("viewer"), schema: { tags, summary: "The caller's workspace", response: { 200: workspaceSchema } } },
    async (request) => workspaces.get(tenantOf(request)),
  );

  app.put(
    "/workspaces/current",
    {
      preHandler: principals.authorize("admin"),
      schema: { tags, summary: "Update the workspace", body: updateWorkspaceBodySchema, response: { 200: workspaceSchema } },
    },
    async (request) => workspaces.update(tenantOf(request), actorFrom(request), request.body),
  );

  app.put(
    "/workspaces/current/two-factor",
    {
      preHandler: principals.authorize("owner"),
      schema: {
        tags,
        summary: "Require two-factor sign-in of every member (owners only); members without it enrol at their next sign-in",
        body: requireTwoFactorBodySchema,
        response: { 200: workspaceSchema },
      },
    },
    async (request) => workspaces.setTwoFactorRequired(tenantOf(request), actorFrom(request), request.body.required),
  );

  app.get(
    "/workspaces/current/members",
    { preHandler: principals.authorize("viewer"), schema: { tags, summary: "List members", response: { 200: z.object({ data: z.array(memberSchema) }) } } },
    async (request) => ({ data: await members.list(tenantOf(request)) }),
  );

  app.post(
    "/workspaces/current/invitations",
    {
      preHandler: principals.authorize("admin"),
      schema: { tags, summary: "Invite someone by email (returns the token link once)", body: inviteBodySchema, response: { 201: invitationSchema } },
    },
    async (request, reply) => reply.status(201).send(await members.invite(tenantOf(request), actorFrom(request), request.body.email, request.body.role)),
  );

  app.get(
    "/workspaces/current/invitations",
    {
      preHandler: principals.authorize("admin"),
      schema: { tags, summary: "List invitations", response: { 200: z.object({ data: z.array(invitationSchema) }) } },
    },
    async (request) => ({ data: await members.listInvitations(tenantOf(request)) }),
  );

  app.post(
    "/invitations/accept",
    {
      config: perIp,
      schema: {
        tags,
        summary: "Accept an invitation (creates the account if needed): a session, or the second sign-in step it needs",
        body: acceptInviteBodySchema,
        response: { 200: signInResultSchema },
      },
    },
    async (request, reply) => {
      const result = await members.accept(request.body.token, request.body.name, request.body.password, clientOf(request));
      if ("token" in result) setSessionCookie(reply, result.token);
      return result;
    },
  );

  app.patch(
    "/workspaces/current/members/:userId",
    {
      preHandler: principals.authorize("admin"),
      schema: { tags, summary: "Change a member's role", params: userParams, body: changeRoleBodySchema, response: { 200: memberSchema } },
    },
    async (request) => members.changeRole(tenantOf(request), actorFrom(request), request.params.userId, request.body.role),
  );

  app.put(
    "/workspaces/current/members/:userId/status",
    {
      preHandler: principals.authorize("admin"),
      schema: { tags, summary: "Block or unblock a member", params: userParams, body: memberStatusBodySchema, response: { 200: memberSchema } },
    },
    async (request) => members.setStatus(tenantOf(request), actorFrom(request), request.params.userId, request.body.status),
  );

  app.delete(
    "/workspaces/current/members/:userId",
    { preHandler: principals.authorize("admin"), schema: { tags, summary: "Remove a member", params: userParams } },
    async (request, reply) => {
      await members.remove(tenantOf(request), actorFrom(request), request.params.userId);
      return reply.status(204).send();
    },
  );
};
