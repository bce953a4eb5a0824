import { ProviderError, type TtsProvider } from "@orbis/ports";
import { createResampler } from "@orbis/voice";
import type { Resampler } from "@orbis/voice";
import type { ChainEntry } from "./fallback-stt.ts";
import type { ProviderHealth } from "./health.ts";
import { ServedLog, StallError, failureOf, withDeadline } from "./records.ts";
import type { ProviderFailure, ServedRecord } from "./records.ts";
import type { UsageMeter } from "./usage.ts";

export interface FallbackTtsOptions {
  health: ProviderHealth;
  meter: UsageMeter;
  log?: ServedLog;
  /** Output rate; providers at another rate are resampled (default: the first provider's rate). */
  sampleRate?: number;
  /** Longest wait for a sentence's first audio. */
  firstAudioTimeoutMs?: number;
  /** Longest gap between chunks before the provider counts as stalled. */
  chunkTimeoutMs?: number;
}

/**
 * TTS with a fallback chain, per sentence. A provider that errors, gives no audio in time or stalls
 * mid-sentence is cancelled and the next one speaks the whole sentence (audio already played is not
 * taken back: the caller may hear the start of the sentence twice, in two voices, which beats silence).
 */
export class FallbackTts implements TtsProvider {
  readonly id: string;
  readonly sampleRate: number;
  readonly log: ServedLog;
  private readonly demoted = new Set<string>();

  constructor(
    private readonly chain: readonly ChainEntry<TtsProvider>[],
    private readonly options: FallbackTtsOptions,
  ) {
    if (chain.length === 0) throw new Error("FallbackTts needs at least one provider");
    const first = chain[0] as ChainEntry<TtsProvider>;
    this.sampleRate = options.sampleRate ?? first.provider.sampleRate;
    for (const c of chain) if (c.healthCheck) options.health.registerCheck(c.provider.id, c.healthCheck);
    this.id = chain.length === 1 ? first.provider.id : `fallback(${chain.map((c) => c.provider.id).join(">")})`;
    this.log = options.log ?? new ServedLog();
  }

  takeRecords(): ServedRecord[] {
    return this.log.take();
  }

  /** Providers that failed in this call go last; among the rest the breaker's order holds. */
  private order(): TtsProvider[] {
    const ordered = this.options.health.order(this.chain.map((c) => c.provider));
    return [...ordered.filter((p) => !this.demoted.has(p.id)), ...ordered.filter((p) => this.demoted.has(p.id))];
  }

  async *synthesize(text: string, signal: AbortSignal): AsyncIterable<Int16Array> {
    if (!text.trim() || signal.aborted) return;
    const tried: string[] = [];
    const failures: ProviderFailure[] = [];
    let failedAt: number | undefined;
    let switchMs: number | undefined;
    for (const provider of this.order()) {
      if (signal.aborted) return;
      tried.push(provider.id);
      this.options.meter.add(provider.id, { ttsCharacters: text.trim().length });
      const inner = new AbortController();
      const onAbort = (): void => inner.abort();
      signal.addEventListener("abort", onAbort, { once: true });
      let resampler: Resampler | undefined;
      const iterator = provider.synthesize(text, inner.signal)[Symbol.asyncIterator]();
      let chunks = 0;
      try {
        if (provider.sampleRate !== this.sampleRate) resampler = await createResampler({ inRate: provider.sampleRate, outRate: this.sampleRate });
        for (;;) {
          const ms = chunks === 0 ? (this.options.firstAudioTimeoutMs ?? 3000) : (this.options.chunkTimeoutMs ?? 2000);
          const next = await withDeadline(iterator.next(), ms, () => new StallError(provider.id, chunks === 0 ? "timeout" : "stall", ms));
          if (next.done || signal.aborted) break;
          if (chunks === 0 && failedAt !== undefined) switchMs = performance.now() - failedAt;
          chunks++;
          const pcm = resampler ? resampler.process(next.value) : next.value;
          if (pcm.length) yield pcm;
          if (signal.aborted) break;
        }
        if (chunks === 0 && !signal.aborted && /[\p{L}\p{N}]/u.test(text))
          throw new ProviderError(`${provider.id}: no audio for "${text.slice(0, 40)}"`, { provider: provider.id, retryable: true });
        this.options.health.recordSuccess(provider.id);
        if (!signal.aborted)
          this.log.push({ capability: "tts", servedBy: provider.id, tried, failures, at: Date.now(), ...(switchMs !== undefined ? { switchMs } : {}) });
        return;
      } catch (err) {
        if (signal.aborted) return;
        failedAt ??= performance.now();
        this.demoted.add(provider.id);
        this.options.health.recordFailure(provider.id, err);
        failures.push(failureOf(provider.id, err, err instanceof StallError ? err.kind : "error"));
      } finally {
        signal.removeEventListener("abort", onAbort);
        inner.abort();
        void iterator.return?.()?.catch(() => {});
        resampler?.free();
      }
    }
    this.log.push({ capability: "tts", servedBy: null, tried, failures, at: Date.now() });
    throw new ProviderError(`every TTS provider failed: ${failures.map((f) => f.message).join("; ")}`, { provider: this.id, retryable: true });
  }

  close(): void {
    for (const c of this.chain) c.provider.close?.();
  }
}
