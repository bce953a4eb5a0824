import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { SESSION_COOKIE } from "@orbis/auth";
import { AppError, loginBodySchema, meSchema, okSchema, sessionSchema, signupBodySchema } from "@orbis/contracts";
import { principalOf, tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { sessionCookieSetter } from "../../plugins/session-cookie.ts";
import type { AppConfig } from "@orbis/config";
import type { AuthService } from "./auth.service.ts";

export interface AuthRoutesOptions {
  config: AppConfig;
  auth: AuthService;
  principals: PrincipalResolver;
}

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { config, auth, principals }) => {
  const setSessionCookie = sessionCookieSetter(config);
  const authRateLimit = { rateLimit: { keyGenerator: (req: { ip: string }) => `ip:${req.ip}` } };

  app.post(
    "/signup",
    {
      config: authRateLimit,
      schema: { tags: ["auth"], summary: "Create a workspace and its owner", body: signupBodySchema, response: { 201: sessionSchema } },
    },
    async (request, reply) => {
      const session = await auth.signup(request.body);
      setSessionCookie(reply, session.token);
      return reply.status(201).send(session);
    },
  );

  app.post(
    "/login",
    { config: authRateLimit, schema: { tags: ["auth"], summary: "Log in with email and password", body: loginBodySchema, response: { 200: sessionSchema } } },
    async (request, reply) => {
      const session = await auth.login(request.body.email, request.body.password, request.body.workspaceId, request.ip);
      setSessionCookie(reply, session.token);
      return session;
    },
  );

  app.post(
    "/logout",
    { config: authRateLimit, preHandler: principals.authorize("viewer"), schema: { tags: ["auth"], summary: "End this session", response: { 200: okSchema } } },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind === "session") await principals.revokeSession(principal.jti, principal.sessionExpiresAt);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return { ok: true as const };
    },
  );

  app.get(
    "/me",
    { preHandler: principals.authorize("viewer"), schema: { tags: ["auth"], summary: "The caller, their workspace and role", response: { 200: meSchema } } },
    async (request) => {
      const principal = principalOf(request);
      if (principal.kind !== "session") throw new AppError("forbidden", "Only a user session has a 'me'");
      return auth.me(tenantOf(request), principal.userId, principal.role);
    },
  );
};
