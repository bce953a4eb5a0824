import type { SttProvider, TtsProvider, Vad } from "@orbis/ports";
import type { PhraseSpec } from "@orbis/voice";
import { buildDomainLm } from "./domain-lm.ts";
import { createFliteTts } from "./flite-tts.ts";
import type { FliteVoice } from "./flite-tts.ts";
import { createFvadVad } from "./fvad-vad.ts";
import { acousticModelWith } from "./pocketsphinx-lib.ts";
import { createPocketsphinxStt } from "./pocketsphinx-stt.ts";

/** What the offline recogniser is given. */
export interface SttFactoryOptions {
  /** The agent's phrases; the recogniser builds its language model from it. */
  phraseSpec?: PhraseSpec;
  /** Where generated models are cached (under the data dir). */
  cacheDir: string;
  pronunciations?: Record<string, string>;
  /** Phone audio (8 kHz carried to 16 kHz): the recogniser starts from a phone line's cepstral mean. */
  narrowband?: boolean;
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

/**
 * Phone calls start the recogniser's live cepstral mean normalisation from a phone line's mean instead
 * of the wideband model's: the first utterances of a call are otherwise decoded against the wrong mean
 * until the estimate catches up. Measured as the live mean after 36 utterances of five voices carried
 * over 8 kHz μ-law and spectrally folded as the gateway does (PHONE_SPECTRAL_FOLD 0.3, no band fill);
 * bench/telephony/recognition.bench.ts has the figures (docs/benchmarks.md, "Recognition").
 */
const NARROWBAND_FRONT_END: Readonly<Record<string, string>> = {
  "-cmninit": "46.30,7.90,-1.86,4.81,3.06,-16.06,12.52,-14.00,-0.35,5.27,-7.62,8.91,-5.02",
};

export const FLITE_VOICES: readonly string[] = ["slt", "kal16", "rms", "awb", "kal"];

/** Used when an agent has no phrase spec: the pipeline still hears yes/no, digits and greetings. */
export const FALLBACK_PHRASES: PhraseSpec = {
  templates: ["{yn}", "{yn} please", "my number is {d} {d} {d} {d} {d} {d} {d}", "hello", "goodbye", "thank you", "i need help"],
  slots: { yn: ["yes", "no", "okay", "sure"], d: ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "oh"] },
};

/** The engines that run in this process (no key, no network): the offline speech stack and every chain's last resort. */
export const sttProviders = {
  pocketsphinx: (options) => {
    const spec = options.phraseSpec ?? FALLBACK_PHRASES;
    // Answer models help on the browser stream; on phone audio they cost more short answers than they
    // fix (measured: 87 → 70 of 148 exact), so phone calls decode with the domain model alone.
    const lm = buildDomainLm(options.narrowband ? { templates: spec.templates, slots: spec.slots } : spec, {
      cacheDir: options.cacheDir,
      pronunciations: options.pronunciations,
    });
    return createPocketsphinxStt({
      lmPath: lm.lmPath,
      dictPath: lm.dictPath,
      answerLms: lm.answerLms,
      ...(options.narrowband ? { hmmDir: acousticModelWith(NARROWBAND_FRONT_END, options.cacheDir) } : {}),
    });
  },
} satisfies Record<SttProviderId, SttFactory>;

export const ttsProviders = {
  flite: (options) => createFliteTts({ voice: options.voice && FLITE_VOICES.includes(options.voice) ? (options.voice as FliteVoice) : "slt" }),
} satisfies Record<TtsProviderId, TtsFactory>;

export const vadProviders = {
  fvad: (options) => createFvadVad({ mode: options.mode }),
} satisfies Record<VadProviderId, VadFactory>;
