import type WebSocket from "ws";
import { z } from "zod";
import { ProviderError, type SttHandlers, type SttProvider, type SttStream } from "@orbis/ports";
import { pcmToBuffer } from "@orbis/voice";
import { protocolProviderError } from "../manager/errors.ts";
import { closeProviderError, openWebSocket } from "../manager/ws.ts";

export interface DeepgramSttOptions {
  apiKey: string;
  /** `wss://api.deepgram.com` by default; tests point it at a loopback emulator (`ws://127.0.0.1:port`). */
  baseUrl?: string;
  model?: string;
  language?: string;
  /** Deepgram's own endpointing (ms of silence before `speech_final`); our turn-taker decides turns, this only shapes segments. */
  endpointingMs?: number;
  /** UtteranceEnd after this much silence between words (needs interim results; ≥ 1000). */
  utteranceEndMs?: number;
  keyterms?: string[];
  smartFormat?: boolean;
  /** KeepAlive is sent when no audio went out for this long (the server closes after 10 s). */
  keepAliveMs?: number;
  /** How long `endUtterance` waits for the `from_finalize` result before calling the provider stalled. */
  finalizeTimeoutMs?: number;
  connectTimeoutMs?: number;
  id?: string;
}

const wordSchema = z.object({ word: z.string(), start: z.number(), end: z.number(), confidence: z.number().optional() });
const resultsSchema = z.object({
  type: z.literal("Results"),
  is_final: z.boolean().default(false),
  speech_final: z.boolean().default(false),
  from_finalize: z.boolean().default(false),
  start: z.number().optional(),
  duration: z.number().optional(),
  channel: z.object({ alternatives: z.array(z.object({ transcript: z.string(), confidence: z.number().optional(), words: z.array(wordSchema).optional() })) }),
});
const serverMessageSchema = z.discriminatedUnion("type", [
  resultsSchema,
  z.object({ type: z.literal("UtteranceEnd"), last_word_end: z.number().optional() }),
  z.object({ type: z.literal("SpeechStarted"), timestamp: z.number().optional() }),
  z.object({ type: z.literal("Metadata"), request_id: z.string().optional(), duration: z.number().optional() }),
  z.object({ type: z.literal("Error"), description: z.string().optional(), message: z.string().optional() }),
]);

interface Pending {
  /** Results for an aborted utterance are read and thrown away. */
  drop: boolean;
  resolve(text: string): void;
  reject(err: ProviderError): void;
}

/**
 * Deepgram streaming STT (`/v1/listen`, linear16 16 kHz). One socket per call; utterances are cut by
 * our turn-taker: `endUtterance` sends `Finalize` and waits for the `from_finalize` result, joining
 * the `is_final` segments heard since the previous utterance. Results arrive in order, so every result
 * before a `from_finalize` belongs to the utterance at the head of the pending queue.
 */
export function createDeepgramStt(options: DeepgramSttOptions): SttProvider {
  const id = options.id ?? `deepgram:${options.model ?? "nova-3"}`;
  const base = (options.baseUrl ?? "wss://api.deepgram.com").replace(/\/+$/, "");
  const params = new URLSearchParams({
    model: options.model ?? "nova-3",
    language: options.language ?? "en",
    encoding: "linear16",
    sample_rate: "16000",
    channels: "1",
    interim_results: "true",
    endpointing: String(options.endpointingMs ?? 300),
    utterance_end_ms: String(options.utteranceEndMs ?? 1000),
    vad_events: "true",
    smart_format: String(options.smartFormat ?? true),
  });
  for (const k of options.keyterms ?? []) params.append("keyterm", k);
  const url = `${base}/v1/listen?${params.toString()}`;

  return {
    id,
    sampleRate: 16000,
    async createStream(handlers: SttHandlers = {}): Promise<SttStream> {
      const ws = await openWebSocket(id, url, { Authorization: `Token ${options.apiKey}` }, { timeoutMs: options.connectTimeoutMs });
      return new DeepgramStream(id, ws, handlers, options);
    },
  };
}

class DeepgramStream implements SttStream {
  private segments: string[] = [];
  private readonly pending: Pending[] = [];
  private audioSinceFinalize = false;
  private lastSentAt = Date.now();
  private failed: ProviderError | null = null;
  private closed = false;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    private readonly id: string,
    private readonly ws: WebSocket,
    private readonly handlers: SttHandlers,
    private readonly options: DeepgramSttOptions,
  ) {
    const every = options.keepAliveMs ?? 4000;
    this.keepAlive = setInterval(() => {
      if (Date.now() - this.lastSentAt >= every) this.sendJson({ type: "KeepAlive" });
    }, every);
    this.keepAlive.unref();
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      this.onMessage(data.toString());
    });
    ws.on("error", () => {}); // the close event carries the outcome
    ws.on("close", (code, reason) => {
      clearInterval(this.keepAlive);
      if (this.closed) return;
      this.fail(closeProviderError(id, code, reason.toString()));
    });
  }

  private sendJson(msg: Record<string, unknown>): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(JSON.stringify(msg));
    this.lastSentAt = Date.now();
  }

  private fail(err: ProviderError): void {
    if (this.failed) return;
    this.failed = err;
    for (const p of this.pending.splice(0)) p.reject(err);
  }

  private onMessage(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      this.fail(protocolProviderError(this.id, text, err));
      return;
    }
    const parsed = serverMessageSchema.safeParse(json);
    // Types this client does not know (new features, warnings) are ignored, not fatal.
    if (!parsed.success) {
      if (typeof json === "object" && json && "type" in json && !["Results", "UtteranceEnd", "SpeechStarted", "Metadata", "Error"].includes(String(json.type)))
        return;
      this.fail(protocolProviderError(this.id, text, parsed.error));
      return;
    }
    const msg = parsed.data;
    if (msg.type === "Error") {
      this.fail(new ProviderError(`${this.id}: ${msg.description ?? msg.message ?? "error"}`, { provider: this.id, retryable: true }));
      return;
    }
    if (msg.type !== "Results") return;
    const head = this.pending[0];
    const transcript = msg.channel.alternatives[0]?.transcript.trim() ?? "";
    if (head?.drop) {
      if (msg.from_finalize) this.pending.shift();
      return;
    }
    if (msg.is_final && transcript) this.segments.push(transcript);
    if (msg.from_finalize && head) {
      this.pending.shift();
      const text = this.segments.join(" ");
      this.segments = [];
      head.resolve(text);
      return;
    }
    const partial = msg.is_final ? this.segments.join(" ") : [...this.segments, transcript].filter(Boolean).join(" ");
    if (partial && this.handlers.onPartial) this.handlers.onPartial(partial);
  }

  /** Set once the socket failed; the fallback wrapper polls it to switch before the turn ends. */
  get failure(): ProviderError | null {
    return this.failed;
  }

  push(pcm: Int16Array): void {
    if (this.closed || this.failed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(pcmToBuffer(pcm));
    this.lastSentAt = Date.now();
    this.audioSinceFinalize = true;
  }

  /** Sends Finalize and queues who gets the `from_finalize` result. */
  private finalize(drop: boolean): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.pending.push({ drop, resolve, reject });
      this.audioSinceFinalize = false;
      this.sendJson({ type: "Finalize" });
    });
  }

  async endUtterance(signal?: AbortSignal): Promise<string> {
    if (this.failed) throw this.failed;
    if (this.closed) return "";
    if (signal?.aborted) {
      this.abort();
      return "";
    }
    if (!this.audioSinceFinalize) {
      const text = this.segments.join(" ");
      this.segments = [];
      return text;
    }
    const result = this.finalize(false);
    const entry = this.pending.at(-1) as Pending;
    const timeoutMs = this.options.finalizeTimeoutMs ?? 3000;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      return await Promise.race([
        result,
        new Promise<string>((_, reject) => {
          timer = setTimeout(() => {
            entry.drop = true;
            reject(new ProviderError(`${this.id}: no final result within ${timeoutMs} ms`, { provider: this.id, retryable: true }));
          }, timeoutMs);
        }),
        new Promise<string>((resolve) => {
          onAbort = () => {
            entry.drop = true;
            this.segments = [];
            resolve("");
          };
          signal?.addEventListener("abort", onAbort, { once: true });
        }),
      ]);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    }
  }

  abort(): void {
    this.segments = [];
    if (this.closed || this.failed || !this.audioSinceFinalize) return;
    void this.finalize(true).catch(() => {});
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    for (const p of this.pending.splice(0)) p.resolve("");
    if (this.ws.readyState === this.ws.OPEN) {
      this.ws.send(JSON.stringify({ type: "CloseStream" }));
      // The server flushes, sends Metadata and closes with 1000; don't wait on a server that never does.
      setTimeout(() => this.ws.terminate(), 2000).unref();
    } else this.ws.terminate();
  }
}
