import { z } from "zod";
import { callResultSchema } from "./events.ts";
import { idSchema } from "./ids.ts";

export const CHANNELS = ["web", "twilio", "telnyx"] as const;
export const channelSchema = z.enum(CHANNELS);
export type Channel = z.infer<typeof channelSchema>;

/** `queued`: an outbound call placed with the carrier, not yet ringing. */
export const CALL_STATUSES = ["queued", "ringing", "in_progress", "completed", "failed", "busy", "no_answer"] as const;
export const callStatusSchema = z.enum(CALL_STATUSES);
export type CallStatus = z.infer<typeof callStatusSchema>;

export const callSchema = z.object({
  id: idSchema("call"),
  agentId: z.string().nullable(),
  channel: channelSchema,
  direction: z.enum(["inbound", "outbound"]),
  caller: z.string().nullable(),
  callee: z.string().nullable(),
  status: callStatusSchema,
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationSec: z.number().int().nullable(),
  endReason: z.string().nullable(),
  /** What the call achieved, stored when it ended (null while live, and for calls that ended before outcomes were stored). */
  outcome: callResultSchema.nullable(),
  /** One or two sentences in plain words, stored when the call ended. */
  summary: z.string().nullable(),
  turnCount: z.number().int().optional(),
});
export type CallDto = z.infer<typeof callSchema>;

export const callTurnSchema = z.object({
  seq: z.number().int(),
  userText: z.string().nullable(),
  agentText: z.string().nullable(),
  heardText: z.string().nullable(),
  interrupted: z.boolean(),
  toolCalls: z.array(
    z.object({ name: z.string(), ok: z.boolean(), ms: z.number().optional(), args: z.unknown().optional(), error: z.string().optional() }).loose(),
  ),
  /** End of the caller's speech → the turn end decided (the end-of-turn wait). Stages add up to e2eMs with the send time. */
  endpointMs: z.number().int().nullable(),
  asrMs: z.number().int().nullable(),
  llmMs: z.number().int().nullable(),
  ttsMs: z.number().int().nullable(),
  e2eMs: z.number().int().nullable(),
  startedAt: z.string(),
  endedAt: z.string(),
});

export const callDetailSchema = callSchema.extend({
  /** Same-origin URL of the stereo WAV (caller left, agent right) when the agent records calls. */
  recordingUrl: z.string().nullable(),
  turns: z.array(callTurnSchema),
  events: z.array(z.object({ at: z.string(), kind: z.string(), detail: z.unknown().optional() })),
  /** What the carrier reported (Twilio/Telnyx webhooks) and what we asked of it (a transfer and its result), oldest first. */
  carrierEvents: z.array(z.object({ at: z.string(), provider: z.string(), kind: z.string(), status: z.string().nullable(), detail: z.unknown() })),
});

export const listCallsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
  agentId: idSchema("agent").optional(),
  channel: channelSchema.optional(),
  status: callStatusSchema.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type ListCallsQuery = z.infer<typeof listCallsQuerySchema>;

export const analyticsOverviewSchema = z.object({
  calls: z.object({ today: z.number().int(), week: z.number().int(), month: z.number().int() }),
  averageDurationSec: z.number().nullable(),
  bookingRate: z.number().nullable(),
  topAgents: z.array(z.object({ agentId: z.string(), name: z.string(), calls: z.number().int() })),
  turnLatencyMs: z.object({ p50: z.number().nullable(), p95: z.number().nullable(), turns: z.number().int() }),
});
