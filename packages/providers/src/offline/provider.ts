import { defineProvider } from "../definition.ts";
import { FLITE_VOICES, sttProviders, ttsProviders } from "./engines.ts";

/** The engines that run in this process: no vendor, no key, no cost. Appended to every STT/TTS chain as its last resort. */
export const offline = defineProvider({
  id: "offline",
  vendor: null,
  needsKey: false,
  credentialSchema: null,
  defaultPrices: { offline: {}, pocketsphinx: {}, flite: {} },
  stt: {
    offline: {
      models: ["pocketsphinx-domain-lm"],
      aliases: ["pocketsphinx"],
      build: (ctx) => ({ provider: sttProviders.pocketsphinx({ phraseSpec: ctx.phraseSpec, cacheDir: ctx.cacheDir, narrowband: ctx.narrowband }) }),
    },
  },
  tts: {
    offline: { models: ["flite"], voices: FLITE_VOICES, aliases: ["flite"], build: (ctx) => ({ provider: ttsProviders.flite({ voice: ctx.voice }) }) },
  },
});
