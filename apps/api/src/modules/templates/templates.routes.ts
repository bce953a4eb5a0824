import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { businessTemplateSchema } from "@orbis/contracts";
import { BUSINESS_TEMPLATES } from "@orbis/brain";

/** Public: the templates are product content (shown on the sign-up and agent-creation pages). */
export const templatesRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "",
    { schema: { tags: ["business"], summary: "Vertical business templates to start an agent from", security: [], response: { 200: z.object({ data: z.array(businessTemplateSchema) }) } } },
    async (_request, reply) => {
      reply.header("cache-control", "public, max-age=300");
      return { data: [...BUSINESS_TEMPLATES] };
    },
  );
};
