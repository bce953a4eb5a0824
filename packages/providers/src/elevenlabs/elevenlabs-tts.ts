import { z } from "zod";
import { ProviderError, type TtsProvider } from "@orbis/ports";
import { Pcm16Decoder, slices } from "@orbis/voice";
import { AsyncQueue } from "../manager/async-queue.ts";
import { protocolProviderError } from "../manager/errors.ts";
import { closeProviderError, openWebSocket } from "../manager/ws.ts";

export interface ElevenLabsTtsOptions {
  apiKey: string;
  voiceId: string;
  /** `wss://api.elevenlabs.io` by default. */
  baseUrl?: string;
  modelId?: string;
  /** pcm_16000 | pcm_22050 | pcm_24000 | pcm_44100; 16 kHz matches the pipeline. */
  sampleRate?: 16000 | 22050 | 24000 | 44100;
  voiceSettings?: { stability?: number; similarity_boost?: number; style?: number; use_speaker_boost?: boolean; speed?: number };
  chunkMs?: number;
  connectTimeoutMs?: number;
  id?: string;
}

const serverMessageSchema = z.union([
  z.object({ audio: z.string().nullable(), isFinal: z.boolean().nullish(), normalizedAlignment: z.unknown().optional(), alignment: z.unknown().optional() }),
  z.object({ isFinal: z.literal(true) }),
  z.object({ message: z.string(), error: z.string().optional(), code: z.number().optional() }),
]);

/**
 * ElevenLabs `stream-input` WebSocket: one socket per sentence (init → text with flush → `{"text":""}`),
 * base64 PCM back until `isFinal`. The text arrives whole because the brain hands over sentences.
 */
export function createElevenLabsTts(options: ElevenLabsTtsOptions): TtsProvider {
  const model = options.modelId ?? "eleven_flash_v2_5";
  const id = options.id ?? `elevenlabs:${options.voiceId}`;
  const sampleRate = options.sampleRate ?? 16000;
  const base = (options.baseUrl ?? "wss://api.elevenlabs.io").replace(/\/+$/, "");
  const url = `${base}/v1/text-to-speech/${encodeURIComponent(options.voiceId)}/stream-input?${new URLSearchParams({ model_id: model, output_format: `pcm_${sampleRate}` }).toString()}`;
  const maxSamples = ((options.chunkMs ?? 100) * sampleRate) / 1000;
  return {
    id,
    sampleRate,
    async *synthesize(text, signal) {
      const clean = text.replace(/\s+/g, " ").trim();
      if (!clean || signal.aborted) return;
      let ws;
      try {
        ws = await openWebSocket(id, url, { "xi-api-key": options.apiKey }, { timeoutMs: options.connectTimeoutMs, signal });
      } catch (err) {
        if (signal.aborted) return;
        throw err;
      }
      const queue = new AsyncQueue<Int16Array>();
      const decoder = new Pcm16Decoder();
      let finished = false;
      ws.on("message", (data) => {
        let parsed;
        try {
          parsed = serverMessageSchema.safeParse(JSON.parse(data.toString()));
        } catch (err) {
          return queue.fail(protocolProviderError(id, data.toString(), err));
        }
        if (!parsed.success) return queue.fail(protocolProviderError(id, data.toString(), parsed.error));
        const msg = parsed.data;
        if ("message" in msg) {
          return queue.fail(
            new ProviderError(`${id}: ${msg.message}`, { provider: id, retryable: !/auth|api key|quota|invalid/i.test(`${msg.error ?? ""} ${msg.message}`) }),
          );
        }
        if ("audio" in msg && msg.audio) queue.push(decoder.decode(Buffer.from(msg.audio, "base64")));
        if (msg.isFinal) {
          finished = true;
          queue.end();
        }
      });
      ws.on("error", () => {});
      ws.on("close", (code, reason) => {
        if (finished || signal.aborted) return queue.end();
        queue.fail(closeProviderError(id, code, reason.toString()));
      });
      const onAbort = (): void => queue.end();
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        ws.send(JSON.stringify({ text: " ", voice_settings: { stability: 0.5, similarity_boost: 0.8, ...options.voiceSettings } }));
        ws.send(JSON.stringify({ text: `${clean} `, try_trigger_generation: false, flush: true }));
        ws.send(JSON.stringify({ text: "" }));
        for await (const pcm of queue) {
          for (const piece of slices(pcm, maxSamples)) {
            if (signal.aborted) return;
            yield piece;
          }
        }
      } finally {
        signal.removeEventListener("abort", onAbort);
        ws.removeAllListeners("message");
        if (finished) ws.close(1000);
        else ws.terminate();
      }
    },
  };
}
