import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { plansResponseSchema, subscriptionSchema } from "@orbis/contracts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { BillingService } from "./billing.service.ts";

/** `GET /v1/billing/plans`, `GET /v1/billing/subscription`. */
export const billingRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; billing: BillingService }> = async (app, { principals, billing }) => {
  const tags = ["billing"];

  /** Public: the pricing page shows the same plans before anyone signs up. */
  app.get(
    "/plans",
    {
      schema: {
        tags,
        summary: "The plans on offer and the billing mode (off: one unlimited self-hosted plan)",
        security: [],
        response: { 200: plansResponseSchema },
      },
    },
    async () => billing.plans(),
  );

  app.get(
    "/subscription",
    {
      preHandler: principals.authorize("viewer"),
      schema: {
        tags,
        summary: "The workspace's plan, status and billing period, its use this period and the allowance left",
        response: { 200: subscriptionSchema },
      },
    },
    async (request) => billing.subscription(tenantOf(request)),
  );
};
