/** PCM helpers shared by the widget, the dashboard's "Try this agent" page and their tests. */

export const STREAM_RATE = 16_000;
/** 20 ms at 16 kHz: the frame the gateway expects (docs/architecture.md). */
export const FRAME_SAMPLES = 320;

export function floatToPcm16(input: Float32Array): Int16Array {
  const out = new Int16Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const s = Math.max(-1, Math.min(1, input[i]!));
    out[i] = s < 0 ? Math.round(s * 32768) : Math.round(s * 32767);
  }
  return out;
}

export function pcm16ToFloat(input: Int16Array): Float32Array {
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i]! / 32768;
  return out;
}

/** Reads little-endian PCM16 from a WebSocket binary message (whatever its alignment). */
export function pcm16FromBytes(bytes: ArrayBuffer): Int16Array {
  const view = new DataView(bytes);
  const out = new Int16Array(bytes.byteLength >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

/**
 * Mic rate → 16 kHz PCM16 in fixed frames: a box filter over each output sample's span of input
 * (anti-aliasing enough for speech), with the fractional position carried across calls.
 * It is stringified into the AudioWorklet, so it must stay self-contained: no class fields (they would
 * be lowered to helpers), no references outside the class.
 */
export class Downsampler {
  declare private ratio: number;
  declare private phase: number;
  declare private sum: number;
  declare private count: number;
  declare private frame: Int16Array;
  declare private filled: number;

  constructor(inRate: number, outRate: number, frameSamples: number) {
    if (inRate < outRate) throw new Error("Downsampler cannot upsample");
    this.ratio = inRate / outRate;
    this.phase = 0;
    this.sum = 0;
    this.count = 0;
    this.frame = new Int16Array(frameSamples);
    this.filled = 0;
  }

  /** Feeds mono float samples; returns the complete frames produced (each a fresh, transferable array). */
  push(input: Float32Array): Int16Array[] {
    const frames: Int16Array[] = [];
    for (let i = 0; i < input.length; i++) {
      this.sum += input[i]!;
      this.count++;
      this.phase += 1;
      if (this.phase >= this.ratio) {
        this.phase -= this.ratio;
        const v = Math.max(-1, Math.min(1, this.sum / this.count));
        this.sum = 0;
        this.count = 0;
        this.frame[this.filled++] = v < 0 ? Math.round(v * 32768) : Math.round(v * 32767);
        if (this.filled === this.frame.length) {
          frames.push(this.frame);
          this.frame = new Int16Array(this.frame.length);
          this.filled = 0;
        }
      }
    }
    return frames;
  }
}
