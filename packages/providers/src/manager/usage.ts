import type { ChatRequest } from "@orbis/ports";
import { DEFAULT_PRICES } from "./catalog.ts";
import type { ServedRecord } from "./records.ts";

/** What a call consumed from one provider; billing multiplies it by a price table. */
export interface Usage {
  sttSeconds: number;
  llmTokensIn: number;
  llmTokensOut: number;
  ttsCharacters: number;
  realtimeSeconds: number;
}

export type UsageByProvider = Record<string, Usage>;

export const emptyUsage = (): Usage => ({ sttSeconds: 0, llmTokensIn: 0, llmTokensOut: 0, ttsCharacters: 0, realtimeSeconds: 0 });

export interface ChatUsage {
  inputTokens: number;
  outputTokens: number;
}

/**
 * `ChatRequest` plus an optional usage callback. The brain never sets it; the fallback wrapper does,
 * and models that know their token counts (from the vendor's usage block) call it once per request.
 */
export type MeteredChatRequest = ChatRequest & { onUsage?(usage: ChatUsage): void };

/** Prices in the config's currency (USD by default); what neither the table nor the list prices name costs nothing. */
export interface ProviderPrice {
  sttPerMinute?: number;
  llmPerMillionIn?: number;
  llmPerMillionOut?: number;
  ttsPerMillionCharacters?: number;
  realtimePerMinute?: number;
}

export type PriceTable = Record<string, ProviderPrice>;

/** Accumulates usage per provider id. */
export class UsageMeter {
  private readonly byProvider: UsageByProvider = {};

  add(provider: string, delta: Partial<Usage>): void {
    const u = (this.byProvider[provider] ??= emptyUsage());
    u.sttSeconds += delta.sttSeconds ?? 0;
    u.llmTokensIn += delta.llmTokensIn ?? 0;
    u.llmTokensOut += delta.llmTokensOut ?? 0;
    u.ttsCharacters += delta.ttsCharacters ?? 0;
    u.realtimeSeconds += delta.realtimeSeconds ?? 0;
  }

  snapshot(): UsageByProvider {
    return Object.fromEntries(Object.entries(this.byProvider).map(([id, u]) => [id, { ...u }]));
  }
}

/**
 * Provider ids may carry a variant (`deepgram:nova-3`); prices are looked up by the full id, then the
 * base id, first in `table` (the operator's `PROVIDER_PRICES`), then in the definitions' list prices.
 */
export function priceFor(table: PriceTable, provider: string): ProviderPrice {
  const base = provider.split(":")[0] ?? provider;
  return table[provider] ?? table[base] ?? DEFAULT_PRICES[provider] ?? DEFAULT_PRICES[base] ?? {};
}

export function costOf(usage: UsageByProvider, table: PriceTable): { total: number; byProvider: Record<string, number> } {
  const byProvider: Record<string, number> = {};
  let total = 0;
  for (const [id, u] of Object.entries(usage)) {
    const p = priceFor(table, id);
    const cost =
      (u.sttSeconds / 60) * (p.sttPerMinute ?? 0) +
      (u.llmTokensIn / 1e6) * (p.llmPerMillionIn ?? 0) +
      (u.llmTokensOut / 1e6) * (p.llmPerMillionOut ?? 0) +
      (u.ttsCharacters / 1e6) * (p.ttsPerMillionCharacters ?? 0) +
      (u.realtimeSeconds / 60) * (p.realtimePerMinute ?? 0);
    byProvider[id] = cost;
    total += cost;
  }
  return { total, byProvider };
}

/** A call's provider cost split by capability (USD), as the usage ledger stores it. */
export interface CostByKind {
  stt: number;
  llm: number;
  tts: number;
  realtime: number;
  total: number;
}

/**
 * `costOf` split by capability: the same prices, each usage field billed to its kind. Stored usage may
 * carry each provider's `costUsd` too; it is ignored here, so a price change reprices consistently.
 */
export function costByKind(usage: UsageByProvider, table: PriceTable): CostByKind {
  const out: CostByKind = { stt: 0, llm: 0, tts: 0, realtime: 0, total: 0 };
  for (const [id, u] of Object.entries(usage)) {
    const p = priceFor(table, id);
    out.stt += ((u.sttSeconds || 0) / 60) * (p.sttPerMinute ?? 0);
    out.llm += ((u.llmTokensIn || 0) / 1e6) * (p.llmPerMillionIn ?? 0) + ((u.llmTokensOut || 0) / 1e6) * (p.llmPerMillionOut ?? 0);
    out.tts += ((u.ttsCharacters || 0) / 1e6) * (p.ttsPerMillionCharacters ?? 0);
    out.realtime += ((u.realtimeSeconds || 0) / 60) * (p.realtimePerMinute ?? 0);
  }
  out.total = out.stt + out.llm + out.tts + out.realtime;
  return out;
}

const USAGE_FIELDS = ["sttSeconds", "llmTokensIn", "llmTokensOut", "ttsCharacters", "realtimeSeconds"] as const;

/** `later − earlier` per provider and field; providers with nothing new are left out. */
export function usageSince(later: UsageByProvider, earlier: UsageByProvider): UsageByProvider {
  const out: UsageByProvider = {};
  for (const [id, u] of Object.entries(later)) {
    const before = earlier[id] ?? emptyUsage();
    const d = emptyUsage();
    let any = false;
    for (const f of USAGE_FIELDS) {
      d[f] = u[f] - before[f];
      if (d[f] !== 0) any = true;
    }
    if (any) out[id] = d;
  }
  return out;
}

/** Usage per provider with each provider's cost: what turn and call rows store. */
export type PricedUsage = Record<string, Usage & { costUsd: number }>;

export function priceUsage(usage: UsageByProvider, table: PriceTable): { usage: PricedUsage; costUsd: number } {
  const { total, byProvider } = costOf(usage, table);
  return { usage: Object.fromEntries(Object.entries(usage).map(([id, u]) => [id, { ...u, costUsd: byProvider[id] ?? 0 }])), costUsd: total };
}

/** What one turn (or a whole call) consumed and cost, and who served it. */
export interface UsageSlice {
  servedBy: ServedRecord[];
  usage: PricedUsage;
  costUsd: number;
}

/**
 * Cuts a call's cumulative usage and served log into turns. A turn is written when the caller's next
 * utterance is final, by which time that utterance's STT audio and record are already counted:
 * `take({ sttToNextTurn: true })` leaves them for the next slice, where they belong.
 */
export class UsageSlicer {
  private baseline: UsageByProvider = {};
  private heldRecords: ServedRecord[] = [];

  constructor(
    private readonly source: { usage(): UsageByProvider; takeRecords(): ServedRecord[] },
    private readonly prices: PriceTable,
  ) {}

  take(options: { sttToNextTurn?: boolean } = {}): UsageSlice {
    const now = this.source.usage();
    const records = [...this.heldRecords, ...this.source.takeRecords()];
    const usage = usageSince(now, this.baseline);
    this.heldRecords = [];
    let servedBy = records;
    const next: UsageByProvider = Object.fromEntries(Object.entries(now).map(([id, u]) => [id, { ...u }]));
    if (options.sttToNextTurn) {
      servedBy = records.filter((r) => r.capability !== "stt");
      this.heldRecords = records.filter((r) => r.capability === "stt");
      for (const [id, u] of Object.entries(usage)) {
        if (u.sttSeconds === 0) continue;
        next[id]!.sttSeconds -= u.sttSeconds;
        u.sttSeconds = 0;
        if (USAGE_FIELDS.every((f) => u[f] === 0)) delete usage[id];
      }
    }
    this.baseline = next;
    return { servedBy, ...priceUsage(usage, this.prices) };
  }

  /** The whole call so far. */
  total(): { usage: PricedUsage; costUsd: number } {
    return priceUsage(this.source.usage(), this.prices);
  }
}
