import type { FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  activityInputSchema,
  activityListSchema,
  activitySchema,
  goalInputSchema,
  goalListSchema,
  goalSchema,
  personaInputSchema,
  personaListSchema,
  personaPatchSchema,
  personaSchema,
  practicePhoneLineInputSchema,
  practicePhoneLineSchema,
  practicePriceInputSchema,
  practicePriceListSchema,
  practicePriceSchema,
  practiceSessionDetailSchema,
  practiceSessionListSchema,
  practiceSettingsPatchSchema,
  practiceSettingsSchema,
  repDashboardSchema,
  scenarioInputSchema,
  scenarioListSchema,
  scenarioPatchSchema,
  scenarioSchema,
  startPracticeSessionSchema,
  startedPracticeSessionSchema,
  teamDashboardSchema,
  whatIfInputSchema,
  whatIfListSchema,
  whatIfProjectionSchema,
  whatIfScenarioSchema,
} from "@orbis/contracts";
import { actorFrom } from "../../lib/actor.ts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { sendWav } from "../../lib/wav-reply.ts";
import type { FeaturesService } from "../features/features.service.ts";
import type { PracticeLibraryService } from "./library.service.ts";
import type { PracticePhoneLineService } from "./phone-line.service.ts";
import { callerOf } from "./practice-access.ts";
import { goalParams, personaParams, repPageQuery, repQuery, scenarioParams, sessionParams, whatIfParams } from "./practice.schemas.ts";
import type { PracticeProgressService } from "./progress.service.ts";
import type { PracticeSessionsService } from "./sessions.service.ts";
import type { PracticeSettingsService } from "./settings.service.ts";
import type { WhatIfService } from "./what-if.service.ts";

/** The one route here a signed-in member does not call: a signed recording link is its own credential. */
const DOWNLOAD_PATH = "/recordings/download";
const downloadQuery = z.object({
  token: z
    .string()
    .max(600)
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, "must be a recording link token"),
});

export interface PracticeRoutesOptions {
  principals: PrincipalResolver;
  features: FeaturesService;
  library: PracticeLibraryService;
  sessions: PracticeSessionsService;
  progress: PracticeProgressService;
  whatIf: WhatIfService;
  phoneLine: PracticePhoneLineService;
  settings: PracticeSettingsService;
  /** Where the api's own links point (PUBLIC_BASE_URL), else the origin the request came to. */
  publicBaseUrl?: string | undefined;
}

const hooksOf = (hooks: unknown): unknown[] => (Array.isArray(hooks) ? hooks : hooks ? [hooks] : []);

/** /v1/practice/* — sales practice: the library, sessions, goals, activities, what-if and the dashboards. */
export const practiceRoutes: FastifyPluginAsyncZod<PracticeRoutesOptions> = async (
  app,
  { principals, features, library, sessions, progress, whatIf, phoneLine, settings, publicBaseUrl },
) => {
  const tags = ["practice"];
  const originOf = (request: FastifyRequest) => (publicBaseUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, "");
  const read = principals.authorize("viewer");
  const manage = principals.authorize("admin");

  // Every route here is gated by the `sales_practice` feature (402 when off). The gate goes at the end of
  // onRequest: after authentication (which the /v1 onRoute hook moved there before this one runs), and
  // before the body is parsed, so a workspace without the feature learns that rather than a 422.
  const gate = async (request: FastifyRequest, _reply: FastifyReply) => features.assertEnabled(tenantOf(request), "sales_practice");
  app.addHook("onRoute", (route: RouteOptions) => {
    // The signed download has no principal to gate: the link was issued by a gated route.
    if (route.url.endsWith(DOWNLOAD_PATH)) return;
    route.onRequest = [...hooksOf(route.onRequest), gate] as RouteOptions["onRequest"];
  });

  // ── Personas ──
  app.get(
    "/personas",
    { preHandler: read, schema: { tags, summary: "Personas: the built-in ones, then the workspace's own", response: { 200: personaListSchema } } },
    async (request) => library.listPersonas(tenantOf(request)),
  );
  app.post(
    "/personas",
    { preHandler: manage, schema: { tags, summary: "Add a persona (owners and admins)", body: personaInputSchema, response: { 201: personaSchema } } },
    async (request, reply) => reply.status(201).send(await library.createPersona(tenantOf(request), actorFrom(request), request.body)),
  );
  app.get(
    "/personas/:id",
    { preHandler: read, schema: { tags, summary: "Get a persona (built-in or the workspace's)", params: personaParams, response: { 200: personaSchema } } },
    async (request) => library.persona(tenantOf(request), request.params.id),
  );
  app.patch(
    "/personas/:id",
    {
      preHandler: manage,
      schema: {
        tags,
        summary: "Change a persona (owners and admins; built-ins are read-only: 409)",
        params: personaParams,
        body: personaPatchSchema,
        response: { 200: personaSchema },
      },
    },
    async (request) => library.updatePersona(tenantOf(request), actorFrom(request), request.params.id, request.body),
  );
  app.delete(
    "/personas/:id",
    { preHandler: manage, schema: { tags, summary: "Delete a persona (owners and admins; built-ins: 409)", params: personaParams } },
    async (request, reply) => {
      await library.deletePersona(tenantOf(request), actorFrom(request), request.params.id);
      return reply.status(204).send();
    },
  );

  // ── Scenarios ──
  app.get(
    "/scenarios",
    { preHandler: read, schema: { tags, summary: "Scenarios: the built-in ones, then the workspace's own", response: { 200: scenarioListSchema } } },
    async (request) => library.listScenarios(tenantOf(request)),
  );
  app.post(
    "/scenarios",
    { preHandler: manage, schema: { tags, summary: "Add a scenario (owners and admins)", body: scenarioInputSchema, response: { 201: scenarioSchema } } },
    async (request, reply) => reply.status(201).send(await library.createScenario(tenantOf(request), actorFrom(request), request.body)),
  );
  app.get(
    "/scenarios/:id",
    { preHandler: read, schema: { tags, summary: "Get a scenario (built-in or the workspace's)", params: scenarioParams, response: { 200: scenarioSchema } } },
    async (request) => library.scenario(tenantOf(request), request.params.id),
  );
  app.patch(
    "/scenarios/:id",
    {
      preHandler: manage,
      schema: {
        tags,
        summary: "Change a scenario (owners and admins; built-ins are read-only: 409)",
        params: scenarioParams,
        body: scenarioPatchSchema,
        response: { 200: scenarioSchema },
      },
    },
    async (request) => library.updateScenario(tenantOf(request), actorFrom(request), request.params.id, request.body),
  );
  app.delete(
    "/scenarios/:id",
    { preHandler: manage, schema: { tags, summary: "Delete a scenario (owners and admins; built-ins: 409)", params: scenarioParams } },
    async (request, reply) => {
      await library.deleteScenario(tenantOf(request), actorFrom(request), request.params.id);
      return reply.status(204).send();
    },
  );

  // ── Sessions ──
  app.post(
    "/sessions",
    {
      preHandler: read,
      schema: {
        tags,
        summary:
          "Start a practice session: the live session and the voice token its browser stream opens /v1/stream with; by phone (channel: phone) the practice line's number and a one-use code",
        body: startPracticeSessionSchema,
        response: { 201: startedPracticeSessionSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await sessions.start(tenantOf(request), callerOf(request), request.body)),
  );
  app.get(
    "/sessions",
    {
      preHandler: read,
      schema: {
        tags,
        summary: "Practice sessions, newest first: the caller's (owners and admins: everyone's, or one rep's with userId)",
        querystring: repPageQuery,
        response: { 200: practiceSessionListSchema },
      },
    },
    async (request) => sessions.list(tenantOf(request), callerOf(request), request.query),
  );
  app.get(
    "/sessions/:id",
    {
      preHandler: read,
      schema: {
        tags,
        summary: "A practice session with its transcript and score (the rep's own, or any for owners and admins)",
        params: sessionParams,
        response: { 200: practiceSessionDetailSchema },
      },
    },
    async (request) => sessions.get(tenantOf(request), callerOf(request), request.params.id),
  );
  app.post(
    "/sessions/:id/end",
    {
      preHandler: read,
      schema: {
        tags,
        summary: "End a live session now and score it (a session already over is returned as it is)",
        params: sessionParams,
        response: { 200: practiceSessionDetailSchema },
      },
    },
    async (request) => sessions.end(tenantOf(request), callerOf(request), request.params.id),
  );

  // The report's <audio src> points here: the browser follows the redirect to a URL that works for
  // RECORDING_URL_TTL_SEC (an object store's presigned GET, or the signed link below), as for calls.
  app.get(
    "/sessions/:id/recording",
    {
      preHandler: read,
      schema: {
        tags,
        summary:
          "The session's recording (WAV, 16 kHz, left rep / right prospect): a redirect to a short-lived signed URL (the rep's own, or any for owners and admins)",
        params: sessionParams,
      },
    },
    async (request, reply) => {
      const { url } = await sessions.recordingUrl(tenantOf(request), callerOf(request), request.params.id, originOf(request));
      return reply.header("cache-control", "no-store").redirect(url, 302);
    },
  );
  // Public: the signed token is the credential. The token travels as `?token=`, which every log line redacts.
  app.get(
    DOWNLOAD_PATH,
    {
      config: { rateLimit: { keyGenerator: (req: { ip: string }) => `ip:${req.ip}` } },
      schema: {
        tags,
        summary: "A practice recording through a signed link from /v1/practice/sessions/{id}/recording",
        security: [],
        querystring: downloadQuery,
      },
    },
    async (request, reply) => {
      const recording = await sessions.signedRecording(request.query.token);
      return sendWav(reply, recording, recording.sessionId);
    },
  );

  // ── Settings and the price per minute (owners and admins change them) ──
  app.get(
    "/settings",
    {
      preHandler: read,
      schema: { tags, summary: "Practice settings: recording, transcript retention, the price per minute now", response: { 200: practiceSettingsSchema } },
    },
    async (request) => settings.get(tenantOf(request)),
  );
  app.patch(
    "/settings",
    {
      preHandler: manage,
      schema: {
        tags,
        summary: "Change the practice settings (owners and admins): whether new sessions are recorded, how many days transcripts are kept",
        body: practiceSettingsPatchSchema,
        response: { 200: practiceSettingsSchema },
      },
    },
    async (request) => settings.update(tenantOf(request), actorFrom(request), request.body),
  );
  app.get(
    "/prices",
    {
      preHandler: manage,
      schema: { tags, summary: "The practice price per minute over time, latest first (owners and admins)", response: { 200: practicePriceListSchema } },
    },
    async (request) => settings.prices(tenantOf(request)),
  );
  app.post(
    "/prices",
    {
      preHandler: manage,
      schema: {
        tags,
        summary: "Set the practice price per minute from now or a later time (owners and admins); sessions keep the price they started with",
        body: practicePriceInputSchema,
        response: { 201: practicePriceSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await settings.setPrice(tenantOf(request), actorFrom(request), request.body)),
  );

  // ── The practice line (practice by phone) ──
  app.get(
    "/phone-line",
    {
      preHandler: read,
      schema: { tags, summary: "The practice line: the phone number reps dial to practise by phone (null: none)", response: { 200: practicePhoneLineSchema } },
    },
    async (request) => phoneLine.get(tenantOf(request)),
  );
  app.put(
    "/phone-line",
    {
      preHandler: manage,
      schema: {
        tags,
        summary:
          "Choose the practice line among the workspace's phone numbers (owners and admins; null: none). Its calls then ask for a rep's code instead of reaching its agent",
        body: practicePhoneLineInputSchema,
        response: { 200: practicePhoneLineSchema },
      },
    },
    async (request) => phoneLine.set(tenantOf(request), actorFrom(request), request.body.phoneNumberId),
  );

  // ── Goals ──
  app.get(
    "/goals",
    {
      preHandler: read,
      schema: {
        tags,
        summary: "The rep's goals and the team's, with progress in the current period",
        querystring: repQuery,
        response: { 200: goalListSchema },
      },
    },
    async (request) => progress.listGoals(tenantOf(request), callerOf(request), request.query.userId),
  );
  app.post(
    "/goals",
    {
      preHandler: read,
      schema: {
        tags,
        summary: "Set a goal: the caller's own, or (owners and admins) a rep's or the team's",
        body: goalInputSchema,
        response: { 201: goalSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await progress.createGoal(tenantOf(request), callerOf(request), request.body)),
  );
  app.delete("/goals/:id", { preHandler: read, schema: { tags, summary: "Remove a goal", params: goalParams } }, async (request, reply) => {
    await progress.deleteGoal(tenantOf(request), callerOf(request), request.params.id);
    return reply.status(204).send();
  });

  // ── Activities ──
  app.get(
    "/activities",
    {
      preHandler: read,
      schema: {
        tags,
        summary: "Activities, newest first: the caller's (owners and admins: everyone's, or one rep's)",
        querystring: repPageQuery,
        response: { 200: activityListSchema },
      },
    },
    async (request) => progress.listActivities(tenantOf(request), callerOf(request), request.query),
  );
  app.post(
    "/activities",
    {
      preHandler: read,
      schema: {
        tags,
        summary: "Log an activity: the caller's own, or a rep's (userId) by owners, admins and secret API keys",
        querystring: repQuery,
        body: activityInputSchema,
        response: { 201: activitySchema },
      },
    },
    async (request, reply) => reply.status(201).send(await progress.logActivity(tenantOf(request), callerOf(request), request.query.userId, request.body)),
  );

  // ── What-if ──
  app.post(
    "/what-if/project",
    {
      preHandler: read,
      schema: { tags, summary: "Project a pipeline's monthly numbers (nothing is saved)", body: whatIfInputSchema, response: { 200: whatIfProjectionSchema } },
    },
    async (request) => whatIf.project(request.body),
  );
  app.get(
    "/what-if",
    { preHandler: read, schema: { tags, summary: "The caller's saved what-if scenarios, newest first", response: { 200: whatIfListSchema } } },
    async (request) => whatIf.list(tenantOf(request), callerOf(request)),
  );
  app.post(
    "/what-if",
    { preHandler: read, schema: { tags, summary: "Save a what-if scenario", body: whatIfInputSchema, response: { 201: whatIfScenarioSchema } } },
    async (request, reply) => reply.status(201).send(await whatIf.save(tenantOf(request), callerOf(request), request.body)),
  );
  app.delete(
    "/what-if/:id",
    { preHandler: read, schema: { tags, summary: "Delete one of the caller's what-if scenarios", params: whatIfParams } },
    async (request, reply) => {
      await whatIf.remove(tenantOf(request), callerOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  // ── Dashboards ──
  app.get(
    "/dashboard",
    {
      preHandler: read,
      schema: {
        tags,
        summary: "A rep's progress: sessions, average score, trend, goals, latest sessions",
        querystring: repQuery,
        response: { 200: repDashboardSchema },
      },
    },
    async (request) => progress.repDashboard(tenantOf(request), callerOf(request), request.query.userId),
  );
  app.get(
    "/team",
    {
      preHandler: manage,
      schema: {
        tags,
        summary: "The team's practice (owners and admins): per rep, and who has not practised in 14 days",
        response: { 200: teamDashboardSchema },
      },
    },
    async (request) => progress.teamDashboard(tenantOf(request), callerOf(request)),
  );
};
