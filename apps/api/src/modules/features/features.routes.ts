import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { featureFlagsSchema } from "@orbis/contracts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { FeaturesService } from "./features.service.ts";

/** GET /v1/features: what the workspace may use (the dashboard hides what it may not). */
export const featuresRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; features: FeaturesService }> = async (app, { principals, features }) => {
  app.get(
    "/features",
    {
      preHandler: principals.authorize("viewer"),
      schema: {
        tags: ["features"],
        summary: "The workspace's feature flags: its plan's features, then the operator's overrides",
        response: { 200: featureFlagsSchema },
      },
    },
    async (request) => ({ flags: await features.flags(tenantOf(request)) }),
  );
};
