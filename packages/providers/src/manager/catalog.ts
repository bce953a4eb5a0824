import { z } from "zod";
import type { ChatModel } from "@orbis/brain";
import type { PhraseSpec, RealtimeProvider, SttProvider, TtsProvider } from "@orbis/voice";
import { createGeminiLive } from "../gemini/gemini-live.ts";
import { OPENAI_REALTIME_VOICES, createOpenAiRealtime } from "../openai/openai-realtime.ts";
import { createDeepgramStt } from "../deepgram/deepgram-stt.ts";
import { createDeepgramTts } from "../deepgram/deepgram-tts.ts";
import { createElevenLabsTts } from "../elevenlabs/elevenlabs-tts.ts";
import { createAnthropicChatModel } from "../anthropic/anthropic-chat.ts";
import { createGeminiChatModel } from "../gemini/gemini-chat.ts";
import { checkOpenAiCompatible, createOpenAiChatModel } from "../openai/openai-chat.ts";
import { OPENAI_TTS_VOICES, createOpenAiTts } from "../openai/openai-tts.ts";
import { sttProviders, ttsProviders } from "../registry.ts";
import type { HealthCheck } from "./health.ts";

/** A key and, for self-hosted or test endpoints, a base URL; resolved per workspace by the caller. */
export interface ProviderCredential {
  apiKey: string;
  baseUrl?: string;
}

export type CredentialLookup = (vendor: string) => ProviderCredential | undefined;

export interface BuildContext {
  credentials: CredentialLookup;
  /** `agent.providers.options[id]`, validated by each factory. */
  options: Record<string, unknown>;
  /** Offline STT needs the agent's phrases and a cache dir. */
  phraseSpec?: PhraseSpec;
  cacheDir: string;
  /** Agent voice (`agent.voice`), used when the provider's options name none. */
  voice?: string;
  language?: string;
}

export interface Built<P> {
  provider: P;
  healthCheck?: HealthCheck;
}

export type Factory<P> = (ctx: BuildContext) => Built<P> | { missing: string };

const optionsOf = <T extends z.ZodType>(schema: T, ctx: BuildContext, id: string): z.infer<T> => schema.parse(ctx.options[id] ?? {});

const deepgramSttOptions = z.object({ model: z.string().optional(), endpointingMs: z.number().int().min(10).optional(), keyterms: z.array(z.string()).optional() });
const deepgramTtsOptions = z.object({ voice: z.string().optional() });
const elevenLabsOptions = z.object({ voiceId: z.string().optional(), modelId: z.string().optional() });
const openAiTtsOptions = z.object({ model: z.string().optional(), voice: z.string().optional(), instructions: z.string().max(2000).optional() });
const openAiOptions = z.object({ model: z.string().optional(), baseUrl: z.string().url().optional() });

/** Health check that only opens and closes a WebSocket-less HTTP probe: the base URL answers at all. */
const reachable =
  (url: string): HealthCheck =>
  async (signal) => {
    await fetch(url, { method: "HEAD", signal });
  };

const OFFLINE_STT: Factory<SttProvider> = (ctx) => ({ provider: sttProviders.pocketsphinx({ phraseSpec: ctx.phraseSpec, cacheDir: ctx.cacheDir }) });
const OFFLINE_TTS: Factory<TtsProvider> = (ctx) => ({ provider: ttsProviders.flite({ voice: ctx.voice }) });

export const sttCatalog: Record<string, Factory<SttProvider>> = {
  offline: OFFLINE_STT,
  pocketsphinx: OFFLINE_STT,
  deepgram: (ctx) => {
    const cred = ctx.credentials("deepgram");
    if (!cred) return { missing: "deepgram key" };
    const o = optionsOf(deepgramSttOptions, ctx, "deepgram");
    const base = cred.baseUrl ?? "wss://api.deepgram.com";
    return {
      provider: createDeepgramStt({ apiKey: cred.apiKey, baseUrl: base, model: o.model, endpointingMs: o.endpointingMs, keyterms: o.keyterms, language: ctx.language?.slice(0, 2) }),
      healthCheck: reachable(base.replace(/^ws/, "http")),
    };
  },
};

/** One `OpenAI-compatible` entry per well-known host; `openai-compatible` takes any base URL from options. */
const OPENAI_COMPATIBLE: Record<string, { vendor: string; baseUrl?: string; model: string }> = {
  openai: { vendor: "openai", model: "gpt-4o-mini" },
  groq: { vendor: "groq", baseUrl: "https://api.groq.com/openai/v1", model: "llama-3.3-70b-versatile" },
  openrouter: { vendor: "openrouter", baseUrl: "https://openrouter.ai/api/v1", model: "openai/gpt-4o-mini" },
  ollama: { vendor: "ollama", baseUrl: "http://127.0.0.1:11434/v1", model: "llama3.2" },
  "openai-compatible": { vendor: "openai-compatible", model: "default" },
};

export const ttsCatalog: Record<string, Factory<TtsProvider>> = {
  offline: OFFLINE_TTS,
  flite: OFFLINE_TTS,
  "deepgram-aura": (ctx) => {
    const cred = ctx.credentials("deepgram");
    if (!cred) return { missing: "deepgram key" };
    const o = optionsOf(deepgramTtsOptions, ctx, "deepgram-aura");
    const base = cred.baseUrl?.replace(/^ws/, "http") ?? "https://api.deepgram.com";
    return { provider: createDeepgramTts({ apiKey: cred.apiKey, baseUrl: base, voice: o.voice }), healthCheck: reachable(base) };
  },
  "openai-tts": (ctx) => {
    const cred = ctx.credentials("openai");
    if (!cred) return { missing: "openai key" };
    const o = openAiTtsOptions.parse(ctx.options["openai-tts"] ?? {});
    const voice = o.voice ?? (ctx.voice && OPENAI_TTS_VOICES.includes(ctx.voice) ? ctx.voice : undefined);
    return {
      provider: createOpenAiTts({ apiKey: cred.apiKey, baseURL: cred.baseUrl, model: o.model, voice, instructions: o.instructions }),
      healthCheck: (signal) => checkOpenAiCompatible({ apiKey: cred.apiKey, baseURL: cred.baseUrl }, signal),
    };
  },
  elevenlabs: (ctx) => {
    const cred = ctx.credentials("elevenlabs");
    if (!cred) return { missing: "elevenlabs key" };
    const o = optionsOf(elevenLabsOptions, ctx, "elevenlabs");
    const voiceId = o.voiceId ?? ctx.voice;
    if (!voiceId) return { missing: "elevenlabs voiceId" };
    const base = cred.baseUrl ?? "wss://api.elevenlabs.io";
    return { provider: createElevenLabsTts({ apiKey: cred.apiKey, voiceId, modelId: o.modelId, baseUrl: base }), healthCheck: reachable(base.replace(/^ws/, "http")) };
  },
};

const anthropicOptions = z.object({ model: z.string().optional(), maxTokens: z.number().int().positive().optional() });
const geminiOptions = z.object({ model: z.string().optional() });

export const chatCatalog: Record<string, Factory<ChatModel>> = {
  anthropic: (ctx) => {
    const cred = ctx.credentials("anthropic");
    if (!cred) return { missing: "anthropic key" };
    const o = optionsOf(anthropicOptions, ctx, "anthropic");
    return { provider: createAnthropicChatModel({ apiKey: cred.apiKey, baseUrl: cred.baseUrl, model: o.model ?? "claude-haiku-4-5", maxTokens: o.maxTokens }) };
  },
  gemini: (ctx) => {
    const cred = ctx.credentials("gemini");
    if (!cred) return { missing: "gemini key" };
    const o = optionsOf(geminiOptions, ctx, "gemini");
    return { provider: createGeminiChatModel({ apiKey: cred.apiKey, baseUrl: cred.baseUrl, model: o.model ?? "gemini-2.5-flash" }) };
  },
  ...openAiCompatibleCatalog(),
};

function openAiCompatibleCatalog(): Record<string, Factory<ChatModel>> {
  return Object.fromEntries(
    Object.entries(OPENAI_COMPATIBLE).map(([id, d]): [string, Factory<ChatModel>] => [
      id,
      (ctx) => {
        const cred = ctx.credentials(d.vendor);
        if (!cred && d.vendor !== "ollama") return { missing: `${d.vendor} key` };
        const o = optionsOf(openAiOptions, ctx, id);
        const baseURL = o.baseUrl ?? cred?.baseUrl ?? d.baseUrl;
        if (id === "openai-compatible" && !baseURL) return { missing: "openai-compatible baseUrl" };
        const apiKey = cred?.apiKey ?? "ollama";
        const model = o.model ?? d.model;
        return {
          provider: createOpenAiChatModel({ apiKey, baseURL, model, id: `${id}:${model}` }),
          healthCheck: (signal) => checkOpenAiCompatible({ apiKey, baseURL }, signal),
        };
      },
    ]),
  );
}

/** Options of both speech-to-speech providers (`gemini-live`, `openai-realtime`). */
const geminiLiveOptions = z.object({ model: z.string().optional(), voice: z.string().optional(), silenceDurationMs: z.number().int().min(100).optional() });

/** Speech-to-speech providers (`agent.providers.realtime`); no chain: a realtime call that loses its provider falls back to the cascade. */
export const realtimeCatalog: Record<string, Factory<RealtimeProvider>> = {
  "gemini-live": (ctx) => {
    const cred = ctx.credentials("gemini");
    if (!cred) return { missing: "gemini key" };
    const o = geminiLiveOptions.parse(ctx.options["gemini-live"] ?? {});
    const voice = o.voice ?? (ctx.voice && GEMINI_VOICES.includes(ctx.voice) ? ctx.voice : undefined);
    return { provider: createGeminiLive({ apiKey: cred.apiKey, baseUrl: cred.baseUrl, model: o.model, voice, silenceDurationMs: o.silenceDurationMs, languageCode: ctx.language }) };
  },
  "openai-realtime": (ctx) => {
    const cred = ctx.credentials("openai");
    if (!cred) return { missing: "openai key" };
    const o = geminiLiveOptions.parse(ctx.options["openai-realtime"] ?? {});
    const voice = o.voice ?? (ctx.voice && OPENAI_REALTIME_VOICES.includes(ctx.voice) ? ctx.voice : undefined);
    return { provider: createOpenAiRealtime({ apiKey: cred.apiKey, baseURL: cred.baseUrl, model: o.model, voice, silenceDurationMs: o.silenceDurationMs }) };
  },
};

export const GEMINI_VOICES = [
  "Zephyr", "Puck", "Charon", "Kore", "Fenrir", "Leda", "Orus", "Aoede", "Callirrhoe", "Autonoe", "Enceladus", "Iapetus", "Umbriel", "Algieba", "Despina",
  "Erinome", "Algenib", "Rasalgethi", "Laomedeia", "Achernar", "Alnilam", "Schedar", "Gacrux", "Pulcherrima", "Achird", "Zubenelgenubi", "Vindemiatrix",
  "Sadachbia", "Sadaltager", "Sulafat",
];

/** What `GET /v1/providers` lists (health is added by the manager). */
export interface ProviderDescription {
  id: string;
  capability: "stt" | "tts" | "llm" | "realtime";
  needsKey: string | null;
  models: string[];
  voices: string[];
}

export const PROVIDER_DESCRIPTIONS: readonly ProviderDescription[] = [
  { id: "offline", capability: "stt", needsKey: null, models: ["pocketsphinx-domain-lm"], voices: [] },
  { id: "deepgram", capability: "stt", needsKey: "deepgram", models: ["nova-3", "nova-2"], voices: [] },
  { id: "offline", capability: "tts", needsKey: null, models: ["flite"], voices: ["slt", "kal16", "rms", "awb", "kal"] },
  { id: "deepgram-aura", capability: "tts", needsKey: "deepgram", models: ["aura-2"], voices: ["aura-2-thalia-en", "aura-2-andromeda-en", "aura-2-helena-en", "aura-2-apollo-en", "aura-2-arcas-en", "aura-2-orion-en"] },
  { id: "openai-tts", capability: "tts", needsKey: "openai", models: ["gpt-4o-mini-tts", "tts-1", "tts-1-hd"], voices: OPENAI_TTS_VOICES },
  { id: "elevenlabs", capability: "tts", needsKey: "elevenlabs", models: ["eleven_flash_v2_5", "eleven_turbo_v2_5", "eleven_multilingual_v2"], voices: [] },
  { id: "gemini-live", capability: "realtime", needsKey: "gemini", models: ["gemini-2.5-flash-native-audio-preview-09-2025", "gemini-3.1-flash-live-preview", "gemini-live-2.5-flash-preview"], voices: GEMINI_VOICES },
  { id: "openai-realtime", capability: "realtime", needsKey: "openai", models: ["gpt-realtime", "gpt-realtime-mini"], voices: OPENAI_REALTIME_VOICES },
  { id: "anthropic", capability: "llm", needsKey: "anthropic", models: ["claude-haiku-4-5", "claude-sonnet-4-5"], voices: [] },
  { id: "gemini", capability: "llm", needsKey: "gemini", models: ["gemini-2.5-flash", "gemini-2.5-flash-lite"], voices: [] },
  ...Object.entries(OPENAI_COMPATIBLE).map(([id, d]) => ({ id, capability: "llm" as const, needsKey: d.vendor === "ollama" ? null : d.vendor, models: [d.model], voices: [] })),
];
