import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { AppError, earningsSchema } from "@orbis/contracts";
import { principalOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { EarningsService } from "./earnings.service.ts";

/** GET /v1/referrals/me/earnings. */
export const earningsRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; service: EarningsService }> = async (app, { principals, service }) => {
  app.get(
    "/referrals/me/earnings",
    {
      preHandler: principals.authorize("viewer"),
      schema: {
        tags: ["referrals"],
        summary: "The signed-in user's referral earnings: totals by status, the estimate, commissions and the monthly chart",
        response: { 200: earningsSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      // Earnings belong to a person, not to a workspace: an API key has none to show.
      if (principal.kind !== "session") throw new AppError("forbidden", "Only a user session can see referral earnings");
      return service.mine(principal.userId);
    },
  );
};
