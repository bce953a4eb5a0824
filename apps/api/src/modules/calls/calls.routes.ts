import { createReadStream, existsSync, statSync } from "node:fs";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError, analyticsOverviewSchema, callDetailSchema, callSchema, callTurnSchema, idSchema, listCallsQuerySchema, notFound, pageSchema, type CallDto } from "@orbis/contracts";
import type { CallRow, CallTurnRow } from "@orbis/db";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { servedRecordSchema, usageByProviderSchema } from "../usage/usage.schemas.ts";

/** The call detail with provider usage: per turn who served and what it cost, per call the totals. */
const callDetailWithUsageSchema = callDetailSchema.extend({
  usage: usageByProviderSchema,
  costUsd: z.number(),
  turns: z.array(callTurnSchema.extend({ servedBy: z.array(servedRecordSchema), usage: usageByProviderSchema, costUsd: z.number() })),
});

const toCallDto = (c: CallRow & { turnCount?: number }): CallDto => ({
  id: c.id,
  agentId: c.agentId,
  channel: c.channel,
  direction: c.direction,
  caller: c.caller,
  callee: c.callee,
  status: c.status,
  startedAt: c.startedAt.toISOString(),
  endedAt: c.endedAt?.toISOString() ?? null,
  durationSec: c.durationSec,
  endReason: c.endReason,
  ...(c.turnCount === undefined ? {} : { turnCount: c.turnCount }),
});

/** jsonb columns written by the gateway; read back through their schemas, not cast. */
const usageJson = {
  servedBy: (v: unknown) => z.array(servedRecordSchema).catch([]).parse(v),
  usage: (v: unknown) => usageByProviderSchema.catch({}).parse(v),
};

const toTurnDto = (t: CallTurnRow) => ({
  seq: t.seq,
  userText: t.userText,
  agentText: t.agentText,
  heardText: t.heardText,
  interrupted: t.interrupted,
  toolCalls: t.toolCalls as { name: string; ok: boolean }[],
  asrMs: t.asrMs,
  llmMs: t.llmMs,
  ttsMs: t.ttsMs,
  e2eMs: t.e2eMs,
  servedBy: usageJson.servedBy(t.servedBy),
  usage: usageJson.usage(t.usage),
  costUsd: t.costUsd,
  startedAt: t.startedAt.toISOString(),
  endedAt: t.endedAt.toISOString(),
});

const encodeCursor = (c: CallRow) => Buffer.from(`${c.startedAt.toISOString()}|${c.id}`).toString("base64url");
function decodeCursor(cursor: string) {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const startedAt = new Date(at ?? "");
  if (!id || Number.isNaN(startedAt.getTime())) throw new AppError("validation_failed", "query.cursor: not a valid cursor");
  return { startedAt, id };
}

/** Call logs, transcripts with per-turn latency, and the dashboard overview. */
export const callsRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver }> = async (app, { principals }) => {
  const read = principals.authorize("viewer");
  const tags = ["calls"];

  app.get("/calls", { preHandler: read, schema: { tags, summary: "Calls, newest first, with filters", querystring: listCallsQuerySchema, response: { 200: pageSchema(callSchema) } } }, async (request) => {
    const q = request.query;
    const rows = await tenantOf(request).calls.search(
      { agentId: q.agentId, channel: q.channel, status: q.status, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined },
      q.limit + 1,
      q.cursor ? decodeCursor(q.cursor) : undefined,
    );
    const page = rows.slice(0, q.limit);
    return { data: page.map(toCallDto), nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]!) : null };
  });

  app.get(
    "/calls/:id",
    {
      preHandler: read,
      schema: { tags, summary: "One call with its transcript, tool calls, per-turn latency, and provider usage and cost", params: z.object({ id: idSchema("call") }), response: { 200: callDetailWithUsageSchema } },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const [call, turns] = await Promise.all([tenant.calls.get(request.params.id), tenant.calls.turns(request.params.id)]);
      if (!call) throw notFound("Call");
      const events = ((call.metadata as { events?: unknown[] }).events ?? []) as { at: string; kind: string; detail?: unknown }[];
      const recordingUrl = call.recordingPath ? `/v1/calls/${call.id}/recording` : null;
      return { ...toCallDto(call), recordingUrl, usage: usageJson.usage(call.usage), costUsd: call.costUsd, turns: turns.map(toTurnDto), events };
    },
  );

  app.get(
    "/calls/:id/recording",
    { preHandler: read, schema: { tags, summary: "The call's recording: WAV, 16 kHz, left caller / right agent", params: z.object({ id: idSchema("call") }) } },
    async (request, reply) => {
      const call = await tenantOf(request).calls.get(request.params.id);
      if (!call) throw notFound("Call");
      if (!call.recordingPath || !existsSync(call.recordingPath)) throw notFound("Recording");
      return reply.type("audio/wav").header("content-length", statSync(call.recordingPath).size).send(createReadStream(call.recordingPath));
    },
  );

  app.get("/analytics/overview", { preHandler: read, schema: { tags: ["analytics"], summary: "Calls today/week/month, duration, booking rate, top agents, turn latency p50/p95", response: { 200: analyticsOverviewSchema } } }, async (request) => {
    const { counts, latency, top } = await tenantOf(request).calls.overview(new Date());
    return {
      calls: { today: counts.today, week: counts.week, month: counts.month },
      averageDurationSec: counts.avgDuration === null ? null : Math.round(counts.avgDuration),
      bookingRate: counts.month ? counts.booked / counts.month : null,
      topAgents: top,
      turnLatencyMs: { p50: latency.p50 === null ? null : Math.round(latency.p50), p95: latency.p95 === null ? null : Math.round(latency.p95), turns: latency.turns },
    };
  });
};
