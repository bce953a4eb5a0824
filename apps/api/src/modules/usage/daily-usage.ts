import { DateTime } from "luxon";
import { CHANNELS, COST_KINDS, type Channel, type DailyUsageDto } from "@orbis/contracts";
import type { DailyUsageRows, UsageDailyRow } from "@orbis/db";
import { csvRows } from "../../lib/csv.ts";

/** The civil days from `from` to `to` (both included, YYYY-MM-DD). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = DateTime.fromISO(from, { zone: "UTC" }); d.toISODate()! <= to; d = d.plus({ days: 1 })) days.push(d.toISODate()!);
  return days;
}

/** The instant each day starts in `zone`, then the instant after the last day ends: the buckets' edges. */
export const dayBoundaries = (days: string[], zone: string): Date[] =>
  [
    ...days,
    DateTime.fromISO(days[days.length - 1]!, { zone: "UTC" })
      .plus({ days: 1 })
      .toISODate()!,
  ].map((d) => DateTime.fromISO(d, { zone }).startOf("day").toJSDate());

const zeroes = (): Record<Channel, number> => ({ web: 0, twilio: 0, telnyx: 0 });
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

type CostKind = (typeof COST_KINDS)[number];
const noCost = (): Record<CostKind, number> => ({ stt: 0, llm: 0, tts: 0, realtime: 0, carrier: 0, infra: 0 });

/** The ledger rollup's columns per cost kind. */
const LEDGER_COST: Record<CostKind, (r: UsageDailyRow) => number> = {
  stt: (r) => r.sttCostUsd,
  llm: (r) => r.llmCostUsd,
  tts: (r) => r.ttsCostUsd,
  realtime: (r) => r.realtimeCostUsd,
  carrier: (r) => r.carrierCostUsd,
  infra: (r) => r.infraCostUsd,
};

/** Sales practice sessions per bucket (the practice repository's `usageByBucket`), bucket i being days[i - 1]. */
export type PracticeBuckets = { bucket: number; sessions: number; seconds: number; costUsd: number; chargeUsd: number }[];

/**
 * Every day of the range with its calls and minutes per channel, cost per provider (zeroes included),
 * the ledger's cost per kind (`ledger`: the `usage_daily` rows of the range, one per day and
 * channel) and its sales practice (`practice`, a line of its own). Pure.
 */
export function dailyUsageOf(days: string[], timezone: string, rows: DailyUsageRows, ledger: UsageDailyRow[], practice: PracticeBuckets = []): DailyUsageDto {
  const out = days.map((day) => ({
    day,
    calls: zeroes(),
    minutes: zeroes(),
    costUsd: 0,
    costByProvider: {} as Record<string, number>,
    costByKind: noCost(),
    practice: { sessions: 0, minutes: 0, costUsd: 0, chargeUsd: 0 },
  }));
  // Buckets are 1-based: bucket i is days[i - 1].
  for (const r of rows.calls) {
    const d = out[r.bucket - 1];
    if (!d) continue;
    d.calls[r.channel] += r.calls;
    d.minutes[r.channel] = round(d.minutes[r.channel] + r.seconds / 60, 2);
  }
  for (const r of rows.costs) {
    const d = out[r.bucket - 1];
    if (!d) continue;
    d.costByProvider[r.provider] = (d.costByProvider[r.provider] ?? 0) + r.costUsd;
    d.costUsd += r.costUsd;
  }
  const byDay = new Map(out.map((d) => [d.day, d]));
  for (const r of ledger) {
    const d = byDay.get(r.day);
    if (!d) continue;
    for (const kind of COST_KINDS) d.costByKind[kind] = round(d.costByKind[kind] + LEDGER_COST[kind](r), 6);
  }
  for (const r of practice) {
    const d = out[r.bucket - 1];
    if (!d) continue;
    d.practice = {
      sessions: d.practice.sessions + r.sessions,
      minutes: round(d.practice.minutes + r.seconds / 60, 2),
      costUsd: round(d.practice.costUsd + r.costUsd, 6),
      chargeUsd: round(d.practice.chargeUsd + r.chargeUsd, 6),
    };
  }
  return { from: days[0]!, to: days[days.length - 1]!, timezone, days: out };
}

/** A CSV cell: quoted when it needs to be, and never read as a formula by a spreadsheet. */

/**
 * One row per day: calls and minutes per channel, total cost, cost per provider (one column each), then
 * the ledger's carrier and infrastructure cost (the providers' share is already in the provider columns),
 * then sales practice (sessions, minutes, cost, charge at the practice price), which none of the call columns include.
 */
export function dailyUsageCsv(usage: DailyUsageDto): string {
  const providers = [...new Set(usage.days.flatMap((d) => Object.keys(d.costByProvider)))].sort();
  const header = [
    "day",
    ...CHANNELS.map((c) => `calls_${c}`),
    ...CHANNELS.map((c) => `minutes_${c}`),
    "cost_usd",
    ...providers.map((p) => `cost_usd_${p}`),
    "cost_usd_carrier",
    "cost_usd_infra",
    "practice_sessions",
    "practice_minutes",
    "practice_cost_usd",
    "practice_charge_usd",
  ];
  const lines = usage.days.map((d) => [
    d.day,
    ...CHANNELS.map((c) => d.calls[c]),
    ...CHANNELS.map((c) => d.minutes[c]),
    round(d.costUsd, 6),
    ...providers.map((p) => round(d.costByProvider[p] ?? 0, 6)),
    round(d.costByKind.carrier, 6),
    round(d.costByKind.infra, 6),
    d.practice.sessions,
    d.practice.minutes,
    round(d.practice.costUsd, 6),
    round(d.practice.chargeUsd, 6),
  ]);
  return csvRows([header, ...lines]);
}
