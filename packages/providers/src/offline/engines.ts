import type { SttProvider, TtsProvider, Vad } from "@orbis/ports";
import type { PhraseSpec } from "@orbis/voice";
import { buildDomainLm } from "./domain-lm.ts";
import { createFliteTts } from "./flite-tts.ts";
import type { FliteVoice } from "./flite-tts.ts";
import { createFvadVad } from "./fvad-vad.ts";
import { createPocketsphinxStt } from "./pocketsphinx-stt.ts";

/** What the offline recogniser is given. */
export interface SttFactoryOptions {
  /** The agent's phrases; the recogniser builds its language model from it. */
  phraseSpec?: PhraseSpec;
  /** Where generated models are cached (under the data dir). */
  cacheDir: string;
  pronunciations?: Record<string, string>;
}

export interface TtsFactoryOptions {
  voice?: string;
}

export interface VadFactoryOptions {
  mode?: 0 | 1 | 2 | 3;
}

export type SttFactory = (options: SttFactoryOptions) => SttProvider;
export type TtsFactory = (options: TtsFactoryOptions) => TtsProvider;
export type VadFactory = (options: VadFactoryOptions) => Promise<Vad>;

export type SttProviderId = "pocketsphinx";
export type TtsProviderId = "flite";
export type VadProviderId = "fvad";

export const FLITE_VOICES: readonly string[] = ["slt", "kal16", "rms", "awb", "kal"];

/** Used when an agent has no phrase spec: the pipeline still hears yes/no, digits and greetings. */
export const FALLBACK_PHRASES: PhraseSpec = {
  templates: ["{yn}", "{yn} please", "my number is {d} {d} {d} {d} {d} {d} {d}", "hello", "goodbye", "thank you", "i need help"],
  slots: { yn: ["yes", "no", "okay", "sure"], d: ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "oh"] },
};

/** The engines that run in this process (no key, no network): the offline speech stack and every chain's last resort. */
export const sttProviders = {
  pocketsphinx: (options) => {
    const lm = buildDomainLm(options.phraseSpec ?? FALLBACK_PHRASES, { cacheDir: options.cacheDir, pronunciations: options.pronunciations });
    return createPocketsphinxStt({ lmPath: lm.lmPath, dictPath: lm.dictPath });
  },
} satisfies Record<SttProviderId, SttFactory>;

export const ttsProviders = {
  flite: (options) => createFliteTts({ voice: options.voice && FLITE_VOICES.includes(options.voice) ? (options.voice as FliteVoice) : "slt" }),
} satisfies Record<TtsProviderId, TtsFactory>;

export const vadProviders = {
  fvad: (options) => createFvadVad({ mode: options.mode }),
} satisfies Record<VadProviderId, VadFactory>;
