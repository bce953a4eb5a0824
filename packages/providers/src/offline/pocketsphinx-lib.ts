import { existsSync } from "node:fs";
import { bindPocketsphinx } from "./pocketsphinx-native.mjs";

/**
 * Debian's pocketsphinx 0.8+5prealpha (old `cmd_ln_t` API), loaded through koffi so no compiler or
 * -dev package is needed. One handle per process; decoders are cheap (~9 MB, ~14 ms with a domain LM).
 */
export interface PocketsphinxLib {
  /** Parses `-name value` pairs into a config; returns null when an option is rejected. */
  parseConfig(args: string[]): unknown;
  init(config: unknown): unknown;
  freeConfig(config: unknown): void;
  free(decoder: unknown): void;
  startUtt(decoder: unknown): number;
  processRaw(decoder: unknown, pcm: Int16Array, samples: number): number;
  getHyp(decoder: unknown): string | null;
  endUtt(decoder: unknown): number;
}

export const POCKETSPHINX_APT_INSTALL = "apt-get install -y --no-install-recommends libpocketsphinx3 pocketsphinx-en-us";

export const POCKETSPHINX_MODEL_DIR = "/usr/share/pocketsphinx/model/en-us";
export const POCKETSPHINX_HMM_DIR = `${POCKETSPHINX_MODEL_DIR}/en-us`;
export const CMUDICT_PATH = `${POCKETSPHINX_MODEL_DIR}/cmudict-en-us.dict`;

let cached: { lib: PocketsphinxLib } | { error: string } | undefined;

/** Loads the native library once; the error is remembered so callers can degrade to text-only. */
export function loadPocketsphinx(): { lib: PocketsphinxLib } | { error: string } {
  if (!cached) {
    try {
      cached = { lib: bindPocketsphinx() };
    } catch (err) {
      cached = { error: err instanceof Error ? err.message : String(err) };
    }
  }
  return cached;
}

export interface SpeechAvailability {
  stt: boolean;
  /** Why speech recognition is unavailable, with the command that fixes it. */
  reason?: string;
  installCommand?: string;
}

/** Whether offline speech recognition can run here: the library loads and the en-us model is on disk. */
export function speechAvailability(): SpeechAvailability {
  const loaded = loadPocketsphinx();
  if ("error" in loaded) {
    return {
      stt: false,
      reason: `libpocketsphinx.so.3 could not be loaded (${loaded.error}); run: ${POCKETSPHINX_APT_INSTALL}`,
      installCommand: POCKETSPHINX_APT_INSTALL,
    };
  }
  if (!existsSync(`${POCKETSPHINX_HMM_DIR}/mdef`) || !existsSync(CMUDICT_PATH)) {
    return {
      stt: false,
      reason: `the pocketsphinx en-us model is missing under ${POCKETSPHINX_MODEL_DIR}; run: ${POCKETSPHINX_APT_INSTALL}`,
      installCommand: POCKETSPHINX_APT_INSTALL,
    };
  }
  return { stt: true };
}
