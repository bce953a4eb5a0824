import rateLimit from "@fastify/rate-limit";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "@orbis/contracts";
import { REFERRAL_COOKIE } from "@orbis/referrals";
import type { PrincipalResolver } from "../../plugins/principal.ts";
import type { ReferralRedirectService } from "./referral-redirect.service.ts";

interface ReferralRedirectRoutesOptions {
  principals: PrincipalResolver;
  service: ReferralRedirectService;
  /** The api's request limits (shared through Redis when configured); without them, per IP in this process. */
  rateLimit?: Parameters<typeof rateLimit>[1];
}

/** GET /r/:code — records the click, sets the first-party cookie, redirects. Public, outside /v1, not in the OpenAPI document. */
export const referralRedirectRoutes: FastifyPluginAsyncZod<ReferralRedirectRoutesOptions> = async (app, { service, ...options }) => {
  // Public and unauthenticated, like sign-in: a budget per IP.
  await app.register(
    rateLimit,
    options.rateLimit ?? {
      global: true,
      timeWindow: 60_000,
      max: service.perMinute,
      keyGenerator: (request) => `ip:${request.ip}`,
      errorResponseBuilder: (_request, ctx) => new AppError("rate_limited", `Rate limit exceeded: ${ctx.max} requests per minute; retry in ${ctx.after}`),
    },
  );

  app.get(
    "/r/:code",
    {
      schema: {
        hide: true,
        params: z.object({ code: z.string().max(200) }),
        // A malformed `to` (repeated, too long) lands on the home page rather than an error.
        querystring: z.object({ to: z.string().max(2000).optional().catch(undefined) }),
      },
    },
    async (request, reply) => {
      const result = await service.click({
        code: request.params.code,
        to: request.query.to,
        cookie: request.cookies[REFERRAL_COOKIE],
        ip: request.ip,
        userAgent: String(request.headers["user-agent"] ?? ""),
        referer: typeof request.headers.referer === "string" ? request.headers.referer : undefined,
      });
      if (result.cookie) {
        void reply.setCookie(REFERRAL_COOKIE, result.cookie.value, {
          httpOnly: true,
          sameSite: "lax",
          secure: service.secureCookie || request.protocol === "https",
          path: "/",
          maxAge: result.cookie.maxAgeSec,
        });
      }
      // Never cached: every click is counted, and the cookie is per browser.
      void reply.header("cache-control", "no-store");
      return reply.redirect(result.location, 302);
    },
  );
};
