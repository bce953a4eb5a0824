import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { FastifyRequest } from "fastify";
import {
  featureFlagOverrideSchema,
  featureFlagsSchema,
  idSchema,
  referralAnalyticsSchema,
  referralProgramSchema,
  updateReferralProgramSchema,
} from "@orbis/contracts";
import { z } from "zod";
import { principalOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { attributionsCsv, payoutsCsv } from "./admin.mappers.ts";
import {
  adminAffiliateListSchema,
  adminAffiliateSchema,
  adminCommissionListSchema,
  adminMeSchema,
  adminPayoutListSchema,
  adminPayoutSchema,
  adminWorkspaceListSchema,
  affiliateIdParamsSchema,
  affiliateListQuerySchema,
  analyticsQuerySchema,
  approveBodySchema,
  balanceListSchema,
  commissionIdParamsSchema,
  commissionListQuerySchema,
  createPayoutSchema,
  payoutIdParamsSchema,
  programIdParamsSchema,
  rejectBodySchema,
  stripeAccountBodySchema,
  workspaceListQuerySchema,
} from "./admin.schemas.ts";
import type { AdminService } from "./admin.service.ts";

const okSchema = z.object({ id: z.string(), status: z.string() });

/** The operator signed in on this request (the hook let only platform admins through). */
function operatorOf(request: FastifyRequest) {
  const p = principalOf(request);
  return { userId: p.kind === "session" ? p.userId : "" };
}

/**
 * Operator changes touch no workspace's audit log (the operator is not a member): each is written to the
 * request log, with who, what and on which row.
 */
function logChange(request: FastifyRequest, action: string, target: string, details: object = {}) {
  request.log.info({ admin: operatorOf(request).userId, action, target, ...details }, "operator change");
}

/** /v1/admin/* — the platform operator's console. */
export const adminRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; service: AdminService }> = async (app, { principals, service }) => {
  const tags = ["admin"];
  const operator = principals.authorizePlatformAdmin();

  app.get(
    "/me",
    {
      preHandler: operator,
      schema: { tags, summary: "Whether the signed-in user is the platform operator (403 otherwise)", response: { 200: adminMeSchema } },
    },
    async (request) => service.me(operatorOf(request).userId),
  );

  // ── Analytics ──
  app.get(
    "/referrals/analytics",
    {
      preHandler: operator,
      schema: {
        tags,
        summary: "Referral funnel, monthly signup cohorts and top referrers over [from, to) (default: the last 12 months)",
        querystring: analyticsQuerySchema,
        response: { 200: referralAnalyticsSchema },
      },
    },
    async (request) => service.analytics(request.query),
  );

  app.get(
    "/referrals/analytics.csv",
    {
      preHandler: operator,
      schema: {
        tags,
        summary: "One row per referred workspace signed up in [from, to): revenue and commissions by status, for accounting",
        querystring: analyticsQuerySchema,
      },
    },
    async (request, reply) => {
      const { from, to, rows } = await service.attributions(request.query);
      const day = (d: Date) => d.toISOString().slice(0, 10);
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="referrals-${day(from)}-to-${day(to)}.csv"`)
        .send(attributionsCsv(rows));
    },
  );

  // ── Affiliates ──
  app.get(
    "/referrals/affiliates",
    {
      preHandler: operator,
      schema: { tags, summary: "Affiliates, those awaiting review first", querystring: affiliateListQuerySchema, response: { 200: adminAffiliateListSchema } },
    },
    async (request) => service.affiliates(request.query.status),
  );

  app.post(
    "/referrals/affiliates/:id/approve",
    {
      preHandler: operator,
      schema: {
        tags,
        summary: "Approve an affiliate awaiting review",
        params: affiliateIdParamsSchema,
        body: approveBodySchema,
        response: { 200: adminAffiliateSchema },
      },
    },
    async (request) => {
      const affiliate = await service.approveAffiliate(request.params.id, request.body?.note, operatorOf(request));
      logChange(request, "affiliate.approve", affiliate.id);
      return affiliate;
    },
  );

  app.post(
    "/referrals/affiliates/:id/reject",
    {
      preHandler: operator,
      schema: {
        tags,
        summary: "Reject an affiliate (a note saying why is required)",
        params: affiliateIdParamsSchema,
        body: rejectBodySchema,
        response: { 200: adminAffiliateSchema },
      },
    },
    async (request) => {
      const affiliate = await service.rejectAffiliate(request.params.id, request.body.note, operatorOf(request));
      logChange(request, "affiliate.reject", affiliate.id, { note: request.body.note });
      return affiliate;
    },
  );

  app.put(
    "/referrals/affiliates/:id/stripe-account",
    {
      preHandler: operator,
      schema: {
        tags,
        summary: "The Stripe Connect account payouts to this affiliate go to",
        params: affiliateIdParamsSchema,
        body: stripeAccountBodySchema,
        response: { 200: adminAffiliateSchema },
      },
    },
    async (request) => {
      const affiliate = await service.setStripeAccount(request.params.id, request.body.accountId);
      logChange(request, "affiliate.stripe_account", affiliate.id, { accountId: request.body.accountId });
      return affiliate;
    },
  );

  // ── Commissions ──
  app.get(
    "/referrals/commissions",
    {
      preHandler: operator,
      schema: {
        tags,
        summary: "Commissions by status (held: flagged, for review)",
        querystring: commissionListQuerySchema,
        response: { 200: adminCommissionListSchema },
      },
    },
    async (request) => service.commissions(request.query.status),
  );

  app.post(
    "/referrals/commissions/:id/approve",
    {
      preHandler: operator,
      schema: {
        tags,
        summary: "Approve a held commission after review",
        params: commissionIdParamsSchema,
        body: approveBodySchema,
        response: { 200: okSchema },
      },
    },
    async (request) => {
      const row = await service.approveCommission(request.params.id);
      logChange(request, "commission.approve", row.id, { note: request.body?.note });
      return { id: row.id, status: row.status };
    },
  );

  app.post(
    "/referrals/commissions/:id/reject",
    {
      preHandler: operator,
      schema: {
        tags,
        summary: "Reject a commission not yet paid; the note joins its reasons",
        params: commissionIdParamsSchema,
        body: rejectBodySchema,
        response: { 200: okSchema },
      },
    },
    async (request) => {
      const row = await service.rejectCommission(request.params.id, request.body.note);
      logChange(request, "commission.reject", row.id, { note: request.body.note });
      return { id: row.id, status: row.status };
    },
  );

  // ── Payouts ──
  app.get(
    "/referrals/balances",
    { preHandler: operator, schema: { tags, summary: "Referrers with approved commissions to pay, and how much", response: { 200: balanceListSchema } } },
    async () => service.balances(),
  );

  app.get(
    "/referrals/payouts",
    { preHandler: operator, schema: { tags, summary: "Payouts, newest first", response: { 200: adminPayoutListSchema } } },
    async () => service.payouts(),
  );

  app.get("/referrals/payouts.csv", { preHandler: operator, schema: { tags, summary: "Payouts as CSV, newest first" } }, async (_request, reply) =>
    reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="referral-payouts.csv"`)
      .send(payoutsCsv((await service.payouts()).data)),
  );

  app.post(
    "/referrals/payouts",
    {
      preHandler: operator,
      schema: {
        tags,
        summary: "Pay a referrer's approved balance: manual (pending until marked paid) or a Stripe Connect transfer",
        body: createPayoutSchema,
        response: { 201: adminPayoutSchema },
      },
    },
    async (request, reply) => {
      const payout = await service.createPayout(request.body, operatorOf(request));
      logChange(request, "payout.create", payout.id, { method: payout.method, amountUsd: payout.amountUsd, status: payout.status });
      return reply.status(201).send(payout);
    },
  );

  app.post(
    "/referrals/payouts/:id/mark-paid",
    { preHandler: operator, schema: { tags, summary: "Mark a manual payout as sent", params: payoutIdParamsSchema, response: { 200: adminPayoutSchema } } },
    async (request) => {
      const payout = await service.markPayoutPaid(request.params.id);
      logChange(request, "payout.mark_paid", payout.id);
      return payout;
    },
  );

  // ── Programmes ──
  app.get(
    "/referrals/programs",
    {
      preHandler: operator,
      schema: { tags, summary: "Referral programmes and their commission rules", response: { 200: z.object({ data: z.array(referralProgramSchema) }) } },
    },
    async () => service.programs(),
  );

  app.put(
    "/referrals/programs/:id",
    {
      preHandler: operator,
      schema: {
        tags,
        summary: "Change a programme's name, rule, hold period or whether it is active",
        params: programIdParamsSchema,
        body: updateReferralProgramSchema,
        response: { 200: referralProgramSchema },
      },
    },
    async (request) => {
      const program = await service.updateProgram(request.params.id, request.body);
      logChange(request, "program.update", program.id, { patch: request.body });
      return program;
    },
  );

  // ── Workspaces ──
  app.get(
    "/workspaces",
    {
      preHandler: operator,
      schema: {
        tags,
        summary: "Every workspace, newest first: owner, plan, calls, and the referral it came through",
        querystring: workspaceListQuerySchema,
        response: { 200: adminWorkspaceListSchema },
      },
    },
    async (request) => service.workspaces(request.query),
  );

  app.put(
    "/workspaces/:id/features",
    {
      preHandler: operator,
      schema: {
        tags,
        summary: "Override one feature for a workspace over its plan (enabled null: back to the plan); the workspace's flags after",
        params: z.strictObject({ id: idSchema("workspace") }),
        body: featureFlagOverrideSchema,
        response: { 200: featureFlagsSchema },
      },
    },
    async (request) => {
      const flags = await service.setFeature(request.params.id, request.body.flag, request.body.enabled);
      logChange(request, "workspace.feature", request.params.id, { flag: request.body.flag, enabled: request.body.enabled });
      return flags;
    },
  );
};
