import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { actorFrom } from "../../lib/actor.ts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import {
  calendarConnectionSchema,
  calendarListSchema,
  callbackQuerySchema,
  connectionListSchema,
  connectionParamsSchema,
  disconnectResponseSchema,
  providerParamsSchema,
  startConnectionBodySchema,
  startConnectionResponseSchema,
  updateConnectionBodySchema,
} from "./calendar-connections.schemas.ts";
import type { CalendarConnectionsService } from "./calendar-connections.service.ts";

/** Google Calendar and Microsoft 365 connections of the workspace (docs/calendars.md). */
export const calendarConnectionsRoutes: FastifyPluginAsyncZod<{
  principals: PrincipalResolver;
  connections: CalendarConnectionsService;
  /** Where the member lands after the provider's consent page: the dashboard's Calendars settings. */
  dashboardUrl: () => string;
}> = async (app, { principals, connections, dashboardUrl }) => {
  const tags = ["calendar-connections"];
  const read = principals.authorize("staff");
  const configure = principals.authorize("admin");

  app.get(
    "/",
    {
      preHandler: read,
      schema: { tags, summary: "Calendar providers this server offers and the workspace's connections", response: { 200: connectionListSchema } },
    },
    async (request) => connections.list(tenantOf(request)),
  );
  app.post(
    "/:provider/start",
    {
      preHandler: configure,
      schema: {
        tags,
        summary: "Start connecting a Google or Microsoft calendar: the provider's consent URL (OAuth 2.0 code flow with PKCE; valid 10 minutes)",
        params: providerParamsSchema,
        body: startConnectionBodySchema,
        response: { 200: startConnectionResponseSchema },
      },
    },
    async (request) => connections.start(tenantOf(request), actorFrom(request), request.params.provider, request.body ?? {}),
  );
  app.get(
    "/:provider/callback",
    {
      preHandler: configure,
      schema: {
        tags,
        summary: "Where the provider sends the member back: exchanges the code, stores the connection, redirects to the dashboard",
        params: providerParamsSchema,
        querystring: callbackQuerySchema,
      },
    },
    async (request, reply) => {
      const connection = await connections.complete(tenantOf(request), actorFrom(request), request.params.provider, request.query);
      return reply.redirect(`${dashboardUrl()}?connected=${encodeURIComponent(connection.id)}`, 303);
    },
  );
  app.get(
    "/:id/calendars",
    {
      preHandler: configure,
      schema: {
        tags,
        summary: "The account's calendars (asked of the provider) and which block availability / receive bookings",
        params: connectionParamsSchema,
        response: { 200: calendarListSchema },
      },
    },
    async (request) => connections.calendars(tenantOf(request), request.params.id),
  );
  app.put(
    "/:id",
    {
      preHandler: configure,
      schema: {
        tags,
        summary: "Choose the calendars whose busy times block availability, the calendar bookings are written to, and the staff member it belongs to",
        params: connectionParamsSchema,
        body: updateConnectionBodySchema,
        response: { 200: calendarConnectionSchema },
      },
    },
    async (request) => connections.update(tenantOf(request), actorFrom(request), request.params.id, request.body),
  );
  app.delete(
    "/:id",
    {
      preHandler: configure,
      schema: {
        tags,
        summary: "Disconnect: revoke the grant at the provider where it can be, forget the tokens",
        params: connectionParamsSchema,
        response: { 200: disconnectResponseSchema },
      },
    },
    async (request) => connections.remove(tenantOf(request), actorFrom(request), request.params.id, request.log),
  );
};
