import type { RateLimitPluginOptions } from "@fastify/rate-limit";
import type { FastifyRequest } from "fastify";
import { apiKeyKindOf, sha256 } from "@orbis/auth";
import { AppError } from "@orbis/contracts";
import type { ApiDeps } from "../deps.ts";
import { bearerOrCookie } from "./principal.ts";

/**
 * Request budgets per minute, shared through Redis when it is configured, checked before anything
 * else a route does (onRequest, ahead of authentication):
 * - an API key: `RATE_LIMIT_PER_MINUTE` per key;
 * - a dashboard session: `RATE_LIMIT_SESSION_PER_MINUTE` per user, all their sessions together
 *   (the token's signature is checked here; whether it still works is authentication's job);
 * - no credentials, or ones that are not a signed session: `RATE_LIMIT_PER_MINUTE` per IP;
 * - the sign-in routes (`perIp`): `RATE_LIMIT_PER_MINUTE` per IP and route, whatever they carry.
 * Beyond the budget: 429 `rate_limited` with Retry-After.
 */
export function rateLimitOptions(deps: ApiDeps): RateLimitPluginOptions {
  const { config, tokens, cache } = deps;
  return {
    global: true,
    timeWindow: 60_000,
    nameSpace: "orbis:rl:",
    ...(cache.redis ? { redis: cache.redis } : {}),
    keyGenerator: async (request: FastifyRequest) => {
      const credential = bearerOrCookie(request);
      if (credential) {
        if (apiKeyKindOf(credential)) return `key:${sha256(credential).slice(0, 24)}`;
        const claims = await tokens.verifySession(credential);
        if (claims) return `user:${claims.userId}`;
      }
      return `ip:${request.ip}`;
    },
    max: (_request, key) => (key.startsWith("user:") ? config.rateLimitSessionPerMinute : config.rateLimitPerMinute),
    errorResponseBuilder: (_request, ctx) => new AppError("rate_limited", `Rate limit exceeded: ${ctx.max} requests per minute; retry in ${ctx.after}`),
  };
}

/** Route config of the sign-in routes: limited per IP, whatever credentials the request carries. */
export const perIp = { rateLimit: { keyGenerator: (request: { ip: string }) => `ip:${request.ip}` } };
