import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  agentAnalyticsListSchema,
  agentAnalyticsQuerySchema,
  analyticsOverviewSchema,
  callSchema,
  idSchema,
  listCallsQuerySchema,
  pageSchema,
} from "@orbis/contracts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { sendWav } from "../../lib/wav-reply.ts";
import { callDetailWithUsageSchema, recordingUrlSchema } from "./calls.schemas.ts";
import type { CallsService } from "./calls.service.ts";

const params = z.object({ id: idSchema("call") });
const downloadQuery = z.object({
  token: z
    .string()
    .max(600)
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, "must be a recording link token"),
});

/** Call logs, transcripts with per-turn latency, and the dashboard overview. */
export const callsRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; calls: CallsService; publicBaseUrl?: string | undefined }> = async (
  app,
  { principals, calls, publicBaseUrl },
) => {
  /** Where the api's own links point: PUBLIC_BASE_URL when set, else the origin the request came to (honours TRUST_PROXY). */
  const originOf = (request: FastifyRequest) => (publicBaseUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, "");
  const read = principals.authorize("viewer");
  const tags = ["calls"];

  app.get(
    "/calls",
    {
      preHandler: read,
      schema: { tags, summary: "Calls, newest first, with filters", querystring: listCallsQuerySchema, response: { 200: pageSchema(callSchema) } },
    },
    async (request) => calls.list(tenantOf(request), request.query),
  );

  app.get(
    "/calls/:id",
    {
      preHandler: read,
      schema: {
        tags,
        summary: "One call with its transcript, tool calls, per-turn latency, and provider usage and cost",
        params,
        response: { 200: callDetailWithUsageSchema },
      },
    },
    async (request) => calls.get(tenantOf(request), request.params.id),
  );

  // The dashboard's <audio src> points here: the browser follows the redirect to a URL that works for
  // RECORDING_URL_TTL_SEC (an object store's presigned GET, or the api's own signed link below).
  app.get(
    "/calls/:id/recording",
    {
      preHandler: read,
      schema: { tags, summary: "The call's recording (WAV, 16 kHz, left caller / right agent): a redirect to a short-lived signed URL", params },
    },
    async (request, reply) => {
      const { url } = await calls.recordingUrl(tenantOf(request), request.params.id, originOf(request));
      return reply.header("cache-control", "no-store").redirect(url, 302);
    },
  );

  app.get(
    "/calls/:id/recording-url",
    {
      preHandler: read,
      schema: { tags, summary: "A short-lived signed URL of the call's recording", params, response: { 200: recordingUrlSchema } },
    },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      return calls.recordingUrl(tenantOf(request), request.params.id, originOf(request));
    },
  );

  // Public: the signed token is the credential (a browser's <audio> follows the redirect above). The
  // token travels as `?token=`, which every log line redacts.
  app.get(
    "/recordings/download",
    {
      config: { rateLimit: { keyGenerator: (req: { ip: string }) => `ip:${req.ip}` } },
      schema: { tags, summary: "A recording through a signed link from /v1/calls/{id}/recording", security: [], querystring: downloadQuery },
    },
    async (request, reply) => {
      const recording = await calls.signedRecording(request.query.token);
      return sendWav(reply, recording, recording.callId);
    },
  );

  app.get(
    "/analytics/overview",
    {
      preHandler: read,
      schema: {
        tags: ["analytics"],
        summary: "Calls today/week/month, duration, booking rate, top agents, turn latency p50/p95",
        response: { 200: analyticsOverviewSchema },
      },
    },
    async (request) => calls.overview(tenantOf(request)),
  );

  app.get(
    "/analytics/agents",
    {
      preHandler: read,
      schema: {
        tags: ["analytics"],
        summary: "Per agent over calls started in [from, to): calls, outcomes, booking rate, latency p50/p95 per stage, cost",
        querystring: agentAnalyticsQuerySchema,
        response: { 200: agentAnalyticsListSchema },
      },
    },
    async (request) => calls.agentAnalytics(tenantOf(request), new Date(request.query.from), new Date(request.query.to)),
  );
};
