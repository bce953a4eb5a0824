export { createElevenLabsTts } from "./elevenlabs-tts.ts";
export type { ElevenLabsTtsOptions } from "./elevenlabs-tts.ts";
export { elevenlabs } from "./provider.ts";
