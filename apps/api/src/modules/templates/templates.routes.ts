import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { businessTemplateSchema } from "@orbis/contracts";
import type { TemplatesService } from "./templates.service.ts";

/** Public: the templates are product content (shown on the sign-up and agent-creation pages). */
export const templatesRoutes: FastifyPluginAsyncZod<{ templates: TemplatesService }> = async (app, { templates }) => {
  app.get(
    "",
    {
      schema: {
        tags: ["business"],
        summary: "Vertical business templates to start an agent from",
        security: [],
        response: { 200: z.object({ data: z.array(businessTemplateSchema) }) },
      },
    },
    async (_request, reply) => {
      reply.header("cache-control", "public, max-age=300");
      return { data: templates.list() };
    },
  );
};
