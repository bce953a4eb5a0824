/** The port of text LLMs (OpenAI-compatible, Anthropic, Gemini); the LLM brain drives it. */

/** A tool the model may call: what both chat models and realtime (speech-to-speech) models are given. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ChatToolCall {
  id: string;
  name: string;
  /** Parsed JSON arguments as the model produced them (validated by the tool runner, not here). */
  args: unknown;
}

export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string }
  | { role: "assistant"; content: string; toolCalls?: ChatToolCall[] }
  | { role: "tool"; toolCallId: string; name: string; content: string };

export type ChatChunk = { type: "text"; text: string } | { type: "tool_call"; call: ChatToolCall } | { type: "done"; reason: "stop" | "tool_calls" | "length" };

export interface ChatRequest {
  messages: readonly ChatMessage[];
  tools: readonly ToolSpec[];
  signal: AbortSignal;
  temperature?: number;
  maxTokens?: number;
}

export interface ChatModel {
  readonly id: string;
  /** Streams text deltas and complete tool calls; ends with `done`. */
  stream(req: ChatRequest): AsyncIterable<ChatChunk>;
}
