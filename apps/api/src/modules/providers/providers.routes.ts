import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { providerSchema } from "./providers.schemas.ts";
import type { ProvidersService } from "./providers.service.ts";

export const providersRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; providers: ProvidersService }> = async (
  app,
  { principals, providers },
) => {
  app.get(
    "/providers",
    {
      preHandler: principals.authorize("viewer"),
      schema: {
        tags: ["providers"],
        summary: "Available speech, LLM and realtime providers with models, voices and health",
        response: { 200: z.object({ data: z.array(providerSchema) }) },
      },
    },
    async (request) => ({ data: await providers.list(tenantOf(request)) }),
  );
};
