import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { businessConfigSchema, idSchema } from "@orbis/contracts";
import { actorFrom } from "../../lib/actor.ts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { effectiveBusinessSchema } from "./business.schemas.ts";
import type { BusinessService } from "./business.service.ts";

const params = z.object({ id: idSchema("agent") });

export const businessRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; business: BusinessService }> = async (app, { principals, business }) => {
  const tags = ["business"];
  app.get(
    "/:id/business",
    {
      preHandler: principals.authorize("viewer"),
      schema: {
        tags,
        summary: "The agent's business config (the generic template when none is set: configured=false)",
        params,
        response: { 200: effectiveBusinessSchema },
      },
    },
    async (request) => business.get(tenantOf(request), request.params.id),
  );
  app.put(
    "/:id/business",
    {
      preHandler: principals.authorize("admin"),
      schema: { tags, summary: "Replace the agent's business config", params, body: businessConfigSchema, response: { 200: effectiveBusinessSchema } },
    },
    async (request) => business.put(tenantOf(request), actorFrom(request), request.params.id, request.body),
  );
};
