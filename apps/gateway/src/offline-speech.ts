import { join } from "node:path";
import { speechAvailability, sttProviders, ttsProviders, vadProviders, FALLBACK_PHRASES } from "@orbis/providers";
import type { SpeechStack } from "./agent-pipeline.ts";

/** The embedded default: fvad + pocketsphinx (per-agent domain LM) + flite; no key, no download. */
export function offlineSpeechStack(dataDir: string): SpeechStack {
  const availability = speechAvailability();
  return {
    canListen: availability.stt,
    vad: () => vadProviders.fvad({ mode: 2 }),
    stt: (brain, _agentId, options) =>
      sttProviders.pocketsphinx({
        phraseSpec: brain.phraseSpec?.() ?? FALLBACK_PHRASES,
        cacheDir: join(dataDir, "lm"),
        narrowband: options?.narrowband ?? false,
      }),
    tts: (voice) => ttsProviders.flite({ voice }),
  };
}
