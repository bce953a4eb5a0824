export { createDeepgramStt } from "./deepgram-stt.ts";
export type { DeepgramSttOptions } from "./deepgram-stt.ts";
export { createDeepgramTts } from "./deepgram-tts.ts";
export type { DeepgramTtsOptions } from "./deepgram-tts.ts";
export { deepgram } from "./provider.ts";
