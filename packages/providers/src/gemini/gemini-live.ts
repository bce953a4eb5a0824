import { Modality } from "@google/genai";
import type { GoogleGenAI, LiveConnectConfig, Schema, Session } from "@google/genai";
import { z } from "zod";
import { ProviderError, type ToolSpec, type RealtimeEvent, type RealtimeProvider, type RealtimeSession } from "@orbis/ports";
import { AsyncQueue } from "../manager/async-queue.ts";
import { networkProviderError, protocolProviderError } from "../manager/errors.ts";
import { closeProviderError } from "../manager/ws.ts";
import { genAiClient } from "./client.ts";

/** The prebuilt voices of the Live models. */
export const GEMINI_VOICES = [
  "Zephyr",
  "Puck",
  "Charon",
  "Kore",
  "Fenrir",
  "Leda",
  "Orus",
  "Aoede",
  "Callirrhoe",
  "Autonoe",
  "Enceladus",
  "Iapetus",
  "Umbriel",
  "Algieba",
  "Despina",
  "Erinome",
  "Algenib",
  "Rasalgethi",
  "Laomedeia",
  "Achernar",
  "Alnilam",
  "Schedar",
  "Gacrux",
  "Pulcherrima",
  "Achird",
  "Zubenelgenubi",
  "Vindemiatrix",
  "Sadachbia",
  "Sadaltager",
  "Sulafat",
];

export interface GeminiLiveOptions {
  apiKey: string;
  /** `https://generativelanguage.googleapis.com` by default; the SDK turns http(s) into ws(s). */
  baseUrl?: string;
  model?: string;
  /** One of the 30 prebuilt voices (Kore, Puck, Charon, …). */
  voice?: string;
  languageCode?: string;
  /** Server VAD: silence that ends the caller's turn. */
  silenceDurationMs?: number;
  connectTimeoutMs?: number;
  id?: string;
}

/** Gemini function declarations use an OpenAPI-style Schema (upper-case types); ours are JSON Schema. */
export function toGeminiSchema(schema: unknown): Record<string, unknown> {
  if (!schema || typeof schema !== "object") return { type: "STRING" };
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  if (typeof type === "string") out.type = type.toUpperCase();
  if (Array.isArray(s.type) && s.type.includes("null")) out.nullable = true;
  if (typeof s.description === "string") out.description = s.description;
  if (Array.isArray(s.enum)) out.enum = s.enum.map(String);
  if (typeof s.format === "string" && ["date-time", "enum"].includes(s.format)) out.format = s.format;
  if (s.properties && typeof s.properties === "object")
    out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, toGeminiSchema(v)]));
  if (Array.isArray(s.required)) out.required = s.required;
  if (s.items) out.items = toGeminiSchema(s.items);
  if (Array.isArray(s.anyOf)) out.anyOf = s.anyOf.map(toGeminiSchema);
  return out;
}

const serverMessageSchema = z
  .object({
    setupComplete: z.object({}).loose().optional(),
    serverContent: z
      .object({
        modelTurn: z
          .object({
            parts: z
              .array(z.object({ inlineData: z.object({ mimeType: z.string().optional(), data: z.string() }).optional(), text: z.string().optional() }).loose())
              .optional(),
          })
          .optional(),
        inputTranscription: z.object({ text: z.string().optional(), finished: z.boolean().optional() }).optional(),
        outputTranscription: z.object({ text: z.string().optional(), finished: z.boolean().optional() }).optional(),
        interrupted: z.boolean().optional(),
        generationComplete: z.boolean().optional(),
        turnComplete: z.boolean().optional(),
      })
      .loose()
      .optional(),
    toolCall: z
      .object({
        functionCalls: z.array(z.object({ id: z.string().optional(), name: z.string(), args: z.record(z.string(), z.unknown()).optional() })).optional(),
      })
      .optional(),
    toolCallCancellation: z.object({ ids: z.array(z.string()).optional() }).optional(),
    sessionResumptionUpdate: z.object({ newHandle: z.string().optional(), resumable: z.boolean().optional() }).optional(),
    goAway: z.object({ timeLeft: z.string().optional() }).optional(),
    usageMetadata: z.unknown().optional(),
  })
  .loose();

function pcmToBase64(pcm: Int16Array): string {
  const buf = Buffer.allocUnsafe(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) buf.writeInt16LE(pcm[i] ?? 0, i * 2);
  return buf.toString("base64");
}

function base64ToPcm(b64: string): Int16Array {
  const buf = Buffer.from(b64, "base64");
  const out = new Int16Array(buf.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(i * 2);
  return out;
}

const rateOf = (mime: string | undefined): number => Number(/rate=(\d+)/.exec(mime ?? "")?.[1] ?? 24000);

/**
 * Gemini Live speech-to-speech through `@google/genai` `ai.live.connect`: 16 kHz PCM in, 24 kHz out,
 * server VAD, tool calls, barge-in (`interrupted`), input/output transcripts, and transparent
 * reconnection on `goAway` with the latest session-resumption handle.
 */
export function createGeminiLive(options: GeminiLiveOptions): RealtimeProvider {
  const model = options.model ?? "gemini-2.5-flash-native-audio-preview-09-2025";
  const id = options.id ?? `gemini-live:${model}`;
  const ai = genAiClient({ apiKey: options.apiKey, baseUrl: options.baseUrl });
  return {
    id,
    inputSampleRate: 16000,
    async connect(request, signal) {
      const session = new GeminiLiveSession(id, ai, model, buildConfig(options, request), options.connectTimeoutMs ?? 10_000);
      await session.open(undefined, signal);
      return session;
    },
  };
}

function buildConfig(options: GeminiLiveOptions, request: { instructions: string; tools?: ToolSpec[]; voice?: string }): LiveConnectConfig {
  return {
    responseModalities: [Modality.AUDIO],
    speechConfig: {
      voiceConfig: { prebuiltVoiceConfig: { voiceName: request.voice ?? options.voice ?? "Kore" } },
      ...(options.languageCode ? { languageCode: options.languageCode } : {}),
    },
    systemInstruction: { parts: [{ text: request.instructions }], role: "user" },
    ...(request.tools?.length
      ? {
          tools: [
            {
              functionDeclarations: request.tools.map((t) => ({
                name: t.name,
                description: t.description,
                parameters: toGeminiSchema(t.parameters) as Schema,
              })),
            },
          ],
        }
      : {}),
    inputAudioTranscription: {},
    outputAudioTranscription: {},
    realtimeInputConfig: { automaticActivityDetection: { disabled: false, silenceDurationMs: options.silenceDurationMs ?? 500 } },
    contextWindowCompression: { slidingWindow: {} },
  };
}

class GeminiLiveSession implements RealtimeSession {
  private readonly queue = new AsyncQueue<RealtimeEvent>();
  private live: Session | null = null;
  private handle: string | undefined;
  private reconnecting: Promise<void> | null = null;
  private readonly held: Int16Array[] = [];
  private readonly toolNames = new Map<string, string>();
  private userText = "";
  private agentText = "";
  private closed = false;
  /** Bumped per connection, so the close of a connection replaced after goAway is ignored. */
  private generation = 0;
  /** Seconds of caller audio sent (billing: realtime seconds). */
  inputSeconds = 0;

  constructor(
    private readonly id: string,
    private readonly ai: GoogleGenAI,
    private readonly model: string,
    private readonly config: LiveConnectConfig,
    private readonly timeoutMs: number,
  ) {}

  /** Connects (or reconnects with a resumption handle); resolves after `setupComplete`. */
  async open(handle: string | undefined, signal?: AbortSignal): Promise<void> {
    const gen = ++this.generation;
    let settled = false;
    let rejectOpen: (e: ProviderError) => void = () => {};
    const failed = new Promise<never>((_, reject) => (rejectOpen = reject));
    const connecting = this.ai.live.connect({
      model: this.model,
      config: { ...this.config, sessionResumption: handle ? { handle } : {} },
      callbacks: {
        onmessage: (msg) => this.onMessage(msg),
        onerror: () => {},
        onclose: (e: { code: number; reason: string }) => {
          if (!settled) return rejectOpen(closeProviderError(this.id, e.code, e.reason));
          if (gen !== this.generation || this.closed || this.reconnecting) return;
          if (e.code === 1000) return this.queue.end();
          this.queue.push({ type: "error", error: closeProviderError(this.id, e.code, e.reason) });
          this.queue.end();
        },
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => rejectOpen(new ProviderError(`${this.id}: connect aborted`, { provider: this.id, retryable: false }));
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      this.live = await Promise.race([
        connecting.catch((err: unknown) => {
          throw networkProviderError(this.id, err);
        }),
        failed,
        new Promise<never>(
          (_, reject) =>
            (timer = setTimeout(
              () => reject(new ProviderError(`${this.id}: no setupComplete within ${this.timeoutMs} ms`, { provider: this.id, retryable: true })),
              this.timeoutMs,
            )),
        ),
      ]);
      settled = true;
    } catch (err) {
      void connecting.then((s) => s.close()).catch(() => {});
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  private onMessage(raw: unknown): void {
    const parsed = serverMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.queue.push({ type: "error", error: protocolProviderError(this.id, JSON.stringify(raw), parsed.error) });
      return;
    }
    const msg = parsed.data;
    const content = msg.serverContent;
    if (content?.inputTranscription?.text) {
      this.userText += content.inputTranscription.text;
      this.queue.push({ type: "transcript", role: "user", text: this.userText.trim(), final: false });
    }
    if (content?.inputTranscription?.finished) this.flushUser();
    if (content?.modelTurn?.parts?.length) {
      this.flushUser();
      for (const part of content.modelTurn.parts) {
        if (part.inlineData?.data) this.queue.push({ type: "audio", pcm: base64ToPcm(part.inlineData.data), sampleRate: rateOf(part.inlineData.mimeType) });
      }
    }
    if (content?.outputTranscription?.text) {
      this.agentText += content.outputTranscription.text;
      this.queue.push({ type: "transcript", role: "agent", text: this.agentText.trim(), final: false });
    }
    if (content?.interrupted) {
      this.queue.push({ type: "interrupted" });
      this.flushAgent();
    }
    if (content?.turnComplete) {
      this.flushUser();
      this.flushAgent();
    }
    for (const call of msg.toolCall?.functionCalls ?? []) {
      this.flushUser();
      const callId = call.id ?? `fc_${this.toolNames.size + 1}`;
      this.toolNames.set(callId, call.name);
      this.queue.push({ type: "tool-call", id: callId, name: call.name, args: call.args ?? {} });
    }
    if (msg.sessionResumptionUpdate?.resumable && msg.sessionResumptionUpdate.newHandle) this.handle = msg.sessionResumptionUpdate.newHandle;
    if (msg.goAway) void this.reconnect();
  }

  private flushUser(): void {
    if (!this.userText.trim()) return;
    this.queue.push({ type: "transcript", role: "user", text: this.userText.trim(), final: true });
    this.userText = "";
  }

  private flushAgent(): void {
    if (!this.agentText.trim()) return;
    this.queue.push({ type: "transcript", role: "agent", text: this.agentText.trim(), final: true });
    this.agentText = "";
  }

  /** goAway: the server will close soon. Resume on a new connection; audio sent meanwhile is held and replayed. */
  private reconnect(): Promise<void> {
    if (this.reconnecting || this.closed) return this.reconnecting ?? Promise.resolve();
    const old = this.live;
    this.reconnecting = (async () => {
      try {
        await this.open(this.handle);
        old?.close();
        for (const pcm of this.held.splice(0)) this.sendNow(pcm);
      } catch (err) {
        this.queue.push({ type: "error", error: err instanceof ProviderError ? err : networkProviderError(this.id, err) });
        this.queue.end();
      } finally {
        this.reconnecting = null;
      }
    })();
    return this.reconnecting;
  }

  private sendNow(pcm: Int16Array): void {
    this.live?.sendRealtimeInput({ audio: { data: pcmToBase64(pcm), mimeType: "audio/pcm;rate=16000" } });
  }

  sendAudio(pcm: Int16Array): void {
    if (this.closed) return;
    this.inputSeconds += pcm.length / 16000;
    if (this.reconnecting) this.held.push(pcm.slice());
    else this.sendNow(pcm);
  }

  /** Typed input or a cue (call connected): `realtimeInput.text`, which every Live model takes mid-session. */
  sendText(text: string): void {
    if (this.closed || !text.trim()) return;
    this.flushUser();
    this.live?.sendRealtimeInput({ text });
  }

  sendToolResult(callId: string, result: unknown): void {
    if (this.closed) return;
    const response = result && typeof result === "object" && !Array.isArray(result) ? (result as Record<string, unknown>) : { result };
    this.live?.sendToolResponse({ functionResponses: [{ id: callId, name: this.toolNames.get(callId) ?? "", response }] });
  }

  events(): AsyncIterable<RealtimeEvent> {
    return this.queue;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.live?.close();
    this.queue.end();
  }
}
