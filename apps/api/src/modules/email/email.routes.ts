import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  AppError,
  forgotPasswordBodySchema,
  idSchema,
  notificationPreferencesSchema,
  okSchema,
  outboxEmailDetailSchema,
  outboxEmailSchema,
  roleAtLeast,
  unsubscribeQuerySchema,
  updateNotificationPreferencesBodySchema,
  verifyEmailBodySchema,
} from "@orbis/contracts";
import { principalOf, tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { perIp } from "../../plugins/rate-limits.ts";
import type { AccountEmailService } from "./account-email.service.ts";

export interface EmailRoutesOptions {
  principals: PrincipalResolver;
  accountEmail: AccountEmailService;
  /** The dev outbox answers only when mail is not sent (no SMTP_URL); 404 otherwise. */
  outboxEnabled: boolean;
}

function sessionOf(request: Parameters<typeof principalOf>[0]) {
  const principal = principalOf(request);
  if (principal.kind !== "session") throw new AppError("forbidden", "Only a user session can do this");
  return principal;
}

/** `POST /v1/auth/forgot-password`, `/verify-email`, `/resend-verification` (registered with the `/auth` prefix). */
export const accountEmailAuthRoutes: FastifyPluginAsyncZod<EmailRoutesOptions> = async (app, { principals, accountEmail }) => {
  const tags = ["auth"];
  app.post(
    "/forgot-password",
    {
      config: perIp,
      schema: {
        tags,
        summary: "Email a one-time password reset link (1 hour). Answers 202 whether or not the address has an account",
        body: forgotPasswordBodySchema,
        response: { 202: okSchema },
      },
    },
    async (request, reply) => {
      await accountEmail.forgotPassword(request.body.email, request.ip);
      return reply.status(202).send({ ok: true as const });
    },
  );

  app.post(
    "/verify-email",
    {
      config: perIp,
      schema: { tags, summary: "Verify the address with the link of the verification email", body: verifyEmailBodySchema, response: { 200: okSchema } },
    },
    async (request) => {
      await accountEmail.verifyEmail(request.body.token, request.ip);
      return { ok: true as const };
    },
  );

  app.post(
    "/resend-verification",
    {
      preHandler: principals.authorize("viewer"),
      schema: { tags, summary: "Send the verification email again (once a minute)", response: { 202: okSchema } },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      await accountEmail.resendVerification({ userId: session.userId, workspaceId: session.workspaceId, ip: request.ip });
      return reply.status(202).send({ ok: true as const });
    },
  );
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const KIND_LABEL = { messageTaken: "message emails", appointments: "appointment emails", dailySummary: "the daily summary", webhookAlerts: "webhook alerts" };
const page = (title: string, body: string) =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)} · OrbisVoice</title>` +
  `<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#111827}a{color:#4f46e5}</style></head>` +
  `<body><p><strong>OrbisVoice</strong></p><h1>${escapeHtml(title)}</h1><p>${body}</p><p><a href="/dashboard/settings">Notification preferences</a></p></body></html>`;
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

/** Notification preferences, one-click unsubscribe and the dev outbox. */
export const emailRoutes: FastifyPluginAsyncZod<EmailRoutesOptions> = async (app, { principals, accountEmail, outboxEnabled }) => {
  const signedIn = principals.authorize("viewer");

  app.get(
    "/me/notification-preferences",
    {
      preHandler: signedIn,
      schema: { tags: ["account"], summary: "Which optional emails the caller receives", response: { 200: notificationPreferencesSchema } },
    },
    async (request) => accountEmail.preferences(sessionOf(request).userId),
  );

  app.put(
    "/me/notification-preferences",
    {
      preHandler: signedIn,
      schema: {
        tags: ["account"],
        summary: "Switch optional emails on or off (keys left out keep their value)",
        body: updateNotificationPreferencesBodySchema,
        response: { 200: notificationPreferencesSchema },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return accountEmail.updatePreferences({ userId: session.userId, workspaceId: session.workspaceId, ip: request.ip }, request.body);
    },
  );

  const unsubscribe = async (token: string, ip: string) => accountEmail.unsubscribe(token, ip);
  app.get(
    "/email/unsubscribe",
    {
      config: perIp,
      schema: { tags: ["account"], summary: "One-click unsubscribe (the link in optional emails): a small HTML page", querystring: unsubscribeQuerySchema },
    },
    async (request, reply) => {
      const done = await unsubscribe(request.query.token, request.ip);
      // A refusal is the one error body, like every 4xx of the API.
      if (!done) throw new AppError("bad_request", "This unsubscribe link is not valid; change which emails you receive on your account page instead");
      return reply
        .header("content-security-policy", PAGE_CSP)
        .type("text/html; charset=utf-8")
        .send(page("You are unsubscribed", `You will no longer receive ${KIND_LABEL[done.kind]}. You can turn them back on at any time.`));
    },
  );
  app.post(
    "/email/unsubscribe",
    {
      config: perIp,
      schema: {
        tags: ["account"],
        summary: "One-click unsubscribe (RFC 8058 List-Unsubscribe-Post)",
        querystring: unsubscribeQuerySchema,
        response: { 200: okSchema },
      },
    },
    async (request) => {
      if (!(await unsubscribe(request.query.token, request.ip))) throw new AppError("bad_request", "This unsubscribe link is not valid");
      return { ok: true as const };
    },
  );

  // With an SMTP server configured the outbox routes do not exist (404): mail leaves the platform.
  if (!outboxEnabled) return;
  app.get(
    "/dev/outbox",
    {
      preHandler: signedIn,
      schema: {
        tags: ["dev"],
        summary: "Dev outbox (no SMTP_URL only): the workspace's emails (owners and admins) and the caller's own",
        response: { 200: z.object({ data: z.array(outboxEmailSchema) }) },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return { data: await accountEmail.outbox(tenantOf(request), session.userId, roleAtLeast(session.role, "admin")) };
    },
  );
  app.get(
    "/dev/outbox/:id",
    {
      preHandler: signedIn,
      schema: {
        tags: ["dev"],
        summary: "One email of the dev outbox, with its HTML and text",
        params: z.object({ id: idSchema("email") }),
        response: { 200: outboxEmailDetailSchema },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return accountEmail.outboxEmail(tenantOf(request), session.userId, roleAtLeast(session.role, "admin"), request.params.id);
    },
  );
};
