import type { RealtimeSession } from "@orbis/ports";

/**
 * `RealtimeSession` plus text input, which both vendors have (Gemini `realtimeInput.text`, OpenAI
 * `input_text` items) and the port in `@orbis/voice` does not yet: the gateway uses it for typed input,
 * DTMF and the cue that makes the model greet first.
 */
export interface TextInputRealtimeSession extends RealtimeSession {
  sendText(text: string): void;
}

export function acceptsText(session: RealtimeSession): session is TextInputRealtimeSession {
  return typeof (session as Partial<TextInputRealtimeSession>).sendText === "function";
}
