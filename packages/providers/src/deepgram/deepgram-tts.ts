import type { TtsProvider } from "@orbis/ports";
import { Pcm16Decoder, slices } from "@orbis/voice";
import { httpProviderError, isAbortError, networkProviderError } from "../manager/errors.ts";

export interface DeepgramTtsOptions {
  apiKey: string;
  /** `https://api.deepgram.com` by default. */
  baseUrl?: string;
  /** Aura voice model, e.g. `aura-2-thalia-en`. */
  voice?: string;
  /** 8000 | 16000 | 24000 | 32000 | 48000; 16 kHz matches the pipeline and needs no resampling. */
  sampleRate?: number;
  /** Longest chunk yielded (ms), so an abort takes effect quickly. */
  chunkMs?: number;
  timeoutMs?: number;
  id?: string;
  fetch?: typeof fetch;
}

/**
 * Deepgram Aura over HTTP streaming (`POST /v1/speak`, raw linear16, no container): one request per
 * sentence, audio read as it arrives. Stateless, so an abort is just cancelling the request.
 */
export function createDeepgramTts(options: DeepgramTtsOptions): TtsProvider {
  const voice = options.voice ?? "aura-2-thalia-en";
  const id = options.id ?? `deepgram-aura:${voice}`;
  const sampleRate = options.sampleRate ?? 16000;
  const base = (options.baseUrl ?? "https://api.deepgram.com").replace(/\/+$/, "");
  const url = `${base}/v1/speak?${new URLSearchParams({ model: voice, encoding: "linear16", sample_rate: String(sampleRate), container: "none" }).toString()}`;
  const maxSamples = ((options.chunkMs ?? 100) * sampleRate) / 1000;
  const doFetch = options.fetch ?? fetch;
  return {
    id,
    sampleRate,
    async *synthesize(text, signal) {
      const clean = text.replace(/\s+/g, " ").trim();
      if (!clean || signal.aborted) return;
      const controller = new AbortController();
      const onAbort = (): void => controller.abort();
      signal.addEventListener("abort", onAbort, { once: true });
      const timeout = setTimeout(() => controller.abort(new Error("timeout")), options.timeoutMs ?? 15_000);
      try {
        let res: Response;
        try {
          res = await doFetch(url, {
            method: "POST",
            headers: { Authorization: `Token ${options.apiKey}`, "Content-Type": "application/json" },
            body: JSON.stringify({ text: clean }),
            signal: controller.signal,
          });
        } catch (err) {
          if (signal.aborted) return;
          throw networkProviderError(id, err);
        }
        if (!res.ok || !res.body) throw httpProviderError(id, res.status, await res.text().catch(() => ""));
        const decoder = new Pcm16Decoder();
        const reader = res.body.getReader();
        try {
          for (;;) {
            let next: ReadableStreamReadResult<Uint8Array>;
            try {
              next = await reader.read();
            } catch (err) {
              if (signal.aborted || isAbortError(err)) return;
              throw networkProviderError(id, err);
            }
            if (next.done) return;
            for (const piece of slices(decoder.decode(Buffer.from(next.value)), maxSamples)) {
              if (signal.aborted) return;
              yield piece;
            }
          }
        } finally {
          void reader.cancel().catch(() => {});
        }
      } finally {
        clearTimeout(timeout);
        signal.removeEventListener("abort", onAbort);
        controller.abort();
      }
    },
  };
}
