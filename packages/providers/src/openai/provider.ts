import { z } from "zod";
import { apiKeyCredentialSchema, defineProvider, optionsOf, realtimeOptions, voiceOf } from "../definition.ts";
import { compatibleChat, compatibleHealthCheck } from "./compatible.ts";
import { OPENAI_REALTIME_VOICES, createOpenAiRealtime } from "./openai-realtime.ts";
import { OPENAI_TTS_VOICES, createOpenAiTts } from "./openai-tts.ts";

const ttsOptions = z.object({ model: z.string().optional(), voice: z.string().optional(), instructions: z.string().max(2000).optional() });
const host = { model: "gpt-4o-mini" };

export const openai = defineProvider({
  id: "openai",
  vendor: "openai",
  needsKey: true,
  credentialSchema: apiKeyCredentialSchema,
  defaultPrices: {
    openai: { llmPerMillionIn: 0.15, llmPerMillionOut: 0.6 },
    "openai:gpt-4o": { llmPerMillionIn: 2.5, llmPerMillionOut: 10 },
    "openai:gpt-4.1-mini": { llmPerMillionIn: 0.4, llmPerMillionOut: 1.6 },
    "openai-tts": { ttsPerMillionCharacters: 15 },
    "openai-realtime": { realtimePerMinute: 0.1 },
  },
  chat: { openai: compatibleChat("openai", host) },
  tts: {
    "openai-tts": {
      models: ["gpt-4o-mini-tts", "tts-1", "tts-1-hd"],
      voices: OPENAI_TTS_VOICES,
      build: (ctx) => {
        const o = optionsOf(ttsOptions, ctx, "openai-tts");
        const voice = voiceOf(o.voice, ctx, OPENAI_TTS_VOICES);
        return {
          provider: createOpenAiTts({ apiKey: ctx.credential.apiKey, baseURL: ctx.credential.baseUrl, model: o.model, voice, instructions: o.instructions }),
        };
      },
    },
  },
  realtime: {
    "openai-realtime": {
      models: ["gpt-realtime", "gpt-realtime-mini"],
      voices: OPENAI_REALTIME_VOICES,
      build: (ctx) => {
        const o = optionsOf(realtimeOptions, ctx, "openai-realtime");
        const voice = voiceOf(o.voice, ctx, OPENAI_REALTIME_VOICES);
        return {
          provider: createOpenAiRealtime({
            apiKey: ctx.credential.apiKey,
            baseURL: ctx.credential.baseUrl,
            model: o.model,
            voice,
            silenceDurationMs: o.silenceDurationMs,
          }),
        };
      },
    },
  },
  healthCheck: compatibleHealthCheck(host),
});
