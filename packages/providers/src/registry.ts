import type { PhraseSpec, SttProvider, TtsProvider, Vad } from "@orbis/voice";
import { buildDomainLm } from "./offline/domain-lm.ts";
import { createFliteTts } from "./offline/flite-tts.ts";
import type { FliteVoice } from "./offline/flite-tts.ts";
import { createFvadVad } from "./offline/fvad-vad.ts";
import { createPocketsphinxStt } from "./offline/pocketsphinx-stt.ts";
import { createDeepgramStt } from "./deepgram/deepgram-stt.ts";
import { createDeepgramTts } from "./deepgram/deepgram-tts.ts";
import { createElevenLabsTts } from "./elevenlabs/elevenlabs-tts.ts";

/** What any STT factory may be given; providers take what they need (keys come from config, never env). */
export interface SttFactoryOptions {
  /** The agent's phrases; offline recognisers build their language model from it. */
  phraseSpec?: PhraseSpec;
  /** Where generated models are cached (under the data dir). */
  cacheDir: string;
  pronunciations?: Record<string, string>;
  credentials?: Record<string, string>;
}

export interface TtsFactoryOptions {
  voice?: string;
  credentials?: Record<string, string>;
}

export interface VadFactoryOptions {
  mode?: 0 | 1 | 2 | 3;
}

export type SttFactory = (options: SttFactoryOptions) => SttProvider;
export type TtsFactory = (options: TtsFactoryOptions) => TtsProvider;
export type VadFactory = (options: VadFactoryOptions) => Promise<Vad>;

export type SttProviderId = "pocketsphinx" | "deepgram";
export type TtsProviderId = "flite" | "deepgram-aura" | "elevenlabs";
export type VadProviderId = "fvad";

const FLITE_VOICES = new Set<string>(["slt", "kal16", "rms", "awb", "kal"]);

/** Used when an agent has no phrase spec: the pipeline still hears yes/no, digits and greetings. */
export const FALLBACK_PHRASES: PhraseSpec = {
  templates: ["{yn}", "{yn} please", "my number is {d} {d} {d} {d} {d} {d} {d}", "hello", "goodbye", "thank you", "i need help"],
  slots: { yn: ["yes", "no", "okay", "sure"], d: ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "oh"] },
};

export const sttProviders = {
  pocketsphinx: (options) => {
    const lm = buildDomainLm(options.phraseSpec ?? FALLBACK_PHRASES, { cacheDir: options.cacheDir, pronunciations: options.pronunciations });
    return createPocketsphinxStt({ lmPath: lm.lmPath, dictPath: lm.dictPath });
  },
  deepgram: (options) => createDeepgramStt({ apiKey: options.credentials?.apiKey ?? "", baseUrl: options.credentials?.baseUrl }),
} satisfies Record<SttProviderId, SttFactory>;

export const ttsProviders = {
  flite: (options) => createFliteTts({ voice: options.voice && FLITE_VOICES.has(options.voice) ? (options.voice as FliteVoice) : "slt" }),
  "deepgram-aura": (options) => createDeepgramTts({ apiKey: options.credentials?.apiKey ?? "", baseUrl: options.credentials?.baseUrl, voice: options.voice }),
  elevenlabs: (options) => createElevenLabsTts({ apiKey: options.credentials?.apiKey ?? "", baseUrl: options.credentials?.baseUrl, voiceId: options.voice ?? "21m00Tcm4TlvDq8ikWAM" }),
} satisfies Record<TtsProviderId, TtsFactory>;

export const vadProviders = {
  fvad: (options) => createFvadVad({ mode: options.mode }),
} satisfies Record<VadProviderId, VadFactory>;
