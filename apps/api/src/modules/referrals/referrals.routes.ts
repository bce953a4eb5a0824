import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { AppError, createReferralLinkSchema, referralLinkListSchema, referralLinkSchema, referralsMeSchema } from "@orbis/contracts";
import { principalOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { ReferralsService } from "./referrals.service.ts";

/** Referral links belong to a person, not to a workspace: only a signed-in user has them (an API key answers 403). */
function userOf(request: FastifyRequest) {
  const principal = principalOf(request);
  if (principal.kind !== "session") throw new AppError("forbidden", "Only a signed-in user has referral links");
  return principal.userId;
}

/** GET /v1/referrals/me, POST|GET /v1/referral-links. */
export const referralsRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; service: ReferralsService }> = async (app, { principals, service }) => {
  const tags = ["referrals"];
  // Every role refers: the links are the user's own.
  const signedIn = principals.authorize("viewer");

  app.get(
    "/referrals/me",
    {
      preHandler: signedIn,
      schema: { tags, summary: "The caller's referral links, funnel, estimated earnings and referred workspaces", response: { 200: referralsMeSchema } },
    },
    async (request) => service.me(userOf(request)),
  );

  app.post(
    "/referral-links",
    {
      preHandler: signedIn,
      schema: { tags, summary: "Make another referral link (e.g. per campaign)", body: createReferralLinkSchema, response: { 201: referralLinkSchema } },
    },
    async (request, reply) => reply.status(201).send(await service.createLink(userOf(request), request.body.campaign)),
  );

  app.get(
    "/referral-links",
    { preHandler: signedIn, schema: { tags, summary: "The caller's referral links with clicks and signups", response: { 200: referralLinkListSchema } } },
    async (request) => ({ data: await service.listLinks(userOf(request)) }),
  );
};
