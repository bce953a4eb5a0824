import { DateTime } from "luxon";
import { callOverheadCost, type CostRates } from "@orbis/billing";
import type { Channel } from "@orbis/contracts";
import type { CallRow, NewUsageRecordRow } from "@orbis/db";
import { costByKind, type PriceTable, type UsageByProvider } from "@orbis/providers";

/** The civil day (YYYY-MM-DD) of an instant in a time zone; UTC when the zone is not one luxon knows. */
function civilDay(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISODate() ?? DateTime.fromJSDate(at, { zone: "UTC" }).toISODate()!;
}

/** The stored `{ [providerId]: Usage & { costUsd } }` of a call as usage; anything else is no usage. */
function usageOf(stored: unknown): UsageByProvider {
  if (!stored || typeof stored !== "object" || Array.isArray(stored)) return {};
  return stored as UsageByProvider;
}

/** A dashboard test call (the gateway marks it `metadata.test`): metered for cost, never counted against the plan. */
const isTestCall = (call: Pick<CallRow, "metadata">): boolean => (call.metadata as Record<string, unknown> | null)?.test === true;

/**
 * The ledger row of an ended call (pure): carrier minutes and cost, the infrastructure estimate, and the
 * providers' cost split by capability at the operator's prices. Its id derives from the call, so the
 * row is the call's one row whoever writes it.
 */
export function ledgerRowOf(
  call: Pick<CallRow, "id" | "channel" | "startedAt" | "durationSec" | "metadata" | "usage">,
  o: { timezone: string; prices: PriceTable; rates: CostRates; durationSec?: number | null },
): NewUsageRecordRow {
  const durationSec = Math.max(0, call.durationSec ?? o.durationSec ?? 0);
  const channel = call.channel as Channel;
  const overhead = callOverheadCost(channel, durationSec, o.rates);
  const providers = costByKind(usageOf(call.usage), o.prices);
  return {
    id: `use_${call.id}`,
    callId: call.id,
    channel,
    test: isTestCall(call),
    day: civilDay(call.startedAt, o.timezone),
    startedAt: call.startedAt,
    durationSec,
    carrierMinutes: overhead.carrierMinutes,
    carrierCostUsd: overhead.carrierUsd,
    sttCostUsd: providers.stt,
    llmCostUsd: providers.llm,
    ttsCostUsd: providers.tts,
    realtimeCostUsd: providers.realtime,
    infraCostUsd: overhead.infraUsd,
    totalCostUsd: overhead.carrierUsd + overhead.infraUsd + providers.total,
  };
}
