import { describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import type { ServedRecord, UsageSlice } from "@orbis/providers";
import { countTurnUsage, createGatewayMetrics } from "../src/metrics.ts";

const served = (capability: ServedRecord["capability"], tried: string[], servedBy: string | null): ServedRecord => ({
  capability,
  tried,
  servedBy,
  failures: [],
  at: 0,
});

async function values(registry: Registry, name: string) {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values ?? []).map((v) => ({ labels: v.labels, value: v.value }));
}

describe("countTurnUsage (provider fallbacks and cost for the dashboard)", () => {
  it("counts work served by a later provider or by none, by capability and first provider, and adds the turn's cost", async () => {
    const registry = new Registry();
    const metrics = createGatewayMetrics(registry);
    const usage: UsageSlice = {
      servedBy: [
        served("stt", ["deepgram"], "deepgram"),
        served("llm", ["openai", "anthropic"], "anthropic"),
        served("tts", ["elevenlabs", "flite"], null),
        served("llm", ["openai", "anthropic"], "anthropic"),
      ],
      usage: {},
      costUsd: 0.0125,
    };
    countTurnUsage(metrics, usage);
    countTurnUsage(metrics, { servedBy: [], usage: {}, costUsd: 0.0025 });
    countTurnUsage(metrics, undefined);

    expect(await values(registry, "orbis_provider_fallbacks_total")).toEqual([
      { labels: { capability: "llm", provider: "openai", served: "fallback" }, value: 2 },
      { labels: { capability: "tts", provider: "elevenlabs", served: "none" }, value: 1 },
    ]);
    const [cost] = await values(registry, "orbis_provider_cost_usd_total");
    expect(cost!.value).toBeCloseTo(0.015, 10);
  });
});
