import { Downsampler, FRAME_SAMPLES, STREAM_RATE } from "./pcm.ts";

export const WORKLET_NAME = "orbis-mic";

/**
 * The AudioWorklet module as source text: a worklet must be loaded from a URL, and widget.js is one
 * file, so the module is built from the Downsampler's own code and loaded from a Blob URL.
 * It mixes to mono at the context's rate and posts 20 ms PCM16 frames (transferred, not copied).
 */
export function workletSource(): string {
  return `const D = (${Downsampler.toString()});
registerProcessor(${JSON.stringify(WORKLET_NAME)}, class extends AudioWorkletProcessor {
  constructor() { super(); this.d = new D(sampleRate, ${STREAM_RATE}, ${FRAME_SAMPLES}); }
  process(inputs) {
    const chans = inputs[0];
    if (chans && chans.length) {
      let mono = chans[0];
      if (chans.length > 1) {
        mono = new Float32Array(mono.length);
        for (const ch of chans) for (let i = 0; i < ch.length; i++) mono[i] += ch[i] / chans.length;
      }
      for (const f of this.d.push(mono)) this.port.postMessage(f.buffer, [f.buffer]);
    }
    return true;
  }
});`;
}

export function workletUrl(): string {
  return URL.createObjectURL(new Blob([workletSource()], { type: "text/javascript" }));
}
