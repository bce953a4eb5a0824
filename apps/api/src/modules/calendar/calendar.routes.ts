import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorFrom } from "../../lib/actor.ts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { feedUrlSchema } from "./calendar.schemas.ts";
import type { CalendarFeedService } from "./calendar.service.ts";

export const calendarRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; feeds: CalendarFeedService }> = async (app, { principals, feeds }) => {
  const tags = ["calendar"];
  const configure = principals.authorize("admin");

  app.get(
    "/feed-url",
    { preHandler: configure, schema: { tags, summary: "The workspace's secret iCal feed URL (created on first request)", response: { 200: feedUrlSchema } } },
    async (request) => feeds.feedUrl(tenantOf(request), actorFrom(request)),
  );
  app.post(
    "/feed-url/rotate",
    { preHandler: configure, schema: { tags, summary: "Replace the feed URL; the old one stops working", response: { 200: feedUrlSchema } } },
    async (request) => feeds.rotate(tenantOf(request), actorFrom(request)),
  );

  // Public: calendar apps cannot authenticate, so the unguessable token (192 bits) is the credential.
  app.get(
    "/:file",
    {
      config: { rateLimit: { keyGenerator: (req: { ip: string }) => `ip:${req.ip}` } },
      schema: {
        tags,
        summary: "iCalendar feed of the workspace's appointments",
        security: [],
        params: z.object({ file: z.string().regex(/^[A-Za-z0-9_-]{16,64}\.ics$/, "must be <token>.ics") }),
      },
    },
    async (request, reply) => {
      const body = await feeds.ics(request.params.file.slice(0, -4));
      return reply.header("content-type", "text/calendar; charset=utf-8").header("cache-control", "private, max-age=300").send(body);
    },
  );
};
