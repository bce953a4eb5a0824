import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { SESSION_COOKIE } from "@orbis/auth";
import {
  AppError,
  challengeBodySchema,
  changePasswordBodySchema,
  completePasswordResetBodySchema,
  enrolledSessionSchema,
  loginBodySchema,
  meSchema,
  okSchema,
  passwordChangedSchema,
  passwordResetLinkBodySchema,
  passwordResetLinkSchema,
  recoveryCodesSchema,
  sessionIdSchema,
  sessionSchema,
  signInResultSchema,
  signupBodySchema,
  twoFactorCodeBodySchema,
  twoFactorLoginBodySchema,
  twoFactorSetupSchema,
  twoFactorStatusSchema,
  userSessionSchema,
} from "@orbis/contracts";
import type { AppConfig } from "@orbis/config";
import { actorFrom } from "../../lib/actor.ts";
import { clientOf } from "../../lib/client.ts";
import { principalOf, tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { perIp } from "../../plugins/rate-limits.ts";
import { sessionCookieSetter } from "../../plugins/session-cookie.ts";
import { REFERRAL_COOKIE } from "@orbis/referrals";
import { createSignupAttribution } from "../referrals/referrals.service.ts";
import type { AuthService } from "./auth.service.ts";
import type { PasswordsService } from "./passwords.service.ts";
import { TooManyAttempts } from "./login-throttle.ts";
import type { SessionsService } from "./sessions.service.ts";
import type { TwoFactorService } from "./two-factor.service.ts";

export interface AuthRoutesOptions {
  config: AppConfig;
  auth: AuthService;
  sessions: SessionsService;
  twoFactor: TwoFactorService;
  passwords: PasswordsService;
  principals: PrincipalResolver;
}

/** The caller's dashboard session; API keys have no sessions or second factor of their own. */
function sessionOf(request: FastifyRequest) {
  const principal = principalOf(request);
  if (principal.kind !== "session") throw new AppError("forbidden", "Only a user session can do this");
  return principal;
}

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { config, auth, sessions, twoFactor, passwords, principals }) => {
  const setSessionCookie = sessionCookieSetter(config);
  // A signup that arrives with a referral cookie is attributed to its link (docs/referrals.md).
  const attributeReferral = createSignupAttribution(config, { onError: (err) => app.log.warn({ err }, "referral attribution failed; the signup goes on") });
  const clearSessionCookie = (reply: FastifyReply) => reply.clearCookie(SESSION_COOKIE, { path: "/" });
  const tags = ["auth"];
  const signedIn = principals.authorize("viewer");

  // A sign-in lockout answers 429 with the time left, like the request limits.
  app.addHook("onError", async (_request, reply, error) => {
    if (error instanceof TooManyAttempts) void reply.header("retry-after", String(error.retryAfterSec));
  });

  app.post(
    "/signup",
    { config: perIp, schema: { tags, summary: "Create a workspace and its owner", body: signupBodySchema, response: { 201: sessionSchema } } },
    async (request, reply) => {
      const referral = { cookie: request.cookies[REFERRAL_COOKIE], attribute: attributeReferral };
      const session = await auth.signup(request.body, clientOf(request), referral);
      setSessionCookie(reply, session.token);
      return reply.status(201).send(session);
    },
  );

  app.post(
    "/login",
    {
      config: perIp,
      schema: {
        tags,
        summary: "Log in with email and password: a session, or the second step it needs (a TOTP code, or enrolling one)",
        body: loginBodySchema,
        response: { 200: signInResultSchema },
      },
    },
    async (request, reply) => {
      const result = await auth.login(request.body.email, request.body.password, request.body.workspaceId, clientOf(request));
      if ("token" in result) setSessionCookie(reply, result.token);
      return result;
    },
  );

  app.post(
    "/login/two-factor",
    {
      config: perIp,
      schema: { tags, summary: "Second step of a login: a TOTP code or a recovery code", body: twoFactorLoginBodySchema, response: { 200: sessionSchema } },
    },
    async (request, reply) => {
      const session = await auth.completeWithCode(request.body.challengeToken, request.body.code, clientOf(request));
      setSessionCookie(reply, session.token);
      return session;
    },
  );

  app.post(
    "/login/two-factor/setup",
    {
      config: perIp,
      schema: {
        tags,
        summary: "Enrolling at login (the workspace requires it): a new authenticator secret",
        body: challengeBodySchema,
        response: { 200: twoFactorSetupSchema },
      },
    },
    async (request) => auth.startEnrolment(request.body.challengeToken),
  );

  app.post(
    "/login/two-factor/enable",
    {
      config: perIp,
      schema: {
        tags,
        summary: "Enrolling at login: the first code turns two-factor on; answers the session and the recovery codes (shown once)",
        body: twoFactorLoginBodySchema,
        response: { 200: enrolledSessionSchema },
      },
    },
    async (request, reply) => {
      const session = await auth.completeEnrolment(request.body.challengeToken, request.body.code, clientOf(request));
      setSessionCookie(reply, session.token);
      return session;
    },
  );

  app.post("/logout", { preHandler: signedIn, schema: { tags, summary: "End this session", response: { 200: okSchema } } }, async (request, reply) => {
    const principal = principalOf(request);
    if (principal.kind === "session") await sessions.revoke(principal.userId, principal.jti);
    clearSessionCookie(reply);
    return { ok: true as const };
  });

  app.get("/me", { preHandler: signedIn, schema: { tags, summary: "The caller, their workspace and role", response: { 200: meSchema } } }, async (request) => {
    const principal = principalOf(request);
    if (principal.kind !== "session") throw new AppError("forbidden", "Only a user session has a 'me'");
    return auth.me(tenantOf(request), principal.userId, principal.role);
  });

  app.get(
    "/sessions",
    {
      preHandler: signedIn,
      schema: { tags, summary: "The caller's live sessions, in every workspace", response: { 200: z.object({ data: z.array(userSessionSchema) }) } },
    },
    async (request) => {
      const session = sessionOf(request);
      return { data: await sessions.list(session.userId, session.jti) };
    },
  );

  app.delete(
    "/sessions/:id",
    { preHandler: signedIn, schema: { tags, summary: "End one of the caller's sessions", params: z.object({ id: sessionIdSchema }) } },
    async (request, reply) => {
      const session = sessionOf(request);
      await sessions.revoke(session.userId, request.params.id);
      if (request.params.id === session.jti) clearSessionCookie(reply);
      return reply.status(204).send();
    },
  );

  app.post(
    "/sessions/revoke-all",
    { preHandler: signedIn, schema: { tags, summary: "Sign out everywhere: end every session of the caller, this one included", response: { 200: okSchema } } },
    async (request, reply) => {
      const session = sessionOf(request);
      await sessions.revokeAll({ userId: session.userId, workspaceId: session.workspaceId, ip: request.ip });
      clearSessionCookie(reply);
      return { ok: true as const };
    },
  );

  app.post(
    "/password",
    {
      preHandler: signedIn,
      schema: {
        tags,
        summary: "Change the caller's password; their other sessions end",
        body: changePasswordBodySchema,
        response: { 200: passwordChangedSchema },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return passwords.change(
        { userId: session.userId, workspaceId: session.workspaceId, sessionId: session.jti, ip: request.ip },
        request.body.currentPassword,
        request.body.newPassword,
      );
    },
  );

  app.post(
    "/password-resets",
    {
      preHandler: principals.authorize("admin"),
      schema: {
        tags,
        summary: "Make a one-time password reset link (1 hour) for a member of lower rank who belongs to no other workspace",
        body: passwordResetLinkBodySchema,
        response: { 201: passwordResetLinkSchema },
      },
    },
    async (request, reply) => {
      sessionOf(request);
      return reply.status(201).send(await passwords.issueResetLink(tenantOf(request), actorFrom(request), request.body.userId));
    },
  );

  app.post(
    "/password-resets/complete",
    {
      config: perIp,
      schema: {
        tags,
        summary: "Set a new password with a reset link; every session of the user ends",
        body: completePasswordResetBodySchema,
        response: { 200: okSchema },
      },
    },
    async (request) => {
      await passwords.completeReset(request.body.token, request.body.password, request.ip);
      return { ok: true as const };
    },
  );

  app.get(
    "/two-factor",
    { preHandler: signedIn, schema: { tags, summary: "Whether the caller signs in with a TOTP code", response: { 200: twoFactorStatusSchema } } },
    async (request) => {
      const session = sessionOf(request);
      const workspace = await tenantOf(request).workspace.get();
      return twoFactor.status(session.userId, !!workspace?.requireTwoFactor);
    },
  );

  app.post(
    "/two-factor/setup",
    {
      preHandler: signedIn,
      schema: { tags, summary: "Start enrolling an authenticator: its secret and otpauth URI (shown once)", response: { 200: twoFactorSetupSchema } },
    },
    async (request) => twoFactor.setup(sessionOf(request).userId),
  );

  app.post(
    "/two-factor/enable",
    {
      preHandler: signedIn,
      schema: {
        tags,
        summary: "Finish enrolling with a code of the new authenticator: answers the recovery codes (shown once)",
        body: twoFactorCodeBodySchema,
        response: { 200: recoveryCodesSchema },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return twoFactor.enable({ userId: session.userId, workspaceId: session.workspaceId, ip: request.ip }, request.body.code);
    },
  );

  app.post(
    "/two-factor/disable",
    {
      preHandler: signedIn,
      schema: { tags, summary: "Turn two-factor sign-in off with a TOTP code or a recovery code", body: twoFactorCodeBodySchema, response: { 200: okSchema } },
    },
    async (request) => {
      const session = sessionOf(request);
      await auth.disableTwoFactor({ userId: session.userId, workspaceId: session.workspaceId, ip: request.ip }, request.body.code);
      return { ok: true as const };
    },
  );
};
