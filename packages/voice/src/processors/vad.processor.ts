import { FrameProcessor } from "../processor.ts";
import type { Direction, Frame } from "../frames.ts";
import type { Vad } from "../ports.ts";

export interface VadProcessorOptions {
  vad: Vad;
  /** Consecutive speech before a `vad {speaking: true}` event. */
  startMs?: number;
  /** Consecutive non-speech before a `vad {speaking: false}` event. */
  stopMs?: number;
}

/**
 * Marks every `audio-in` frame with the detector's raw decision (`speech`, no allocation) and emits
 * smoothed `vad` events on transitions. Endpointing itself is the turn-taker's job.
 */
export class VadProcessor extends FrameProcessor {
  private readonly vad: Vad;
  private readonly startMs: number;
  private readonly stopMs: number;
  private speechRun = 0;
  private silenceRun = 0;
  private speaking = false;

  constructor(options: VadProcessorOptions) {
    super("vad");
    this.vad = options.vad;
    this.startMs = options.startMs ?? 60;
    this.stopMs = options.stopMs ?? 200;
  }

  protected override process(frame: Frame, direction: Direction): void {
    if (frame.type === "audio-in" && direction === "down") {
      const pcm = frame.pcm;
      const size = this.vad.frameSamples;
      let speech = false;
      if (pcm.length === size) speech = this.vad.process(pcm);
      else for (let i = 0; i + size <= pcm.length; i += size) speech = this.vad.process(pcm.subarray(i, i + size)) || speech;
      frame.speech = speech;
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
