export { createGeminiChatModel, mapGeminiError, toGeminiContents } from "./gemini-chat.ts";
export type { GeminiChatOptions } from "./gemini-chat.ts";
export { GEMINI_VOICES, createGeminiLive, toGeminiSchema } from "./gemini-live.ts";
export type { GeminiLiveOptions } from "./gemini-live.ts";
export { gemini } from "./provider.ts";
