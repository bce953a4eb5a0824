import { z } from "zod";
import { callResultSchema, type AgentAnalyticsDto, type CallDto } from "@orbis/contracts";
import type { AgentAnalyticsRow, CallRow, CallTurnRow } from "@orbis/db";
import { servedRecordSchema, usageByProviderSchema } from "../usage/usage.schemas.ts";

export const toCallDto = (c: CallRow & { turnCount?: number }): CallDto => ({
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
  outcome: callResultSchema.nullable().catch(null).parse(c.outcome),
  summary: c.summary,
  ...(c.turnCount === undefined ? {} : { turnCount: c.turnCount }),
});

/** jsonb columns written by the gateway; read back through their schemas, not cast. */
export const usageJson = {
  servedBy: (v: unknown) => z.array(servedRecordSchema).catch([]).parse(v),
  usage: (v: unknown) => usageByProviderSchema.catch({}).parse(v),
};

export const toCallTurnDto = (t: CallTurnRow) => ({
  seq: t.seq,
  userText: t.userText,
  agentText: t.agentText,
  heardText: t.heardText,
  interrupted: t.interrupted,
  toolCalls: t.toolCalls as { name: string; ok: boolean }[],
  endpointMs: t.endpointMs,
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

/** The call's lifecycle events, kept in `calls.metadata.events`. */
export const callEventsOf = (c: CallRow) => ((c.metadata as { events?: unknown[] }).events ?? []) as { at: string; kind: string; detail?: unknown }[];

const roundOrNull = (n: number | null) => (n === null ? null : Math.round(n));
const percentiles = (p: { p50: number | null; p95: number | null }) => ({ p50: roundOrNull(p.p50), p95: roundOrNull(p.p95) });

/** One agent's figures over a range: outcome counts, booking rate, latency per stage (whole ms), cost. */
export const toAgentAnalyticsDto = (r: AgentAnalyticsRow): AgentAnalyticsDto => ({
  agentId: r.agentId,
  name: r.name ?? "Deleted agent",
  calls: r.calls,
  outcomes: {
    booked: r.booked,
    cancelled: r.cancelled,
    messageTaken: r.messageTaken,
    transferred: r.transferred,
    failed: r.failed,
    answered: r.answered,
    noConversation: r.noConversation,
  },
  bookingRate: r.calls ? r.booked / r.calls : null,
  latencyMs: {
    endpoint: percentiles(r.latency.endpoint),
    asr: percentiles(r.latency.asr),
    llm: percentiles(r.latency.llm),
    tts: percentiles(r.latency.tts),
    e2e: percentiles(r.latency.e2e),
    turns: r.latency.turns,
  },
  costUsd: r.costUsd,
});
