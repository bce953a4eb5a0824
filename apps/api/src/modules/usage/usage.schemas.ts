import { z } from "zod";
import { practiceUsageSchema } from "@orbis/contracts";

/** Usage of one provider (`calls.usage` / `call_turns.usage` entries), with its cost in USD. */
const providerUsageSchema = z.object({
  sttSeconds: z.number(),
  llmTokensIn: z.number(),
  llmTokensOut: z.number(),
  ttsCharacters: z.number(),
  realtimeSeconds: z.number(),
  costUsd: z.number(),
});
export const usageByProviderSchema = z.record(z.string(), providerUsageSchema);

/** Who served one utterance, sentence, model call or realtime response (the provider manager's ServedRecord). */
export const servedRecordSchema = z
  .object({
    capability: z.enum(["stt", "tts", "llm", "realtime"]),
    servedBy: z.string().nullable(),
    tried: z.array(z.string()),
    failures: z.array(z.object({ provider: z.string(), message: z.string(), retryable: z.boolean(), kind: z.string() })),
    switchMs: z.number().optional(),
  })
  .loose();

const USAGE_KINDS = ["stt", "llm", "tts", "realtime"] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];

/** At most a year per query: the sum scans the workspace's calls in the range. */
const MAX_RANGE_MS = 366 * 24 * 3600_000;

export const usageQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
  })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: "from must be before to", path: ["from"] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_RANGE_MS, { message: "range must be at most 366 days", path: ["to"] });

export const usageSummarySchema = z.object({
  from: z.string(),
  to: z.string(),
  calls: z.number().int(),
  costUsd: z.number(),
  byProvider: z.array(providerUsageSchema.extend({ provider: z.string(), kind: z.enum(USAGE_KINDS) })),
  byKind: z.object({
    stt: z.object({ seconds: z.number(), costUsd: z.number() }),
    llm: z.object({ tokensIn: z.number(), tokensOut: z.number(), costUsd: z.number() }),
    tts: z.object({ characters: z.number(), costUsd: z.number() }),
    realtime: z.object({ seconds: z.number(), costUsd: z.number() }),
  }),
  /** Sales practice sessions started in the range: their own line, never in `calls`, `costUsd` or the plan's allowance. */
  practice: practiceUsageSchema,
});
export type UsageSummaryDto = z.infer<typeof usageSummarySchema>;
