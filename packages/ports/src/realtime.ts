import type { ToolSpec } from "./chat.ts";
import type { ProviderError } from "./errors.ts";

/** Speech-to-speech models (Gemini Live, OpenAI Realtime): audio in, audio and transcripts out. */

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

export interface RealtimeConnectOptions {
  instructions: string;
  tools?: ToolSpec[];
  voice?: string;
}

export interface RealtimeProvider {
  readonly id: string;
  readonly inputSampleRate: number;
  connect(options: RealtimeConnectOptions, signal: AbortSignal): Promise<RealtimeSession>;
}
