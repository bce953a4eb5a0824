import { ProviderError } from "@orbis/voice";
import type { SttHandlers, SttProvider, SttStream } from "@orbis/voice";
import { POCKETSPHINX_HMM_DIR, loadPocketsphinx } from "./pocketsphinx-lib.ts";

export interface PocketsphinxOptions {
  /** ARPA (or .lm.bin) language model and its dictionary, e.g. from `buildDomainLm`. */
  lmPath: string;
  dictPath: string;
  hmmDir?: string;
  /** How often partial hypotheses are read (ms of audio). */
  partialEveryMs?: number;
  /** Extra `-name value` decoder options. */
  extraArgs?: string[];
}

/**
 * Offline streaming STT: one pocketsphinx decoder per stream (~9 MB, ~14 ms to create with a
 * domain LM). Decoding is synchronous native work on the calling thread (RTF ≈ 0.04).
 */
export function createPocketsphinxStt(options: PocketsphinxOptions): SttProvider {
  const partialEverySamples = ((options.partialEveryMs ?? 200) * 16000) / 1000;
  return {
    id: "pocketsphinx",
    sampleRate: 16000,
    async createStream(handlers: SttHandlers = {}): Promise<SttStream> {
      const loaded = loadPocketsphinx();
      if ("error" in loaded) throw new ProviderError(`pocketsphinx unavailable: ${loaded.error}`, { provider: "pocketsphinx", retryable: false });
      const { lib } = loaded;
      const args = ["-hmm", options.hmmDir ?? POCKETSPHINX_HMM_DIR, "-lm", options.lmPath, "-dict", options.dictPath, "-logfn", "/dev/null", ...(options.extraArgs ?? [])];
      const config = lib.parseConfig(args);
      if (!config) throw new ProviderError(`pocketsphinx rejected its options: ${args.join(" ")}`, { provider: "pocketsphinx", retryable: false });
      const decoder = lib.init(config);
      if (!decoder) {
        lib.freeConfig(config);
        throw new ProviderError(`pocketsphinx could not load ${options.lmPath} / ${options.dictPath}`, { provider: "pocketsphinx", retryable: false });
      }
      let inUtterance = false;
      let sinceHyp = 0;
      let lastPartial = "";
      let closed = false;
      const finish = (): string => {
        if (!inUtterance) return "";
        inUtterance = false;
        lib.endUtt(decoder);
        return lib.getHyp(decoder) ?? "";
      };
      return {
        push(pcm) {
          if (closed) return;
          if (!inUtterance) {
            lib.startUtt(decoder);
            inUtterance = true;
            sinceHyp = 0;
            lastPartial = "";
          }
          lib.processRaw(decoder, pcm, pcm.length);
          sinceHyp += pcm.length;
          if (sinceHyp >= partialEverySamples && handlers.onPartial) {
            sinceHyp = 0;
            const hyp = lib.getHyp(decoder) ?? "";
            if (hyp !== lastPartial) {
              lastPartial = hyp;
              if (hyp) handlers.onPartial(hyp);
            }
          }
        },
        async endUtterance(signal) {
          const text = closed ? "" : finish();
          return signal?.aborted ? "" : text;
        },
        abort() {
          if (!closed) finish();
        },
        close() {
          if (closed) return;
          finish();
          closed = true;
          lib.free(decoder);
          lib.freeConfig(config);
        },
      };
    },
  };
}
