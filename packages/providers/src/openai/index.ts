export { checkOpenAiCompatible, createOpenAiChatModel, mapOpenAiError, toOpenAiMessages } from "./openai-chat.ts";
export type { OpenAiChatOptions } from "./openai-chat.ts";
export { OPENAI_REALTIME_VOICES, createOpenAiRealtime } from "./openai-realtime.ts";
export type { OpenAiRealtimeOptions } from "./openai-realtime.ts";
export { OPENAI_TTS_VOICES, createOpenAiTts } from "./openai-tts.ts";
export type { OpenAiTtsOptions } from "./openai-tts.ts";
export { openai } from "./provider.ts";
