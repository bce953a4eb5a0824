import type { DailyUsageDto, DailyUsageQuery } from "@orbis/contracts";
import type { ProviderUsageSum, TenantScope } from "@orbis/db";
import { dailyUsageOf, dayBoundaries, daysBetween, type PracticeBuckets } from "./daily-usage.ts";
import type { UsageKind, UsageSummaryDto } from "./usage.schemas.ts";

/** A provider id serves one capability; its kind is read off the counters it has. */
function kindOf(u: Omit<ProviderUsageSum, "provider" | "costUsd">): UsageKind {
  if (u.realtimeSeconds > 0) return "realtime";
  if (u.llmTokensIn > 0 || u.llmTokensOut > 0) return "llm";
  if (u.ttsCharacters > 0) return "tts";
  return "stt";
}

/** Sales practice over the whole range (one bucket or none): its own line, never counted as calls. */
function practiceLine(buckets: PracticeBuckets): UsageSummaryDto["practice"] {
  const total = buckets.reduce(
    (t, b) => ({ sessions: t.sessions + b.sessions, seconds: t.seconds + b.seconds, costUsd: t.costUsd + b.costUsd, chargeUsd: t.chargeUsd + b.chargeUsd }),
    { sessions: 0, seconds: 0, costUsd: 0, chargeUsd: 0 },
  );
  return {
    sessions: total.sessions,
    minutes: Math.round((total.seconds / 60) * 100) / 100,
    costUsd: Math.round(total.costUsd * 1e6) / 1e6,
    chargeUsd: Math.round(total.chargeUsd * 1e6) / 1e6,
  };
}

/** Sums per provider into the four kinds billing reads. Pure: table-tested. */
export function summarizeUsage(
  from: Date,
  to: Date,
  sum: { calls: number; costUsd: number; byProvider: ProviderUsageSum[] },
  practice: PracticeBuckets = [],
): UsageSummaryDto {
  const byKind: UsageSummaryDto["byKind"] = {
    stt: { seconds: 0, costUsd: 0 },
    llm: { tokensIn: 0, tokensOut: 0, costUsd: 0 },
    tts: { characters: 0, costUsd: 0 },
    realtime: { seconds: 0, costUsd: 0 },
  };
  const byProvider = sum.byProvider.map((p) => ({ ...p, kind: kindOf(p) }));
  for (const p of byProvider) {
    byKind.stt.seconds += p.sttSeconds;
    byKind.llm.tokensIn += p.llmTokensIn;
    byKind.llm.tokensOut += p.llmTokensOut;
    byKind.tts.characters += p.ttsCharacters;
    byKind.realtime.seconds += p.realtimeSeconds;
    byKind[p.kind].costUsd += p.costUsd;
  }
  return { from: from.toISOString(), to: to.toISOString(), calls: sum.calls, costUsd: sum.costUsd, byProvider, byKind, practice: practiceLine(practice) };
}

export function createUsageService() {
  return {
    /** The workspace's provider usage and cost over calls started in [from, to), and its sales practice sessions started then. */
    async summary(tenant: TenantScope, from: Date, to: Date): Promise<UsageSummaryDto> {
      const [calls, practice] = await Promise.all([tenant.calls.usageSummary(from, to), tenant.practice.usageByBucket([from, to])]);
      return summarizeUsage(from, to, calls, practice);
    },

    /**
     * Calls and minutes per day and channel, cost per day and provider, and sales practice per day; days
     * in `tz`, else the workspace's zone. Cost per kind comes from the ledger's daily rollup, whose days are the workspace's.
     */
    async daily(tenant: TenantScope, q: DailyUsageQuery): Promise<DailyUsageDto> {
      const timezone = q.tz ?? (await tenant.workspace.get())?.timezone ?? "UTC";
      const days = daysBetween(q.from, q.to);
      const boundaries = dayBoundaries(days, timezone);
      const [rows, ledger, practice] = await Promise.all([
        tenant.calls.dailyUsage(boundaries),
        tenant.billing.daily(q.from, q.to),
        tenant.practice.usageByBucket(boundaries),
      ]);
      return dailyUsageOf(days, timezone, rows, ledger, practice);
    },
  };
}
export type UsageService = ReturnType<typeof createUsageService>;
