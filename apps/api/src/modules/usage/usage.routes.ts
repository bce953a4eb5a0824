import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { usageQuerySchema, usageSummarySchema } from "./usage.schemas.ts";
import type { UsageService } from "./usage.service.ts";

/** `GET /v1/usage?from&to`: the workspace's provider usage and cost over calls started in the range. */
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
};
