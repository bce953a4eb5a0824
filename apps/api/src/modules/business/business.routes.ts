import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { businessConfigSchema, idSchema, putBusinessBodySchema } from "@orbis/contracts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { businessService } from "./business.service.ts";

const params = z.object({ id: idSchema("agent") });
const effectiveBusinessSchema = z.object({ configured: z.boolean(), business: businessConfigSchema });

export const businessRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver }> = async (app, { principals }) => {
  const tags = ["business"];
  app.get(
    "/:id/business",
    { preHandler: principals.authorize("viewer"), schema: { tags, summary: "The agent's business config (the generic template when none is set: configured=false)", params, response: { 200: effectiveBusinessSchema } } },
    async (request) => businessService.get(tenantOf(request), request.params.id),
  );
  app.put(
    "/:id/business",
    { preHandler: principals.authorize("admin"), schema: { tags, summary: "Replace the agent's business config", params, body: putBusinessBodySchema, response: { 200: effectiveBusinessSchema } } },
    async (request) => businessService.put(tenantOf(request), request.params.id, request.body),
  );
};
