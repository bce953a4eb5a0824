import { frames } from "../frames.ts";
import type { Direction, Frame } from "../frames.ts";
import type { SttProvider, SttStream } from "@orbis/ports";
import { FrameProcessor } from "../processor.ts";

export interface SttProcessorOptions {
  provider: SttProvider;
  /** Audio kept from before the turn started (the turn-taker needs `minSpeechMs` to decide). */
  preRollMs?: number;
  /** Forward `audio-in` downstream too (default: consumed here). */
  forwardAudio?: boolean;
  /** What the brain expects from the caller's next turn; told to the recogniser as each turn starts. */
  expecting?: () => string;
}

/**
 * Feeds caller turns to a streaming recogniser. Partials also travel up (semantic endpointing).
 * Contract downstream: `transcript` partials during
 * the turn, then `user-turn-end` as soon as the turn-taker decides it, then exactly one final
 * `transcript` for the turn (possibly empty) once the recogniser has finalised. The recogniser
 * finalises at `user-turn-ending`, so the final is usually ready when the turn ends; if the caller
 * speaks again (`user-turn-resumed`) the turn's audio is decoded again from its start.
 */
export class SttProcessor extends FrameProcessor {
  private readonly provider: SttProvider;
  private readonly preRollFrames: number;
  private readonly forwardAudio: boolean;
  private readonly expecting: (() => string) | undefined;
  private readonly preRoll: Int16Array[] = [];
  private stream: SttStream | undefined;
  private opening: Promise<SttStream> | undefined;
  /** After `end`: a recogniser that finishes opening now is closed at once (it holds native memory). */
  private ended = false;
  private inTurn = false;
  private lastPartial = "";
  /** This turn's audio (pre-roll included), to decode again if the caller speaks after an early final. */
  private turnAudio: Int16Array[] = [];
  /** The final asked for at `user-turn-ending`, while the caller stays quiet. */
  private early: Promise<string> | undefined;

  constructor(options: SttProcessorOptions) {
    super("stt");
    this.provider = options.provider;
    this.preRollFrames = Math.ceil((options.preRollMs ?? 400) / 20);
    this.forwardAudio = options.forwardAudio ?? false;
    this.expecting = options.expecting;
  }

  protected override process(frame: Frame, direction: Direction): void | Promise<void> {
    if (direction === "up") return this.emit(frame, "up");
    switch (frame.type) {
      case "audio-in":
        if (this.ended) return;
        if (!this.stream)
          return this.open().then(() => {
            if (!this.ended) this.onAudio(frame.pcm, frame);
          });
        return this.onAudio(frame.pcm, frame);
      case "user-turn-start":
        this.emit(frame);
        this.inTurn = true;
        this.lastPartial = "";
        this.early = undefined;
        this.turnAudio = [...this.preRoll];
        if (this.stream && this.expecting) this.stream.expect?.(this.expecting());
        if (this.stream) for (const pcm of this.preRoll) this.stream.push(pcm);
        this.preRoll.length = 0;
        return;
      case "user-turn-ending":
        this.emit(frame);
        // Finalise now: the turn most likely ends before the recogniser would have finished.
        if (this.inTurn && this.stream && !this.early) {
          const early = this.stream.endUtterance(this.signal);
          this.early = early;
          // Downstream as an early partial: the brain may work out its answer while the turn ends.
          early.then(
            (text) => {
              if (this.early === early && text.trim()) this.emit({ type: "transcript", lane: "data", text: text.trim(), final: false, early: true });
            },
            () => {},
          );
        }
        return;
      case "user-turn-resumed":
        this.emit(frame);
        if (this.early) {
          // The caller went on: that final is void; the recogniser hears the whole turn again.
          this.early = undefined;
          for (const pcm of this.turnAudio) this.stream!.push(pcm);
        }
        return;
      case "user-turn-end":
        return this.finishTurn(frame);
      case "end":
        this.ended = true;
        this.stream?.close();
        this.stream = undefined;
        return this.emit(frame);
      default:
        return this.emit(frame);
    }
  }

  protected override onInterrupt(): void {
    if (this.inTurn) {
      this.stream?.abort();
      this.inTurn = false;
      this.early = undefined;
      this.turnAudio = [];
    }
  }

  private onAudio(pcm: Int16Array, frame: Frame): void {
    if (this.inTurn) {
      this.turnAudio.push(pcm);
      if (!this.early) this.stream!.push(pcm);
    } else {
      this.preRoll.push(pcm);
      if (this.preRoll.length > this.preRollFrames) this.preRoll.shift();
    }
    if (this.forwardAudio) this.emit(frame);
  }

  private async finishTurn(frame: Frame): Promise<void> {
    this.emit(frame);
    if (!this.inTurn) return;
    this.inTurn = false;
    const signal = this.signal;
    const early = this.early;
    this.early = undefined;
    this.turnAudio = [];
    const text = early ? await early : await this.finalOfOpenStream(signal);
    if (text !== undefined) this.emitFor(signal, frames.transcript(text.trim(), true));
  }

  /** The final of the recogniser, opened if need be; none once the call has ended (its recogniser is closed). */
  private async finalOfOpenStream(signal: AbortSignal): Promise<string | undefined> {
    if (this.ended) return undefined;
    const stream = this.stream ?? (await this.open());
    return this.ended ? undefined : stream.endUtterance(signal);
  }

  private open(): Promise<SttStream> {
    this.opening ??= this.provider
      .createStream({
        onPartial: (text) => {
          if (!this.inTurn || text === this.lastPartial || text === "") return;
          this.lastPartial = text;
          const partial = frames.transcript(text, false);
          this.emit(partial);
          // Upstream too: the turn-taker ends the turn sooner when the words already answer the question.
          this.emit(partial, "up");
        },
      })
      .then((stream) => {
        // The call ended while the recogniser was opening: nobody will close it later.
        if (this.ended) stream.close();
        else this.stream = stream;
        return stream;
      });
    return this.opening;
  }
}
