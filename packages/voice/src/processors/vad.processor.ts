import { FrameProcessor } from "../processor.ts";
import type { Direction, Frame } from "../frames.ts";
import type { Vad } from "@orbis/ports";

export interface VadProcessorOptions {
  vad: Vad;
  /** Consecutive speech before a `vad {speaking: true}` event. */
  startMs?: number;
  /** Consecutive non-speech before a `vad {speaking: false}` event. */
  stopMs?: number;
  /** A speech frame below this fraction of the recent speech level is `quiet` (default 0.1, -20 dB). */
  quietRatio?: number;
}

/** Per frame, the speech level decays by this factor (about -2 dB per second of speech). */
const LEVEL_DECAY = 0.995;

function rms(pcm: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
  return Math.sqrt(sum / pcm.length);
}

/**
 * Marks every `audio-in` frame with the detector's raw decision (`speech`, no allocation) and, on
 * speech frames, whether it is `quiet` next to the recent speech level; emits smoothed `vad` events on
 * transitions. Endpointing itself is the turn-taker's job.
 */
export class VadProcessor extends FrameProcessor {
  private readonly vad: Vad;
  private readonly startMs: number;
  private readonly stopMs: number;
  private speechRun = 0;
  private silenceRun = 0;
  private speaking = false;
  private readonly quietRatio: number;
  /** Decaying peak RMS of recent speech frames. */
  private level = 0;

  constructor(options: VadProcessorOptions) {
    super("vad");
    this.vad = options.vad;
    this.startMs = options.startMs ?? 60;
    this.stopMs = options.stopMs ?? 200;
    this.quietRatio = options.quietRatio ?? 0.1;
  }

  protected override process(frame: Frame, direction: Direction): void {
    if (frame.type === "audio-in" && direction === "down") {
      const pcm = frame.pcm;
      const size = this.vad.frameSamples;
      let speech = false;
      if (pcm.length === size) speech = this.vad.process(pcm);
      else for (let i = 0; i + size <= pcm.length; i += size) speech = this.vad.process(pcm.subarray(i, i + size)) || speech;
      frame.speech = speech;
      if (speech) {
        // WebRTC VAD keeps saying "speech" for 60-140 ms after the last word (its hangover); those
        // frames are near silence next to the words before them.
        const energy = rms(pcm);
        this.level = Math.max(energy, this.level * LEVEL_DECAY);
        frame.quiet = energy < this.level * this.quietRatio;
      }
      const ms = (pcm.length * 1000) / frame.sampleRate;
      if (speech) {
        this.speechRun += ms;
        this.silenceRun = 0;
        if (!this.speaking && this.speechRun >= this.startMs) {
          this.speaking = true;
          this.emit({ type: "vad", lane: "data", speaking: true });
        }
      } else {
        this.silenceRun += ms;
        this.speechRun = 0;
        if (this.speaking && this.silenceRun >= this.stopMs) {
          this.speaking = false;
          this.emit({ type: "vad", lane: "data", speaking: false });
        }
      }
    }
    this.emit(frame, direction);
  }
}
