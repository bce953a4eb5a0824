import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { agentSchema, businessTemplateIdSchema, businessTemplateSchema, createAgentFromTemplateBodySchema } from "@orbis/contracts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { TemplatesService } from "./templates.service.ts";

const params = z.object({ id: businessTemplateIdSchema });

export const templatesRoutes: FastifyPluginAsyncZod<{ templates: TemplatesService; principals: PrincipalResolver }> = async (
  app,
  { templates, principals },
) => {
  const tags = ["business"];
  /** Public: the templates are product content (shown on the sign-up and agent-creation pages). */
  app.get(
    "",
    {
      schema: {
        tags,
        summary: "Vertical business templates: suggested hours, services, FAQs and prompt to confirm (no business facts)",
        security: [],
        response: { 200: z.object({ data: z.array(businessTemplateSchema) }) },
      },
    },
    async (_request, reply) => {
      reply.header("cache-control", "public, max-age=300");
      return { data: templates.list() };
    },
  );

  app.post(
    "/:id/agents",
    {
      preHandler: principals.authorize("admin"),
      schema: {
        tags,
        summary: "Create an agent from a template: the business's own facts (the body's, else the workspace's) with the template's suggestions",
        params,
        body: createAgentFromTemplateBodySchema,
        response: { 201: agentSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await templates.createAgent(tenantOf(request), request.params.id, request.body)),
  );
};
