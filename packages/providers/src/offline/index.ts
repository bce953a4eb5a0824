export { createFvadVad } from "./fvad-vad.ts";
export { createPocketsphinxStt } from "./pocketsphinx-stt.ts";
export type { PocketsphinxOptions } from "./pocketsphinx-stt.ts";
export { createFliteTts, flitePhraseCache, wavPcm } from "./flite-tts.ts";
export { PhraseCache } from "./phrase-cache.ts";
export type { FliteOptions, FliteVoice } from "./flite-tts.ts";
export { buildArpa, buildDomainLm, domainLmKey, expandCorpus, loadCmudict, normalizeSentence } from "./domain-lm.ts";
export type { DomainLm, DomainLmOptions } from "./domain-lm.ts";
export {
  CMUDICT_PATH,
  POCKETSPHINX_APT_INSTALL,
  POCKETSPHINX_HMM_DIR,
  POCKETSPHINX_MODEL_DIR,
  acousticModelWith,
  loadPocketsphinx,
  speechAvailability,
} from "./pocketsphinx-lib.ts";
export type { SpeechAvailability } from "./pocketsphinx-lib.ts";
export { FALLBACK_PHRASES, sttProviders, ttsProviders, vadProviders } from "./engines.ts";
export type {
  SttFactory,
  SttFactoryOptions,
  SttProviderId,
  TtsFactory,
  TtsFactoryOptions,
  TtsProviderId,
  VadFactory,
  VadFactoryOptions,
  VadProviderId,
} from "./engines.ts";
export { offline } from "./provider.ts";
