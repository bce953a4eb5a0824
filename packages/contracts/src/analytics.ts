import { z } from "zod";
import { CHANNELS } from "./calls.ts";

/** At most a year per query: the figures scan the workspace's calls in the range. */
const MAX_RANGE_DAYS = 366;
const DAY_MS = 24 * 3600_000;

const isIanaZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz.includes("/") || tz === "UTC";
  } catch {
    return false;
  }
};

/** `GET /v1/analytics/agents?from&to`: instants with their offset (the dashboard sends its zone's midnights). */
export const agentAnalyticsQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
  })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: "from must be before to", path: ["from"] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_RANGE_DAYS * DAY_MS, { message: `range must be at most ${MAX_RANGE_DAYS} days`, path: ["to"] });
export type AgentAnalyticsQuery = z.infer<typeof agentAnalyticsQuerySchema>;

/** What a call achieved: the same rules as the dashboard's call outcome (successful tool calls first, then how it ended). */
export const CALL_OUTCOMES = ["booked", "cancelled", "messageTaken", "transferred", "failed", "answered", "noConversation"] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

const percentilesSchema = z.object({ p50: z.number().nullable(), p95: z.number().nullable() });

export const agentAnalyticsSchema = z.object({
  /** Null for calls of a deleted agent. */
  agentId: z.string().nullable(),
  name: z.string(),
  calls: z.number().int(),
  outcomes: z.object(Object.fromEntries(CALL_OUTCOMES.map((o) => [o, z.number().int()])) as Record<CallOutcome, z.ZodNumber>),
  /** Booked calls over all calls; null without calls. */
  bookingRate: z.number().nullable(),
  /** Per stage, ms: end-of-turn wait, speech-to-text, brain, speech, and the whole turn. */
  latencyMs: z.object({
    endpoint: percentilesSchema,
    asr: percentilesSchema,
    llm: percentilesSchema,
    tts: percentilesSchema,
    e2e: percentilesSchema,
    /** Turns with timings (typed turns have none). */
    turns: z.number().int(),
  }),
  costUsd: z.number(),
});
export type AgentAnalyticsDto = z.infer<typeof agentAnalyticsSchema>;

export const agentAnalyticsListSchema = z.object({ from: z.string(), to: z.string(), data: z.array(agentAnalyticsSchema) });
export type AgentAnalyticsListDto = z.infer<typeof agentAnalyticsListSchema>;

const daySchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "must be YYYY-MM-DD");

/** `GET /v1/usage/daily?from&to&tz` (and `/v1/usage/daily.csv`): civil days (both included) in `tz`, the workspace's zone by default. */
export const dailyUsageQuerySchema = z
  .object({
    from: daySchema,
    to: daySchema,
    tz: z.string().max(64).refine(isIanaZone, "must be an IANA time zone like America/New_York").optional(),
  })
  .refine((q) => q.from <= q.to, { message: "from must not be after to", path: ["from"] })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / DAY_MS + 1 <= MAX_RANGE_DAYS, {
    message: `range must be at most ${MAX_RANGE_DAYS} days`,
    path: ["to"],
  });
export type DailyUsageQuery = z.infer<typeof dailyUsageQuerySchema>;

/** USD per cost kind of the metering ledger (`usage_daily`). */
export const COST_KINDS = ["stt", "llm", "tts", "realtime", "carrier", "infra"] as const;
const costByKindSchema = z.object(Object.fromEntries(COST_KINDS.map((k) => [k, z.number()])) as Record<(typeof COST_KINDS)[number], z.ZodNumber>);

const perChannel = z.object(Object.fromEntries(CHANNELS.map((c) => [c, z.number()])) as Record<(typeof CHANNELS)[number], z.ZodNumber>);

/**
 * Sales practice in usage: sessions started in the range, their minutes, what their speech and prospect
 * cost (USD), and their charge: minutes × the workspace's practice price per minute in force when each
 * started (`chargeUsd`, docs/practice.md "Price per minute").
 */
export const practiceUsageSchema = z.object({ sessions: z.number().int(), minutes: z.number(), costUsd: z.number(), chargeUsd: z.number() });

export const dailyUsageSchema = z.object({
  from: z.string(),
  to: z.string(),
  timezone: z.string(),
  /** Every day of the range, oldest first, zeroes included. */
  days: z.array(
    z.object({
      day: z.string(),
      calls: perChannel,
      minutes: perChannel,
      costUsd: z.number(),
      /** Cost per provider id (`deepgram:nova-3`), only providers with usage that day. */
      costByProvider: z.record(z.string(), z.number()),
      /**
       * The metering ledger's cost of the day's ended calls by kind (the daily rollup, days in the
       * workspace's zone when the call was metered): the providers' share, the carrier's and the
       * infrastructure estimate. Test calls included: they cost what any call costs.
       */
      costByKind: costByKindSchema,
      /** Sales practice sessions started that day: their own line, never calls (not in `calls`, `minutes`, `costUsd`, nor the plan's allowance). */
      practice: practiceUsageSchema,
    }),
  ),
});
export type DailyUsageDto = z.infer<typeof dailyUsageSchema>;
