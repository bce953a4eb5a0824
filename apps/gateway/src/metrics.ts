import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { phoneCallsCounter } from "@orbis/telephony";
import { flitePhraseCache, type UsageSlice } from "@orbis/providers";

export function createGatewayMetrics(registry: Registry) {
  const stageBuckets = [25, 50, 100, 200, 300, 450, 700, 1000, 1500, 2500, 5000];
  return {
    liveCalls: new Gauge({ name: "orbis_live_calls", help: "Calls in progress on this process", labelNames: ["channel"] as const, registers: [registry] }),
    framesIn: new Counter({ name: "orbis_audio_frames_in_total", help: "Caller audio frames received", registers: [registry] }),
    framesOut: new Counter({ name: "orbis_audio_frames_out_total", help: "Agent audio frames sent", registers: [registry] }),
    framesDropped: new Counter({ name: "orbis_audio_frames_dropped_total", help: "Agent audio frames dropped for a slow client", registers: [registry] }),
    callsEnded: new Counter({ name: "orbis_calls_ended_total", help: "Calls ended by reason", labelNames: ["reason"] as const, registers: [registry] }),
    /** Output pacing: how late each 20 ms agent frame left. Choppy audio shows here first. */
    frameDelay: new Histogram({
      name: "orbis_output_frame_delay_ms",
      help: "Lateness of each outbound 20 ms audio frame against its schedule",
      buckets: [1, 2, 5, 10, 20, 40, 80, 160],
      registers: [registry],
    }),
    /** Gateway work per inbound frame: validation, conversion, framing, pipeline entry. */
    frameHandling: new Histogram({
      name: "orbis_inbound_frame_handling_ms",
      help: "Time to handle one inbound audio message in the gateway",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    turnLatency: new Histogram({
      name: "orbis_turn_latency_ms",
      help: "Per-turn latency by stage (asr, llm, tts, e2e)",
      labelNames: ["stage"] as const,
      buckets: stageBuckets,
      registers: [registry],
    }),
    /**
     * Work (an utterance, a sentence, a model call) not served by the first provider of its chain: another
     * one did (`served: "fallback"`) or none could (`served: "none"`). By capability and the provider first asked.
     */
    providerFallbacks: new Counter({
      name: "orbis_provider_fallbacks_total",
      help: "Units of provider work not served by the first provider of their chain, by capability, first provider and outcome",
      labelNames: ["capability", "provider", "served"] as const,
      registers: [registry],
    }),
    /** What the providers of calls cost (list prices or PROVIDER_PRICES), added turn by turn; carrier and infrastructure costs are billed at call end, not here. */
    providerCost: new Counter({
      name: "orbis_provider_cost_usd_total",
      help: "Metered provider cost of calls in USD (STT, LLM, TTS, realtime), counted as each turn is stored",
      registers: [registry],
    }),
    /** The offline TTS phrase cache: how often a sentence was ready, and how often an answer prepared ahead was the one said. */
    phraseCache: new Gauge({
      name: "orbis_tts_phrase_cache",
      help: "flite phrase cache since start: hits, misses, prefetches, prefetches_used; and sentences and bytes held",
      labelNames: ["what"] as const,
      registers: [registry],
      collect() {
        const c = flitePhraseCache;
        for (const [what, value] of Object.entries({
          hits: c.hits,
          misses: c.misses,
          prefetches: c.prefetches,
          prefetches_used: c.prefetchesUsed,
          sentences: c.size,
          bytes: c.sizeBytes,
        }))
          this.set({ what }, value);
      },
    }),
  };
}
export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

/** Counts a stored turn's provider work into the fallback and cost counters (the Grafana dashboard's panels). */
export function countTurnUsage(metrics: Pick<GatewayMetrics, "providerFallbacks" | "providerCost">, usage: UsageSlice | undefined): void {
  if (!usage) return;
  for (const record of usage.servedBy) {
    const first = record.tried[0];
    if (first === undefined) continue;
    if (record.servedBy === null) metrics.providerFallbacks.inc({ capability: record.capability, provider: first, served: "none" });
    else if (record.tried.length > 1) metrics.providerFallbacks.inc({ capability: record.capability, provider: first, served: "fallback" });
  }
  if (usage.costUsd > 0) metrics.providerCost.inc(usage.costUsd);
}

/**
 * Per-carrier phone metrics (Twilio, Telnyx): calls by final status, inbound frame health, and the
 * inbound reorder buffer (the delay it adds to the caller's audio and its window). The series keep
 * their `jitter` names: they measure what the inbound buffer costs, whatever its design.
 */
export function createPhoneMetrics(registry: Registry) {
  return {
    calls: phoneCallsCounter(registry),
    /**
     * Inbound media by what became of it: received, late (after its gap was given up), duplicate, lost
     * (never arrived), concealed (a lost frame replaced), overflow (a gap given up early: 1 s queued
     * behind it), invalid (not JSON / failed the schema), binary, before_start, bad_media (not 160
     * bytes of μ-law).
     */
    inboundFrames: new Counter({
      name: "orbis_phone_inbound_frames_total",
      help: "Inbound carrier media frames by outcome",
      labelNames: ["carrier", "kind"] as const,
      registers: [registry],
    }),
    jitterDelay: new Histogram({
      name: "orbis_phone_jitter_delay_ms",
      help: "Time each caller frame was held by the inbound buffer before the recogniser (0 when it arrived in order)",
      labelNames: ["carrier"] as const,
      buckets: [0, 10, 20, 40, 60, 80, 100, 140, 200, 300, 500, 1000],
      registers: [registry],
    }),
    jitterTarget: new Histogram({
      name: "orbis_phone_jitter_target_frames",
      help: "Window of the inbound buffer in 20 ms frames (the most a missing frame holds later ones), sampled every 10 s per call",
      labelNames: ["carrier"] as const,
      buckets: [1, 2, 3, 4, 5, 6, 8, 10],
      registers: [registry],
    }),
    arrivalJitter: new Histogram({
      name: "orbis_phone_arrival_jitter_ms",
      help: "RFC 3550 interarrival jitter of carrier media, sampled every 10 s per call",
      labelNames: ["carrier"] as const,
      buckets: [1, 2, 5, 10, 20, 40, 80, 160],
      registers: [registry],
    }),
  };
}
