import { OpenAIRealtimeWS } from "openai/realtime/ws";
import { z } from "zod";
import { ProviderError, type ToolSpec, type RealtimeEvent, type RealtimeProvider, type RealtimeSession } from "@orbis/ports";
import { AsyncQueue } from "../manager/async-queue.ts";
import { protocolProviderError } from "../manager/errors.ts";
import { closeProviderError } from "../manager/ws.ts";
import { openAiClient } from "./client.ts";

export interface OpenAiRealtimeOptions {
  apiKey: string;
  /** `https://api.openai.com/v1` by default; the SDK builds `wss://…/realtime?model=` from it (always wss). */
  baseURL?: string;
  model?: string;
  /** alloy ash ballad coral echo sage shimmer verse marin cedar */
  voice?: string;
  silenceDurationMs?: number;
  transcriptionModel?: string;
  /** Extra CA certificate to trust (a self-hosted gateway or a test emulator with a self-signed cert). */
  ca?: string;
  connectTimeoutMs?: number;
  id?: string;
}

export const OPENAI_REALTIME_VOICES = ["alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar"];

const eventSchema = z
  .object({
    type: z.string(),
    delta: z.string().optional(),
    transcript: z.string().optional(),
    call_id: z.string().optional(),
    name: z.string().optional(),
    arguments: z.string().optional(),
    response: z.object({ id: z.string().optional(), status: z.string().optional() }).loose().optional(),
    error: z.object({ type: z.string().optional(), code: z.string().nullish(), message: z.string() }).loose().optional(),
  })
  .loose();

/** Error codes the same request can succeed on later. */
const RETRYABLE_CODES = new Set(["session_expired", "rate_limit_exceeded", "server_error", "internal_error"]);

/**
 * OpenAI Realtime (GA interface) through the SDK's `OpenAIRealtimeWS`: PCM16 24 kHz both ways,
 * server VAD with `interrupt_response`, input transcription, function calling (outputs are sent as
 * `function_call_output` items and one `response.create` follows once every call of the response
 * has its output).
 */
export function createOpenAiRealtime(options: OpenAiRealtimeOptions): RealtimeProvider {
  const model = options.model ?? "gpt-realtime";
  const id = options.id ?? `openai-realtime:${model}`;
  return {
    id,
    inputSampleRate: 24000,
    async connect(request, signal) {
      const client = openAiClient({ apiKey: options.apiKey, baseURL: options.baseURL });
      const rt = new OpenAIRealtimeWS({ model, options: options.ca ? { ca: options.ca } : {} }, client);
      const session = new OpenAiRealtimeSession(id, rt);
      await session.open(sessionUpdate(options, request), options.connectTimeoutMs ?? 10_000, signal);
      return session;
    },
  };
}

function sessionUpdate(options: OpenAiRealtimeOptions, request: { instructions: string; tools?: ToolSpec[]; voice?: string }): Record<string, unknown> {
  const voice = request.voice && OPENAI_REALTIME_VOICES.includes(request.voice) ? request.voice : (options.voice ?? "marin");
  return {
    type: "session.update",
    session: {
      type: "realtime",
      instructions: request.instructions,
      output_modalities: ["audio"],
      audio: {
        input: {
          format: { type: "audio/pcm", rate: 24000 },
          turn_detection: {
            type: "server_vad",
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: options.silenceDurationMs ?? 500,
            create_response: true,
            interrupt_response: true,
          },
          transcription: { model: options.transcriptionModel ?? "gpt-4o-mini-transcribe" },
        },
        output: { format: { type: "audio/pcm", rate: 24000 }, voice },
      },
      tools: (request.tools ?? []).map((t) => ({ type: "function", name: t.name, description: t.description, parameters: t.parameters })),
      tool_choice: "auto",
    },
  };
}

class OpenAiRealtimeSession implements RealtimeSession {
  private readonly queue = new AsyncQueue<RealtimeEvent>();
  private responding = false;
  /** Function calls of the current response still waiting for their output. */
  private readonly awaiting = new Set<string>();
  private responseDone = false;
  private agentText = "";
  private closed = false;
  inputSeconds = 0;

  constructor(
    private readonly id: string,
    private readonly rt: OpenAIRealtimeWS,
  ) {}

  open(update: Record<string, unknown>, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const fail = (err: ProviderError): void => {
        clearTimeout(timer);
        if (ready) return;
        ready = true;
        this.rt.socket.terminate();
        reject(err);
      };
      const timer = setTimeout(
        () => fail(new ProviderError(`${this.id}: no session.updated within ${timeoutMs} ms`, { provider: this.id, retryable: true })),
        timeoutMs,
      );
      signal?.addEventListener("abort", () => fail(new ProviderError(`${this.id}: connect aborted`, { provider: this.id, retryable: false })), { once: true });
      this.rt.socket.on("unexpected-response", (_req, res) =>
        fail(
          new ProviderError(`${this.id}: HTTP ${res.statusCode}`, {
            provider: this.id,
            status: res.statusCode,
            retryable: (res.statusCode ?? 500) >= 500 || res.statusCode === 429,
          }),
        ),
      );
      this.rt.socket.on("open", () => this.rt.send(update as never));
      this.rt.socket.on("close", (code, reason) => {
        if (!ready) return fail(closeProviderError(this.id, code, reason.toString()));
        if (this.closed) return;
        if (code !== 1000) this.queue.push({ type: "error", error: closeProviderError(this.id, code, reason.toString()) });
        this.queue.end();
      });
      this.rt.on("error", (err) => {
        const code = err.error?.code ?? "";
        const error = new ProviderError(`${this.id}: ${err.message}`, { provider: this.id, retryable: RETRYABLE_CODES.has(code) || !err.error, cause: err });
        if (!ready) return fail(error);
        this.queue.push({ type: "error", error });
      });
      this.rt.on("event", (raw) => {
        if (!ready && raw.type === "session.updated") {
          ready = true;
          clearTimeout(timer);
          resolve();
          return;
        }
        this.onEvent(raw);
      });
    });
  }

  private onEvent(raw: unknown): void {
    const parsed = eventSchema.safeParse(raw);
    if (!parsed.success) {
      this.queue.push({ type: "error", error: protocolProviderError(this.id, JSON.stringify(raw), parsed.error) });
      return;
    }
    const ev = parsed.data;
    switch (ev.type) {
      case "response.created":
        this.responding = true;
        this.responseDone = false;
        return;
      case "response.output_audio.delta":
        if (ev.delta) this.queue.push({ type: "audio", pcm: base64ToPcm(ev.delta), sampleRate: 24000 });
        return;
      case "response.output_audio_transcript.delta":
        this.agentText += ev.delta ?? "";
        this.queue.push({ type: "transcript", role: "agent", text: this.agentText.trim(), final: false });
        return;
      case "response.output_audio_transcript.done":
        this.flushAgent(ev.transcript);
        return;
      case "conversation.item.input_audio_transcription.delta":
        if (ev.delta) this.queue.push({ type: "transcript", role: "user", text: ev.delta, final: false });
        return;
      case "conversation.item.input_audio_transcription.completed":
        this.queue.push({ type: "transcript", role: "user", text: (ev.transcript ?? "").trim(), final: true });
        return;
      case "input_audio_buffer.speech_started":
        // Server VAD with interrupt_response cancels the response itself; we only tell the pipeline to flush playback.
        if (this.responding) {
          this.queue.push({ type: "interrupted" });
          this.flushAgent();
        }
        return;
      case "response.function_call_arguments.done": {
        const callId = ev.call_id ?? "";
        this.awaiting.add(callId);
        let args: unknown = {};
        try {
          args = JSON.parse(ev.arguments ?? "{}");
        } catch {
          args = { _unparsed: ev.arguments };
        }
        this.queue.push({ type: "tool-call", id: callId, name: ev.name ?? "", args });
        return;
      }
      case "response.done":
        this.responding = false;
        this.responseDone = true;
        this.maybeContinue();
        return;
      default:
        return;
    }
  }

  private flushAgent(done?: string): void {
    const text = (done ?? this.agentText).trim();
    this.agentText = "";
    if (text) this.queue.push({ type: "transcript", role: "agent", text, final: true });
  }

  /** After a response with function calls, ask for the next one once every output is in. */
  private maybeContinue(): void {
    if (this.responseDone && this.awaiting.size === 0 && this.pendingOutputs > 0) {
      this.pendingOutputs = 0;
      this.rt.send({ type: "response.create" });
    }
  }

  private pendingOutputs = 0;

  sendAudio(pcm: Int16Array): void {
    if (this.closed) return;
    this.inputSeconds += pcm.length / 24000;
    this.rt.send({ type: "input_audio_buffer.append", audio: pcmToBase64(pcm) });
  }

  /** Typed input or a cue: a user `input_text` message, then a response (server VAD only answers audio). */
  sendText(text: string): void {
    if (this.closed || !text.trim()) return;
    this.rt.send({ type: "conversation.item.create", item: { type: "message", role: "user", content: [{ type: "input_text", text }] } });
    this.rt.send({ type: "response.create" });
  }

  sendToolResult(callId: string, result: unknown): void {
    if (this.closed) return;
    this.rt.send({ type: "conversation.item.create", item: { type: "function_call_output", call_id: callId, output: JSON.stringify(result ?? null) } });
    this.awaiting.delete(callId);
    this.pendingOutputs++;
    this.maybeContinue();
  }

  events(): AsyncIterable<RealtimeEvent> {
    return this.queue;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.rt.close();
    this.queue.end();
  }
}

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
