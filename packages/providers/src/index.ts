export * from "./offline/index.ts";
export { FALLBACK_PHRASES, sttProviders, ttsProviders, vadProviders } from "./registry.ts";
export type {
  SttFactory,
  SttFactoryOptions,
  SttProviderId,
  TtsFactory,
  TtsFactoryOptions,
  TtsProviderId,
  VadFactory,
  VadFactoryOptions,
  VadProviderId,
} from "./registry.ts";
export * from "./openai/index.ts";
export * from "./deepgram/index.ts";
export * from "./elevenlabs/index.ts";
export * from "./manager/index.ts";
export * from "./anthropic/index.ts";
export * from "./gemini/index.ts";
