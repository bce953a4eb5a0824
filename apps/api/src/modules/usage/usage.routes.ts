import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { dailyUsageQuerySchema, dailyUsageSchema } from "@orbis/contracts";
import { dailyUsageCsv } from "./daily-usage.ts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { usageQuerySchema, usageSummarySchema } from "./usage.schemas.ts";
import type { UsageService } from "./usage.service.ts";

/** `GET /v1/usage?from&to`: the workspace's provider usage and cost over calls started in the range; `/usage/daily` per day. */
export const usageRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; usage: UsageService }> = async (app, { principals, usage }) => {
  app.get(
    "/usage",
    {
      preHandler: principals.authorize("viewer"),
      schema: {
        tags: ["usage"],
        summary: "Provider usage (STT seconds, LLM tokens, TTS characters, realtime seconds) and cost, by provider and kind",
        querystring: usageQuerySchema,
        response: { 200: usageSummarySchema },
      },
    },
    async (request) => usage.summary(tenantOf(request), new Date(request.query.from), new Date(request.query.to)),
  );

  app.get(
    "/usage/daily",
    {
      preHandler: principals.authorize("viewer"),
      schema: {
        tags: ["usage"],
        summary: "Calls and minutes per day and channel, cost per day and provider; days in tz (the workspace's zone by default), both ends included",
        querystring: dailyUsageQuerySchema,
        response: { 200: dailyUsageSchema },
      },
    },
    async (request) => usage.daily(tenantOf(request), request.query),
  );

  app.get(
    "/usage/daily.csv",
    {
      preHandler: principals.authorize("viewer"),
      schema: { tags: ["usage"], summary: "The daily usage as CSV: one row per day", querystring: dailyUsageQuerySchema },
    },
    async (request, reply) => {
      const daily = await usage.daily(tenantOf(request), request.query);
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="usage-${daily.from}-to-${daily.to}.csv"`)
        .send(dailyUsageCsv(daily));
    },
  );
};
