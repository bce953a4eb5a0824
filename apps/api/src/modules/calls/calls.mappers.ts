import { z } from "zod";
import type { CallDto } from "@orbis/contracts";
import type { CallRow, CallTurnRow } from "@orbis/db";
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
