import type { FastifyInstance, FastifyServerOptions } from "fastify";
import cookie from "@fastify/cookie";
import cors from "@fastify/cors";
import { createBilling } from "@orbis/billing";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from "fastify-type-provider-zod";
import { z } from "zod";
import { toolJsonSchemaSchema } from "@orbis/contracts";
import type { ApiDeps } from "./deps.ts";
import { join } from "node:path";
import { createRecordingStore } from "@orbis/recordings";
import { createServer, registerHealthRoutes, type Server } from "@orbis/server";
import { createPrincipalResolver } from "./plugins/principal.ts";
import { rateLimitOptions } from "./plugins/rate-limits.ts";
import { createSessionAccess } from "./modules/auth/session-access.ts";
import { createLoginThrottle } from "./modules/auth/login-throttle.ts";
import { createSessionsService } from "./modules/auth/sessions.service.ts";
import { createTwoFactorService } from "./modules/auth/two-factor.service.ts";
import { systemWallClock as systemClock } from "@orbis/ports";
import { createBrainFactory } from "@orbis/agent-runtime";
import { agentsRoutes } from "./modules/agents/agents.routes.ts";
import { createAgentsService } from "./modules/agents/agents.service.ts";
import { agentTestsRoutes } from "./modules/agent-tests/agent-tests.routes.ts";
import { createAgentTestsService } from "./modules/agent-tests/agent-tests.service.ts";
import { appointmentsRoutes } from "./modules/appointments/appointments.routes.ts";
import { createAppointmentsService } from "./modules/appointments/appointments.service.ts";
import { businessRoutes } from "./modules/business/business.routes.ts";
import { createBusinessService } from "./modules/business/business.service.ts";
import { calendarRoutes } from "./modules/calendar/calendar.routes.ts";
import { createCalendarFeedService } from "./modules/calendar/calendar.service.ts";
import { chatRoutes } from "./modules/chat/chat.routes.ts";
import { createChatService } from "./modules/chat/chat.service.ts";
import { messagesRoutes } from "./modules/messages/messages.routes.ts";
import { createMessagesService } from "./modules/messages/messages.service.ts";
import { templatesRoutes } from "./modules/templates/templates.routes.ts";
import { createTemplatesService } from "./modules/templates/templates.service.ts";
import { toolsRoutes } from "./modules/tools/tools.routes.ts";
import { createToolsService } from "./modules/tools/tools.service.ts";
import { apiKeysRoutes } from "./modules/api-keys/api-keys.routes.ts";
import { createApiKeysService } from "./modules/api-keys/api-keys.service.ts";
import { auditRoutes } from "./modules/audit/audit.routes.ts";
import { createAuditService } from "./modules/audit/audit.service.ts";
import { authRoutes } from "./modules/auth/auth.routes.ts";
import { createAuthService } from "./modules/auth/auth.service.ts";
import { createPasswordsService } from "./modules/auth/passwords.service.ts";
import { voiceSessionsRoutes } from "./modules/voice/voice-sessions.routes.ts";
import { createVoiceSessionsService } from "./modules/voice/voice-sessions.service.ts";
import { callsRoutes } from "./modules/calls/calls.routes.ts";
import { createCallsService } from "./modules/calls/calls.service.ts";
import { createRecordingLinks } from "./modules/calls/recording-links.ts";
import { outboundCallsRoutes } from "./modules/calls/outbound-calls.routes.ts";
import { createOutboundCallsService } from "./modules/calls/outbound-calls.service.ts";
import { campaignsRoutes, doNotCallRoutes } from "./modules/campaigns/campaigns.routes.ts";
import { createCampaignsService } from "./modules/campaigns/campaigns.service.ts";
import { adminRoutes } from "./modules/admin/admin.routes.ts";
import { createAdminService } from "./modules/admin/admin.service.ts";
import { affiliatesRoutes } from "./modules/affiliates/affiliates.routes.ts";
import { createAffiliatesService } from "./modules/affiliates/affiliates.service.ts";
import { earningsRoutes } from "./modules/referrals/earnings.routes.ts";
import { createEarningsService } from "./modules/referrals/earnings.service.ts";
import { referralRedirectRoutes } from "./modules/referrals/referral-redirect.routes.ts";
import { createReferralRedirectService } from "./modules/referrals/referral-redirect.service.ts";
import { referralsRoutes } from "./modules/referrals/referrals.routes.ts";
import { createReferralsService } from "./modules/referrals/referrals.service.ts";
import { billingRoutes } from "./modules/billing/billing.routes.ts";
import { createBillingService } from "./modules/billing/billing.service.ts";
import { createPlanLimits } from "./modules/billing/plan-limits.ts";
import { stripeBillingRoutes } from "./modules/billing/stripe.routes.ts";
import { createStripeBillingService } from "./modules/billing/stripe.service.ts";
import { usageRoutes } from "./modules/usage/usage.routes.ts";
import { createUsageService } from "./modules/usage/usage.service.ts";
import { providersRoutes } from "./modules/providers/providers.routes.ts";
import { createProvidersService } from "./modules/providers/providers.service.ts";
import { createMembersService } from "./modules/workspaces/members.service.ts";
import { workspacesRoutes } from "./modules/workspaces/workspaces.routes.ts";
import { createWorkspacesService } from "./modules/workspaces/workspaces.service.ts";
import { credentialsRoutes } from "./modules/credentials/credentials.routes.ts";
import { createCredentialsService } from "./modules/credentials/credentials.service.ts";
import { phoneNumbersRoutes } from "./modules/phone-numbers/phone-numbers.routes.ts";
import { createPhoneNumbersService } from "./modules/phone-numbers/phone-numbers.service.ts";
import { voicePreviewRoutes } from "./modules/voice-preview/voice-preview.routes.ts";
import { createVoicePreviewService } from "./modules/voice-preview/voice-preview.service.ts";
import { previewCredentials } from "./modules/voice-preview/provider-credentials.ts";
import { createEmailService } from "@orbis/email";
import { createAccountEmailService, invitationMailer } from "./modules/email/account-email.service.ts";
import { accountEmailAuthRoutes, emailRoutes } from "./modules/email/email.routes.ts";
import { webhooksRoutes } from "./modules/webhooks/webhooks.routes.ts";
import { createWebhooksService } from "./modules/webhooks/webhooks.service.ts";
import { privacyRoutes } from "./modules/privacy/privacy.routes.ts";
import { featuresRoutes } from "./modules/features/features.routes.ts";
import { createFeaturesService } from "./modules/features/features.service.ts";
import { practiceRoutes } from "./modules/practice/practice.routes.ts";
import { createPracticeLibraryService } from "./modules/practice/library.service.ts";
import { createPracticeProgressService } from "./modules/practice/progress.service.ts";
import { createPracticeSessionsService } from "./modules/practice/sessions.service.ts";
import { createPracticeSettingsService } from "./modules/practice/settings.service.ts";
import { createPracticePhoneLineService } from "./modules/practice/phone-line.service.ts";
import { createWhatIfService } from "./modules/practice/what-if.service.ts";
import { createPrivacyService } from "./modules/privacy/privacy.service.ts";
import { createCalendarConnections } from "@orbis/calendars";
import { calendarConnectionsRoutes } from "./modules/calendar-connections/calendar-connections.routes.ts";
import { createCalendarConnectionsService } from "./modules/calendar-connections/calendar-connections.service.ts";

export interface BuildAppOptions {
  logger?: FastifyServerOptions["logger"];
  /** Extra route plugins other roles mount on the same server (gateway, web app). */
  extend?: (app: FastifyInstance) => Promise<void>;
}

/** A server with the api role alone (and whatever `extend` adds): what the api's own tests run. */
export async function buildApp(deps: ApiDeps, options: BuildAppOptions = {}) {
  const app = createServer({
    logLevel: deps.config.logLevel,
    trustProxy: deps.config.trustProxy,
    metrics: deps.metrics,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  registerHealthRoutes(app, deps);
  await mountApi(app, deps);
  if (options.extend) await options.extend(app);
  return app;
}
export type App = Awaited<ReturnType<typeof buildApp>>;

/** The api role on a server: plugins (external, then ours), then routes by module, then the OpenAPI document. */
export async function mountApi(app: Server, deps: ApiDeps) {
  await app.register(helmet, {
    // Set per response below: the API's JSON, the docs UI (its own policy) and the SPA (apps/web) differ.
    contentSecurityPolicy: false,
    crossOriginEmbedderPolicy: false,
  });
  // API answers are data, never a page to render or frame.
  app.addHook("onSend", async (request, reply) => {
    if (isApiResponse(request.url) && !reply.hasHeader("content-security-policy")) reply.header("content-security-policy", API_CSP);
  });
  // Built once: the delegator runs on every request.
  const dashboard = dashboardCors(deps.config.corsOrigins);
  await app.register(cors, {
    // Publishable-key routes (the widget) answer any origin, without credentials; the key's own allowlist
    // is enforced in authorize(). Everything else is the dashboard: only the configured origins (never
    // `*`, packages/config refuses it), with credentials.
    delegator: (request, cb) => cb(null, request.url?.startsWith("/v1/voice/") ? WIDGET_CORS : dashboard),
  });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: { title: "OrbisVoice API", version: "0.1.0", description: "Control plane for OrbisVoice voice agents" },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "Session JWT or API key (sk_… / pk_…)" },
          cookie: { type: "apiKey", in: "cookie", name: "orbis_session" },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    // Schemas named in OPENAPI_COMPONENTS are components/schemas, which the routes' $refs point at.
    transform: createJsonSchemaTransform({ schemaRegistry: OPENAPI_COMPONENTS }),
    transformObject: createJsonSchemaTransformObject({ schemaRegistry: OPENAPI_COMPONENTS }),
  });
  // API_DOCS=off: neither the document nor its UI is served (404).
  if (deps.config.apiDocs) await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });

  const sessionAccess = createSessionAccess(deps.db, deps.cache);
  const principals = createPrincipalResolver(deps, sessionAccess);
  const sessions = createSessionsService(deps.db, deps.tokens, sessionAccess);
  const twoFactor = createTwoFactorService(deps.db, deps.config.encryptionKey, deps.now ?? (() => new Date()));
  const throttle = createLoginThrottle(deps.cache);
  const publicBaseUrl = () => deps.config.publicBaseUrl ?? `http://localhost:${deps.config.port}`;
  const email = deps.email ?? createEmailService({ db: deps.db, jobs: deps.jobs, from: deps.config.emailFrom, smtpUrl: deps.config.smtpUrl, log: app.log });
  if (!deps.config.jwtSecret) throw new Error("config.jwtSecret is required (it signs sessions and unsubscribe links)");
  const accountEmail = createAccountEmailService({ db: deps.db, email, cache: deps.cache, publicBaseUrl, unsubscribeSecret: deps.config.jwtSecret });
  const auth = createAuthService({
    db: deps.db,
    tokens: deps.tokens,
    cache: deps.cache,
    sessions,
    twoFactor,
    throttle,
    onSignup: accountEmail.sendVerification,
  });
  const members = createMembersService(deps.db, auth, publicBaseUrl, sessionAccess, invitationMailer(email, deps.db));
  const passwords = createPasswordsService({ db: deps.db, access: sessionAccess, throttle, publicBaseUrl });
  const clock = deps.now ? { now: deps.now } : systemClock;
  // Tenant HTTP tools (invoke, chat) reach private networks only when the operator opted in.
  const toolHttp = { allowPrivateNetwork: deps.config.allowPrivateNetworkTools };
  // Connected Google / Microsoft calendars: their busy times block availability (docs/calendars.md).
  const externalCalendars = createCalendarConnections({ config: deps.config.calendars, encryptionKey: deps.config.encryptionKey, log: app.log });
  const brains = createBrainFactory(deps.db, { clock, http: toolHttp, encryptionKey: deps.config.encryptionKey, externalCalendars });
  const appointments = createAppointmentsService({ clock, externalCalendars });
  const chat = createChatService({ brains });
  const feeds = createCalendarFeedService(deps.db, publicBaseUrl, () => clock.now());
  const workspaces = createWorkspacesService({ twoFactorEnabled: twoFactor.isEnabled });
  const agentTests = createAgentTestsService({ clock });
  const billingDeps = deps.billing ?? createBilling(deps.config.billing, deps.now ? { now: deps.now } : {});
  const planLimits = createPlanLimits(billingDeps);
  // The plan's features (and the operator's overrides): what may be created (cloud voices, numbers, tools, webhooks, practice).
  const features = createFeaturesService({ billing: billingDeps });
  const tools = createToolsService({ clock, http: toolHttp, encryptionKey: deps.config.encryptionKey, features, externalCalendars });
  const agents = createAgentsService({
    readiness: { platformKeys: deps.config.providerKeys, allowPrivateNetwork: deps.config.allowPrivateNetworkTools },
    tests: agentTests.publishGate,
    limits: planLimits,
    features,
  });
  const apiKeys = createApiKeysService();
  const audit = createAuditService();
  const voiceSessions = createVoiceSessionsService({ tokens: deps.tokens, publicBaseUrl: deps.config.publicBaseUrl });
  // Written by the gateway, served here through signed URLs, deleted by retention and erasure.
  const recordings =
    deps.recordings ?? createRecordingStore(deps.config.recordings, { dataDir: deps.config.dataDir, encryptionKey: deps.config.encryptionKey });
  // One signer for recording links (calls' and practice sessions'; a link names which it opens).
  const recordingLinks = createRecordingLinks(deps.config.jwtSecret, () => clock.now());
  const calls = createCallsService({
    db: deps.db,
    recordings,
    links: recordingLinks,
    urlTtlSec: deps.config.recordings.urlTtlSec,
    now: () => clock.now(),
  });
  const outboundCalls = createOutboundCallsService({
    db: deps.db,
    cache: deps.cache,
    config: deps.config,
    billing: billingDeps,
    publicBaseUrl,
    log: app.log,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    now: () => clock.now(),
  });
  const usage = createUsageService();
  const billing = createBillingService({ billing: billingDeps });
  const stripeBilling = createStripeBillingService({ db: deps.db, billing: billingDeps, publicBaseUrl, ...(deps.now ? { now: deps.now } : {}) });
  const providers = createProvidersService({ manager: deps.providers });
  const business = createBusinessService();
  const messages = createMessagesService();
  const templates = createTemplatesService({ suites: agentTests, limits: planLimits });
  const phoneNumbers = createPhoneNumbersService({ publicBaseUrl, publicBaseUrlSet: deps.config.publicBaseUrl !== undefined, limits: planLimits, features });
  const credentials = createCredentialsService({ encryptionKey: deps.config.encryptionKey, vendorEndpoints: deps.config.providerKeys });
  const jobs = deps.jobs;
  const webhooks = createWebhooksService({
    encryptionKey: deps.config.encryptionKey,
    allowPrivateNetwork: deps.config.allowPrivateNetworkTools,
    features,
    ...(jobs ? { send: (queue: string, data: { deliveryId: string }) => jobs.send(queue, data) } : {}),
  });

  const privacy = createPrivacyService({
    db: deps.db,
    recordings,
    access: sessionAccess,
    throttle,
    phoneHashKey: deps.config.encryptionKey ?? deps.config.jwtSecret ?? "orbisvoice",
    ...(deps.now ? { now: deps.now } : {}),
  });
  // Referrals, affiliates and the operator's console share their dependencies.
  const referralDeps = { db: deps.db, config: deps.config, email, billing: billingDeps, publicBaseUrl, ...(deps.now ? { now: deps.now } : {}) };
  const referrals = createReferralsService(referralDeps);
  const earnings = createEarningsService(referralDeps);
  const affiliates = createAffiliatesService(referralDeps);
  const admin = createAdminService({ ...referralDeps, features });
  const practiceLibrary = createPracticeLibraryService();
  const practice = {
    features,
    library: practiceLibrary,
    sessions: createPracticeSessionsService({
      tokens: deps.tokens,
      library: practiceLibrary,
      now: () => clock.now(),
      codeSecret: deps.config.jwtSecret,
      db: deps.db,
      recordings,
      links: recordingLinks,
      urlTtlSec: deps.config.recordings.urlTtlSec,
    }),
    settings: createPracticeSettingsService({ now: () => clock.now() }),
    phoneLine: createPracticePhoneLineService(),
    progress: createPracticeProgressService({ now: () => clock.now() }),
    whatIf: createWhatIfService(),
  };
  // `/r/:code` is a public page address, not an API route.
  await app.register(referralRedirectRoutes, { principals, service: createReferralRedirectService(referralDeps) });
  await app.register(
    async (v1) => {
      // Both before the routes: the limits' onRequest hook, then authentication moved ahead of the body.
      await v1.register(rateLimit, rateLimitOptions(deps));
      v1.addHook("onRoute", principals.authenticateFirst);
      await v1.register(authRoutes, { prefix: "/auth", config: deps.config, auth, sessions, twoFactor, passwords, principals });
      const emailOptions = { principals, accountEmail, outboxEnabled: email.usesOutbox };
      await v1.register(accountEmailAuthRoutes, { prefix: "/auth", ...emailOptions });
      await v1.register(emailRoutes, emailOptions);
      await v1.register(workspacesRoutes, { principals, workspaces, members, config: deps.config });
      await v1.register(agentsRoutes, { prefix: "/agents", principals, agents });
      await v1.register(apiKeysRoutes, { prefix: "/api-keys", principals, apiKeys });
      await v1.register(auditRoutes, { prefix: "/audit-logs", principals, audit });
      await v1.register(voiceSessionsRoutes, { prefix: "/voice", principals, voiceSessions });
      await v1.register(callsRoutes, { principals, calls, publicBaseUrl: deps.config.publicBaseUrl });
      await v1.register(outboundCallsRoutes, { principals, outbound: outboundCalls });
      const campaigns = createCampaignsService({ now: () => clock.now() });
      await v1.register(campaignsRoutes, { prefix: "/campaigns", principals, campaigns });
      await v1.register(doNotCallRoutes, { prefix: "/do-not-call", principals, campaigns });
      await v1.register(usageRoutes, { principals, usage });
      await v1.register(providersRoutes, { principals, providers });
      await v1.register(businessRoutes, { prefix: "/agents", principals, business });
      await v1.register(toolsRoutes, { prefix: "/agents", principals, tools });
      await v1.register(agentTestsRoutes, { prefix: "/agents", principals, agentTests });
      await v1.register(chatRoutes, { prefix: "/agents", principals, chat });
      const voicePreview = createVoicePreviewService({
        manager: deps.providers,
        credentials: previewCredentials(deps.config),
        cacheDir: join(deps.config.dataDir, "speech", "lm"),
      });
      await v1.register(voicePreviewRoutes, { prefix: "/agents", principals, voicePreview });
      await v1.register(appointmentsRoutes, { prefix: "/appointments", principals, appointments });
      await v1.register(messagesRoutes, { prefix: "/messages", principals, messages });
      await v1.register(templatesRoutes, { prefix: "/templates", templates, principals });
      await v1.register(calendarRoutes, { prefix: "/calendar", principals, feeds });
      await v1.register(calendarConnectionsRoutes, {
        prefix: "/calendar-connections",
        principals,
        connections: createCalendarConnectionsService({ calendars: externalCalendars, cache: deps.cache, publicBaseUrl, now: () => clock.now() }),
        dashboardUrl: () => `${publicBaseUrl().replace(/\/$/, "")}/dashboard/calendars`,
      });
      await v1.register(phoneNumbersRoutes, { prefix: "/phone-numbers", principals, phoneNumbers });
      await v1.register(credentialsRoutes, { prefix: "/credentials", principals, credentials });
      await v1.register(webhooksRoutes, { prefix: "/webhook-endpoints", principals, webhooks });
      await v1.register(privacyRoutes, { principals, privacy });
      await v1.register(billingRoutes, { prefix: "/billing", principals, billing });
      await v1.register(stripeBillingRoutes, { prefix: "/billing", principals, stripeBilling });
      await v1.register(referralsRoutes, { principals, service: referrals });
      await v1.register(earningsRoutes, { principals, service: earnings });
      await v1.register(affiliatesRoutes, { prefix: "/affiliates", principals, service: affiliates });
      await v1.register(adminRoutes, { prefix: "/admin", principals, service: admin });
      await v1.register(featuresRoutes, { principals, features });
      await v1.register(practiceRoutes, { prefix: "/practice", principals, ...practice, publicBaseUrl: deps.config.publicBaseUrl });
    },
    { prefix: "/v1" },
  );
  if (deps.config.apiDocs) app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}

/**
 * Named schemas of the OpenAPI document. A recursive schema must be one: inline, its recursion would
 * be a $ref to a definition the document does not hold.
 */
const OPENAPI_COMPONENTS = z.registry<{ id: string }>();
OPENAPI_COMPONENTS.add(toolJsonSchemaSchema, { id: "ToolJsonSchema" });

/** The policy of the API's own answers (JSON): nothing to load, nothing may frame them. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";
const isApiResponse = (url: string) => url.startsWith("/v1/") || url.split("?")[0] === "/openapi.json";

/** The methods the routes use: a preflight allows nothing else. */
const DASHBOARD_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const ALLOWED_HEADERS = ["content-type", "authorization", "x-request-id"];
/** The widget's routes (POST /v1/voice/sessions) from any page, without cookies. */
const WIDGET_CORS = { origin: true, credentials: false, methods: ["POST"], allowedHeaders: ALLOWED_HEADERS, maxAge: 600 };
const dashboardCors = (allowed: readonly string[]) => ({
  origin: (origin: string | undefined, ok: (error: Error | null, allow: boolean) => void) => ok(null, !origin || allowed.includes(origin)),
  credentials: true,
  methods: DASHBOARD_METHODS,
  allowedHeaders: ALLOWED_HEADERS,
  maxAge: 600,
});
