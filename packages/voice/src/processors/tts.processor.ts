import { createResampler } from "../audio/resampler.ts";
import type { Resampler } from "../audio/resampler.ts";
import type { Direction, Frame } from "../frames.ts";
import type { TtsProvider } from "@orbis/ports";
import { FrameProcessor } from "../processor.ts";
import { splitFirstClause } from "./sentences.ts";

export interface TtsProcessorOptions {
  provider: TtsProvider;
  /** Pipeline audio rate (16 kHz); provider audio at another rate is resampled. */
  sampleRate?: number;
}

/**
 * Speaks `text` frames one sentence at a time, in order: the queue of text frames is the sentence
 * queue, so an interrupt drops the unspoken sentences and aborts the one being synthesised.
 */
export class TtsProcessor extends FrameProcessor {
  private readonly provider: TtsProvider;
  private readonly sampleRate: number;
  private resampler: Resampler | undefined;
  /** The last turn whose first sentence has been spoken. */
  private spokenTurn = -1;

  constructor(options: TtsProcessorOptions) {
    super("tts");
    this.provider = options.provider;
    this.sampleRate = options.sampleRate ?? 16000;
  }

  protected override process(frame: Frame, direction: Direction): void | Promise<void> {
    if (direction === "down" && frame.type === "text") return this.speak(frame.text, frame.turn, frame);
    if (direction === "down" && frame.type === "tts-prefetch") {
      // What the caller would hear first: the head of the sentence, as `speak` would split it.
      const part = this.provider.wholeUtterance ? splitFirstClause(frame.text)[0]! : frame.text;
      this.provider.prefetch?.(part);
      return;
    }
    if (direction === "down" && frame.type === "end") {
      this.resampler?.free();
      this.resampler = undefined;
      this.provider.close?.();
    }
    this.emit(frame, direction);
  }

  private async speak(text: string, turn: number, frame: Frame): Promise<void> {
    const signal = this.signal;
    this.emit(frame);
    if (this.provider.sampleRate !== this.sampleRate && !this.resampler) {
      this.resampler = await createResampler({ inRate: this.provider.sampleRate, outRate: this.sampleRate });
    }
    // Only the first sentence of a turn decides when the caller hears the agent; later ones are
    // synthesised while earlier ones play.
    const firstOfTurn = turn !== this.spokenTurn;
    this.spokenTurn = turn;
    const parts = firstOfTurn && this.provider.wholeUtterance ? splitFirstClause(text) : [text];
    for (const part of parts) {
      for await (const chunk of this.provider.synthesize(part, signal)) {
        if (signal.aborted) return;
        const pcm = this.resampler ? this.resampler.process(chunk) : chunk;
        // Each part carries its own words, so a barge-in records what was heard more precisely.
        if (pcm.length > 0) this.emit({ type: "audio-out", lane: "data", pcm, sampleRate: this.sampleRate, turn, text: part });
      }
    }
  }
}
