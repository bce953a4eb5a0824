import fvadFactory from "@echogarden/fvad-wasm";
import type { FvadModule } from "@echogarden/fvad-wasm";
import type { Vad } from "@orbis/ports";

let modulePromise: Promise<FvadModule> | undefined;
const loadFvad = (): Promise<FvadModule> => (modulePromise ??= fvadFactory());

export interface WebRtcVadOptions {
  /** 0 (least aggressive, most speech) … 3 (most aggressive). */
  mode?: 0 | 1 | 2 | 3;
  sampleRate?: 8000 | 16000 | 32000 | 48000;
  frameMs?: 10 | 20 | 30;
}

/** WebRTC VAD (libfvad as WASM, ~2 µs per 20 ms frame). One instance per stream. */
export async function createWebRtcVad(options: WebRtcVadOptions = {}): Promise<Vad> {
  const fvad = await loadFvad();
  const sampleRate = options.sampleRate ?? 16000;
  const frameSamples = (sampleRate * (options.frameMs ?? 20)) / 1000;
  const inst = fvad._fvad_new();
  if (!inst) throw new Error("fvad_new failed");
  if (fvad._fvad_set_mode(inst, options.mode ?? 2) !== 0 || fvad._fvad_set_sample_rate(inst, sampleRate) !== 0) {
    fvad._fvad_free(inst);
    throw new Error(`invalid fvad settings (mode ${options.mode}, rate ${sampleRate})`);
  }
  const buf = fvad._malloc(frameSamples * 2);
  let freed = false;
  return {
    sampleRate,
    frameSamples,
    process(pcm) {
      if (freed) throw new Error("vad used after free()");
      if (pcm.length !== frameSamples) throw new Error(`vad expects ${frameSamples} samples, got ${pcm.length}`);
      fvad.HEAP16.set(pcm, buf >> 1);
      return fvad._fvad_process(inst, buf, frameSamples) === 1;
    },
    reset() {
      fvad._fvad_reset(inst);
      fvad._fvad_set_mode(inst, options.mode ?? 2);
      fvad._fvad_set_sample_rate(inst, sampleRate);
    },
    free() {
      if (freed) return;
      freed = true;
      fvad._fvad_free(inst);
      fvad._free(buf);
    },
  };
}
