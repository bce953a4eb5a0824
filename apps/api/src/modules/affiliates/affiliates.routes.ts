import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { affiliateLoginSchema, affiliateSignupSchema, affiliateTokenSchema, createReferralLinkSchema, okSchema, referralLinkSchema } from "@orbis/contracts";
import type { PrincipalResolver } from "../../plugins/principal.ts";
import { perIp } from "../../plugins/rate-limits.ts";
import { AFFILIATE_COOKIE, AFFILIATE_SESSION_TTL_SEC } from "./affiliate-session.ts";
import { affiliateMeSchema, affiliateTermsSchema, checkYourEmailSchema } from "./affiliates.schemas.ts";
import type { AffiliatesService } from "./affiliates.service.ts";

/**
 * /v1/affiliates/* — signup, verify, sign-in, dashboard. Public: affiliates are not users, so these
 * routes never use `principals`; the dashboard routes read the affiliate cookie themselves.
 */
export const affiliatesRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; service: AffiliatesService }> = async (app, { service }) => {
  const tags = ["affiliates"];
  const checkYourEmail = { status: "check_your_email" as const };
  const signIn = (reply: FastifyReply, affiliateId: string) =>
    reply.setCookie(AFFILIATE_COOKIE, service.issueSession(affiliateId), {
      httpOnly: true,
      sameSite: "lax",
      secure: service.secureCookies,
      path: "/",
      maxAge: AFFILIATE_SESSION_TTL_SEC,
    });
  const affiliateOf = (request: FastifyRequest) => service.authenticate(request.cookies?.[AFFILIATE_COOKIE]);
  // Checked first (onRequest), as `principals.authorize` does: a caller without the cookie gets 401, never a 422 about the body.
  const signedIn = async (request: FastifyRequest) => void affiliateOf(request);

  app.get(
    "/terms",
    {
      schema: {
        tags,
        summary: "The affiliate agreement (its version goes back with the signup) and what the programme pays",
        response: { 200: affiliateTermsSchema },
      },
    },
    async () => service.terms(),
  );

  app.post(
    "/signup",
    {
      config: perIp,
      schema: {
        tags,
        summary: "Apply to the affiliate programme: a verification link by email. Answers 202 whether or not the address is registered",
        body: affiliateSignupSchema,
        response: { 202: checkYourEmailSchema },
      },
    },
    async (request, reply) => {
      await service.signup(request.body, request.ip);
      return reply.status(202).send(checkYourEmail);
    },
  );

  app.post(
    "/verify",
    {
      config: perIp,
      schema: {
        tags,
        summary: "Confirm the address with the emailed link (once, 24 hours) and sign in",
        body: affiliateTokenSchema,
        response: { 200: okSchema },
      },
    },
    async (request, reply) => {
      signIn(reply, await service.verify(request.body.token));
      return { ok: true as const };
    },
  );

  app.post(
    "/sign-in",
    {
      config: perIp,
      schema: {
        tags,
        summary: "Email a sign-in link (30 minutes) to a verified affiliate. Answers 202 whether or not the address is registered",
        body: affiliateLoginSchema,
        response: { 202: checkYourEmailSchema },
      },
    },
    async (request, reply) => {
      await service.requestSignIn(request.body.email);
      return reply.status(202).send(checkYourEmail);
    },
  );

  app.post(
    "/session",
    { config: perIp, schema: { tags, summary: "Sign in with the emailed link (once)", body: affiliateTokenSchema, response: { 200: okSchema } } },
    async (request, reply) => {
      signIn(reply, await service.signIn(request.body.token));
      return { ok: true as const };
    },
  );

  app.post("/sign-out", { schema: { tags, summary: "Sign out of the affiliate dashboard", response: { 200: okSchema } } }, async (_request, reply) => {
    void reply.clearCookie(AFFILIATE_COOKIE, { path: "/" });
    return { ok: true as const };
  });

  app.get(
    "/me",
    {
      onRequest: signedIn,
      schema: { tags, summary: "The signed-in affiliate's dashboard: status, funnel, links, earnings, payouts", response: { 200: affiliateMeSchema } },
    },
    async (request) => service.dashboard(affiliateOf(request)),
  );

  app.post(
    "/me/links",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "Another referral link, with an optional campaign tag (approved affiliates)",
        body: createReferralLinkSchema,
        response: { 201: referralLinkSchema },
      },
    },
    async (request, reply) => {
      const affiliateId = affiliateOf(request);
      return reply.status(201).send(await service.createLink(affiliateId, request.body.campaign));
    },
  );
};
