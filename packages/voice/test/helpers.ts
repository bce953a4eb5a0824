import { frames } from "../src/index.ts";
import type { FrameOf } from "../src/index.ts";

/** A 20 ms 16 kHz frame the turn-taker sees as speech or not (the VAD decision is preset). */
function vadFrame(speech: boolean): FrameOf<"audio-in"> {
  const frame = frames.audioIn(new Int16Array(320));
  frame.speech = speech;
  return frame;
}

/** `ms` of frames with the same decision. */
export const run = (ms: number, speech: boolean): FrameOf<"audio-in">[] => Array.from({ length: ms / 20 }, () => vadFrame(speech));

export function sine(freq: number, sampleRate: number, samples: number, amplitude = 8000): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / sampleRate));
  return out;
}
