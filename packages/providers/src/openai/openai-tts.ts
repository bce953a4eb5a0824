import type { TtsProvider } from "@orbis/ports";
import { Pcm16Decoder, slices } from "@orbis/voice";
import { isAbortError, networkProviderError } from "../manager/errors.ts";
import { openAiClient } from "./client.ts";
import { mapOpenAiError } from "./openai-chat.ts";

export interface OpenAiTtsOptions {
  apiKey: string;
  baseURL?: string;
  /** `gpt-4o-mini-tts` by default (`tts-1` is cheaper per character, without `instructions`). */
  model?: string;
  voice?: string;
  /** Speaking style for gpt-4o-mini-tts ("warm and brief"). */
  instructions?: string;
  chunkMs?: number;
  timeoutMs?: number;
  id?: string;
  fetch?: typeof fetch;
}

export const OPENAI_TTS_VOICES = ["alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse", "marin", "cedar"];

/**
 * OpenAI speech (`POST /audio/speech`, `response_format: pcm` = raw PCM16 24 kHz mono) through the
 * SDK, one request per sentence, audio read as it streams. The fallback wrapper resamples to 16 kHz.
 */
export function createOpenAiTts(options: OpenAiTtsOptions): TtsProvider {
  const model = options.model ?? "gpt-4o-mini-tts";
  const voice = options.voice ?? "marin";
  const id = options.id ?? `openai-tts:${model}:${voice}`;
  const sampleRate = 24000;
  const maxSamples = ((options.chunkMs ?? 100) * sampleRate) / 1000;
  const client = openAiClient({ apiKey: options.apiKey, baseURL: options.baseURL, timeout: options.timeoutMs ?? 15_000, fetch: options.fetch });
  return {
    id,
    sampleRate,
    async *synthesize(text, signal) {
      const input = text.replace(/\s+/g, " ").trim();
      if (!input || signal.aborted) return;
      let res: Response;
      try {
        res = await client.audio.speech.create(
          { model, voice, input, response_format: "pcm", ...(options.instructions ? { instructions: options.instructions } : {}) },
          { signal },
        );
      } catch (err) {
        if (signal.aborted) return;
        throw mapOpenAiError(id, err);
      }
      if (!res.body) throw networkProviderError(id, new Error("no response body"));
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
    },
  };
}
