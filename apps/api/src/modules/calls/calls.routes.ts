import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  agentAnalyticsListSchema,
  agentAnalyticsQuerySchema,
  analyticsOverviewSchema,
  callSchema,
  idSchema,
  listCallsQuerySchema,
  pageSchema,
} from "@orbis/contracts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { callDetailWithUsageSchema } from "./calls.schemas.ts";
import type { CallsService } from "./calls.service.ts";

const params = z.object({ id: idSchema("call") });

/** Call logs, transcripts with per-turn latency, and the dashboard overview. */
export const callsRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; calls: CallsService }> = async (app, { principals, calls }) => {
  const read = principals.authorize("viewer");
  const tags = ["calls"];

  app.get(
    "/calls",
    {
      preHandler: read,
      schema: { tags, summary: "Calls, newest first, with filters", querystring: listCallsQuerySchema, response: { 200: pageSchema(callSchema) } },
    },
    async (request) => calls.list(tenantOf(request), request.query),
  );

  app.get(
    "/calls/:id",
    {
      preHandler: read,
      schema: {
        tags,
        summary: "One call with its transcript, tool calls, per-turn latency, and provider usage and cost",
        params,
        response: { 200: callDetailWithUsageSchema },
      },
    },
    async (request) => calls.get(tenantOf(request), request.params.id),
  );

  app.get(
    "/calls/:id/recording",
    { preHandler: read, schema: { tags, summary: "The call's recording: WAV, 16 kHz, left caller / right agent", params } },
    async (request, reply) => {
      const recording = await calls.recording(tenantOf(request), request.params.id);
      return reply.type("audio/wav").header("content-length", recording.size).send(recording.body);
    },
  );

  app.get(
    "/analytics/overview",
    {
      preHandler: read,
      schema: {
        tags: ["analytics"],
        summary: "Calls today/week/month, duration, booking rate, top agents, turn latency p50/p95",
        response: { 200: analyticsOverviewSchema },
      },
    },
    async (request) => calls.overview(tenantOf(request)),
  );

  app.get(
    "/analytics/agents",
    {
      preHandler: read,
      schema: {
        tags: ["analytics"],
        summary: "Per agent over calls started in [from, to): calls, outcomes, booking rate, latency p50/p95 per stage, cost",
        querystring: agentAnalyticsQuerySchema,
        response: { 200: agentAnalyticsListSchema },
      },
    },
    async (request) => calls.agentAnalytics(tenantOf(request), new Date(request.query.from), new Date(request.query.to)),
  );
};
