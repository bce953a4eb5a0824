import { z } from "zod";
import { apiKeyCredentialSchema, defineProvider, optionsOf, realtimeOptions, voiceOf } from "../definition.ts";
import { createGeminiChatModel } from "./gemini-chat.ts";
import { GEMINI_VOICES, createGeminiLive } from "./gemini-live.ts";

const chatOptions = z.object({ model: z.string().optional() });

export const gemini = defineProvider({
  id: "gemini",
  vendor: "gemini",
  needsKey: true,
  credentialSchema: apiKeyCredentialSchema,
  defaultPrices: { gemini: { llmPerMillionIn: 0.3, llmPerMillionOut: 2.5 }, "gemini-live": { realtimePerMinute: 0.023 } },
  chat: {
    gemini: {
      models: ["gemini-2.5-flash", "gemini-2.5-flash-lite"],
      build: (ctx) => {
        const o = optionsOf(chatOptions, ctx, "gemini");
        return { provider: createGeminiChatModel({ apiKey: ctx.credential.apiKey, baseUrl: ctx.credential.baseUrl, model: o.model ?? "gemini-2.5-flash" }) };
      },
    },
  },
  realtime: {
    "gemini-live": {
      models: ["gemini-2.5-flash-native-audio-preview-09-2025", "gemini-3.1-flash-live-preview", "gemini-live-2.5-flash-preview"],
      voices: GEMINI_VOICES,
      build: (ctx) => {
        const o = optionsOf(realtimeOptions, ctx, "gemini-live");
        const voice = voiceOf(o.voice, ctx, GEMINI_VOICES);
        return {
          provider: createGeminiLive({
            apiKey: ctx.credential.apiKey,
            baseUrl: ctx.credential.baseUrl,
            model: o.model,
            voice,
            silenceDurationMs: o.silenceDurationMs,
            languageCode: ctx.language,
          }),
        };
      },
    },
  },
});
