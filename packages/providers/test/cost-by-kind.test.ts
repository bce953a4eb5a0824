import { describe, expect, it } from "vitest";
import { costByKind, costOf, type PriceTable, type UsageByProvider } from "../src/index.ts";

const usage = (u: Partial<UsageByProvider[string]>): UsageByProvider[string] => ({
  sttSeconds: 0,
  llmTokensIn: 0,
  llmTokensOut: 0,
  ttsCharacters: 0,
  realtimeSeconds: 0,
  ...u,
});

describe("costByKind", () => {
  it("splits a cascade call's cost by capability with the list prices", () => {
    const call: UsageByProvider = {
      "deepgram:nova-3": usage({ sttSeconds: 180 }),
      openai: usage({ llmTokensIn: 40_000, llmTokensOut: 800 }),
      elevenlabs: usage({ ttsCharacters: 2_000 }),
    };
    const cost = costByKind(call, {});
    expect(cost.stt).toBeCloseTo(3 * 0.0077, 10);
    expect(cost.llm).toBeCloseTo(0.04 * 0.15 + 0.0008 * 0.6, 10);
    expect(cost.tts).toBeCloseTo(0.002 * 50, 10);
    expect(cost.realtime).toBe(0);
    expect(cost.total).toBeCloseTo(cost.stt + cost.llm + cost.tts, 12);
  });

  it("uses the operator's table over the list prices, and the same prices as costOf", () => {
    const table: PriceTable = { deepgram: { sttPerMinute: 0.0043 }, "openai-realtime": { realtimePerMinute: 0.3 } };
    const call: UsageByProvider = {
      deepgram: usage({ sttSeconds: 120 }),
      "openai-realtime": usage({ realtimeSeconds: 90 }),
      "openai-tts": usage({ ttsCharacters: 1_000_000 }),
    };
    const cost = costByKind(call, table);
    expect(cost.stt).toBeCloseTo(2 * 0.0043, 10);
    expect(cost.realtime).toBeCloseTo(1.5 * 0.3, 10);
    expect(cost.tts).toBeCloseTo(15, 10);
    expect(cost.total).toBeCloseTo(costOf(call, table).total, 10);
  });

  it("costs nothing for offline engines, unknown providers and empty usage", () => {
    expect(costByKind({}, {})).toEqual({ stt: 0, llm: 0, tts: 0, realtime: 0, total: 0 });
    const cost = costByKind({ offline: usage({ sttSeconds: 300, ttsCharacters: 5000 }), "no-such-vendor": usage({ llmTokensIn: 1e6 }) }, {});
    expect(cost.total).toBe(0);
  });

  it("ignores a stored row's per-provider costUsd and missing fields", () => {
    const stored = { openai: { llmTokensIn: 1_000_000, costUsd: 99 } } as unknown as UsageByProvider;
    const cost = costByKind(stored, {});
    expect(cost.llm).toBeCloseTo(0.15, 10);
    expect(Number.isNaN(cost.total)).toBe(false);
    expect(cost.total).toBeCloseTo(0.15, 10);
  });
});
