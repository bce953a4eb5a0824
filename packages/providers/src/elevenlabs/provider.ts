import { z } from "zod";
import { apiKeyCredentialSchema, defineProvider, optionsOf, reachable } from "../definition.ts";
import { createElevenLabsTts } from "./elevenlabs-tts.ts";

const ttsOptions = z.object({ voiceId: z.string().optional(), modelId: z.string().optional() });
const baseOf = (baseUrl: string | undefined) => baseUrl ?? "wss://api.elevenlabs.io";

export const elevenlabs = defineProvider({
  id: "elevenlabs",
  vendor: "elevenlabs",
  needsKey: true,
  credentialSchema: apiKeyCredentialSchema,
  defaultPrices: { elevenlabs: { ttsPerMillionCharacters: 50 } },
  tts: {
    elevenlabs: {
      models: ["eleven_flash_v2_5", "eleven_turbo_v2_5", "eleven_multilingual_v2"],
      build: (ctx) => {
        const o = optionsOf(ttsOptions, ctx, "elevenlabs");
        const voiceId = o.voiceId ?? ctx.voice;
        if (!voiceId) return { missing: "elevenlabs voiceId" };
        return { provider: createElevenLabsTts({ apiKey: ctx.credential.apiKey, voiceId, modelId: o.modelId, baseUrl: baseOf(ctx.credential.baseUrl) }) };
      },
    },
  },
  healthCheck: (credential, signal) => reachable(baseOf(credential.baseUrl).replace(/^ws/, "http"), signal),
});
