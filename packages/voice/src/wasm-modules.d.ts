/** Minimal typings for the Emscripten builds used by the voice engine (they ship none). */
interface EmscriptenHeaps {
  HEAP16: Int16Array;
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  HEAP32: Int32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

declare module "@echogarden/fvad-wasm" {
  export interface FvadModule extends EmscriptenHeaps {
    _fvad_new(): number;
    _fvad_free(inst: number): void;
    _fvad_reset(inst: number): void;
    _fvad_set_mode(inst: number, mode: number): number;
    _fvad_set_sample_rate(inst: number, rate: number): number;
    _fvad_process(inst: number, framePtr: number, length: number): number;
  }
  const factory: (options?: object) => Promise<FvadModule>;
  export default factory;
}

declare module "@echogarden/speex-resampler-wasm" {
  export interface SpeexModule extends EmscriptenHeaps {
    _speex_resampler_init(channels: number, inRate: number, outRate: number, quality: number, errPtr: number): number;
    _speex_resampler_destroy(state: number): void;
    _speex_resampler_process_int(state: number, channel: number, inPtr: number, inLenPtr: number, outPtr: number, outLenPtr: number): number;
    _speex_resampler_get_input_latency(state: number): number;
    _speex_resampler_reset_mem(state: number): number;
  }
  const factory: (options?: object) => Promise<SpeexModule>;
  export default factory;
}

declare module "@echogarden/speex-resampler-wasm/simd" {
  export interface SpeexModule extends EmscriptenHeaps {
    _speex_resampler_init(channels: number, inRate: number, outRate: number, quality: number, errPtr: number): number;
    _speex_resampler_destroy(state: number): void;
    _speex_resampler_process_int(state: number, channel: number, inPtr: number, inLenPtr: number, outPtr: number, outLenPtr: number): number;
    _speex_resampler_get_input_latency(state: number): number;
    _speex_resampler_reset_mem(state: number): number;
  }
  const factory: (options?: object) => Promise<SpeexModule>;
  export default factory;
}
