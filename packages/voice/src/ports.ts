/**
 * Provider ports, owned by the pipeline that consumes them; `packages/providers` implements them.
 * Audio crossing these ports is PCM16 mono.
 */

export class ProviderError extends Error {
  readonly provider: string;
  readonly retryable: boolean;
  readonly status?: number;

  constructor(message: string, options: { provider: string; retryable: boolean; status?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = "ProviderError";
    this.provider = options.provider;
    this.retryable = options.retryable;
    this.status = options.status;
  }
}

/** Frame-level voice activity detector. Synchronous: it runs on every 20 ms frame. */
export interface Vad {
  readonly sampleRate: number;
  /** Samples per frame the detector accepts (10, 20 or 30 ms for WebRTC VAD). */
  readonly frameSamples: number;
  /** True when the frame contains speech. */
  process(pcm: Int16Array): boolean;
  reset(): void;
  free(): void;
}

export interface SttHandlers {
  /** Hypothesis so far for the current utterance; may change. */
  onPartial?(text: string): void;
}

/** One streaming recognition session (a call); utterances follow one another on it. */
export interface SttStream {
  /** Feeds audio at the provider's sample rate; starts an utterance if none is open. */
  push(pcm: Int16Array): void;
  /** Ends the current utterance and resolves with its final text ("" when nothing was heard). */
  endUtterance(signal?: AbortSignal): Promise<string>;
  /** Drops the current utterance without a result. */
  abort(): void;
  close(): void;
}

export interface SttProvider {
  readonly id: string;
  readonly sampleRate: number;
  createStream(handlers?: SttHandlers): Promise<SttStream>;
}

export interface TtsProvider {
  readonly id: string;
  /** Rate of the chunks `synthesize` yields. */
  readonly sampleRate: number;
  /**
   * Audio arrives only once the whole text is synthesised (offline engines), so the TTS processor
   * speaks a long first sentence clause by clause to start sooner. Streaming engines leave it unset.
   */
  readonly wholeUtterance?: boolean;
  /** Speaks one sentence; stops (without throwing) when `signal` aborts. */
  synthesize(text: string, signal: AbortSignal): AsyncIterable<Int16Array>;
  /** Starts synthesising a sentence that will probably be asked for soon, so `synthesize` finds it ready. */
  prefetch?(text: string): void;
  close?(): void;
}

export interface LlmMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  toolCallId?: string;
}

export interface LlmToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}

export type LlmChunk = { type: "text"; text: string } | { type: "tool-call"; id: string; name: string; args: unknown } | { type: "done" };

/** Placeholder for hosted LLMs (issue for cloud providers); an LLM brain in packages/brain drives it. */
export interface LlmProvider {
  readonly id: string;
  chat(request: { messages: LlmMessage[]; tools?: LlmToolSpec[] }, signal: AbortSignal): AsyncIterable<LlmChunk>;
}

export type RealtimeEvent =
  | { type: "audio"; pcm: Int16Array; sampleRate: number }
  | { type: "transcript"; role: "user" | "agent"; text: string; final: boolean }
  | { type: "interrupted" }
  | { type: "tool-call"; id: string; name: string; args: unknown }
  | { type: "error"; error: ProviderError };

export interface RealtimeSession {
  sendAudio(pcm: Int16Array): void;
  sendToolResult(id: string, result: unknown): void;
  events(): AsyncIterable<RealtimeEvent>;
  close(): void;
}

/** Placeholder for speech-to-speech models (Gemini Live, OpenAI Realtime). */
export interface RealtimeProvider {
  readonly id: string;
  readonly inputSampleRate: number;
  connect(options: { instructions: string; tools?: LlmToolSpec[]; voice?: string }, signal: AbortSignal): Promise<RealtimeSession>;
}
