import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { checkoutRequestSchema, invoiceListSchema, redirectResponseSchema } from "@orbis/contracts";
import { principalOf, tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { StripeBillingService } from "./stripe.service.ts";

const webhookResponseSchema = z.object({ received: z.literal(true), duplicate: z.literal(true).optional() });

/** `POST /v1/billing/checkout`, `POST /v1/billing/portal`, `GET /v1/billing/invoices`, `POST /v1/billing/stripe/webhook`. */
export const stripeBillingRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; stripeBilling: StripeBillingService }> = async (
  app,
  { principals, stripeBilling },
) => {
  const tags = ["billing"];
  const manage = principals.authorize("admin");
  const read = principals.authorize("viewer");

  app.post(
    "/checkout",
    {
      preHandler: manage,
      schema: {
        tags,
        summary: "Start a Stripe Checkout for a plan: open the returned URL to pay",
        body: checkoutRequestSchema,
        response: { 200: redirectResponseSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const userId = principal.kind === "session" ? principal.userId : null;
      return stripeBilling.checkout(tenantOf(request), { userId }, request.body.planId);
    },
  );

  app.post(
    "/portal",
    {
      preHandler: manage,
      schema: { tags, summary: "Open the Stripe Customer Portal (card, invoices, plan changes, cancellation)", response: { 200: redirectResponseSchema } },
    },
    async (request) => stripeBilling.portal(tenantOf(request)),
  );

  app.get(
    "/invoices",
    { preHandler: read, schema: { tags, summary: "The workspace's invoices, newest first", response: { 200: invoiceListSchema } } },
    async (request) => stripeBilling.invoices(tenantOf(request)),
  );

  // Stripe's webhook, in a scope of its own: its signature covers the exact bytes, so JSON stays a raw
  // string here while every other route keeps the normal parser.
  await app.register(async (scope) => {
    scope.addContentTypeParser("application/json", { parseAs: "string", bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));
    scope.post(
      "/stripe/webhook",
      {
        // Stripe sends bursts from a few addresses; a forged request costs one HMAC and is refused.
        config: { rateLimit: false },
        schema: { hide: true, response: { 200: webhookResponseSchema } },
      },
      async (request) => {
        const raw = typeof request.body === "string" ? request.body : "";
        const signature = request.headers["stripe-signature"];
        return stripeBilling.webhook(raw, typeof signature === "string" ? signature : undefined);
      },
    );
  });
};
