import { z } from "zod";
import { apiKeyCredentialSchema, defineProvider, optionsOf, reachable } from "../definition.ts";
import { createDeepgramStt } from "./deepgram-stt.ts";
import { createDeepgramTts } from "./deepgram-tts.ts";

const sttOptions = z.object({ model: z.string().optional(), endpointingMs: z.number().int().min(10).optional(), keyterms: z.array(z.string()).optional() });
const ttsOptions = z.object({ voice: z.string().optional() });
/** One host for both: `/v1/listen` over WebSocket, `/v1/speak` over HTTP. */
const httpBase = (baseUrl: string | undefined) => baseUrl?.replace(/^ws/, "http") ?? "https://api.deepgram.com";

export const deepgram = defineProvider({
  id: "deepgram",
  vendor: "deepgram",
  needsKey: true,
  credentialSchema: apiKeyCredentialSchema,
  defaultPrices: { deepgram: { sttPerMinute: 0.0077 }, "deepgram-aura": { ttsPerMillionCharacters: 30 } },
  stt: {
    deepgram: {
      models: ["nova-3", "nova-2"],
      build: (ctx) => {
        const o = optionsOf(sttOptions, ctx, "deepgram");
        const baseUrl = ctx.credential.baseUrl ?? "wss://api.deepgram.com";
        return {
          provider: createDeepgramStt({
            apiKey: ctx.credential.apiKey,
            baseUrl,
            model: o.model,
            endpointingMs: o.endpointingMs,
            keyterms: o.keyterms,
            language: ctx.language?.slice(0, 2),
          }),
        };
      },
    },
  },
  tts: {
    "deepgram-aura": {
      models: ["aura-2"],
      voices: ["aura-2-thalia-en", "aura-2-andromeda-en", "aura-2-helena-en", "aura-2-apollo-en", "aura-2-arcas-en", "aura-2-orion-en"],
      build: (ctx) => {
        const o = optionsOf(ttsOptions, ctx, "deepgram-aura");
        return { provider: createDeepgramTts({ apiKey: ctx.credential.apiKey, baseUrl: httpBase(ctx.credential.baseUrl), voice: o.voice }) };
      },
    },
  },
  healthCheck: (credential, signal) => reachable(httpBase(credential.baseUrl), signal),
});
