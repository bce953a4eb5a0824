import type { BrainEvent, BrainInput, BrainSession } from "../brain.ts";
import type { Direction, Frame } from "../frames.ts";
import { FrameProcessor } from "../processor.ts";
import { SentenceSplitter } from "./sentences.ts";

export interface BrainProcessorOptions {
  session: BrainSession;
  /** Speak the brain's greeting when the `start` frame arrives (default true). */
  greet?: boolean;
}

/**
 * Drives a BrainSession: the final transcript of a caller turn (or a `user-input` frame) becomes a
 * `respond` call whose events become sentence-level `text` frames, tool frames (kept through
 * interruptions) and `agent-end`. A new input cancels a reply still being produced.
 */
export class BrainProcessor extends FrameProcessor {
  private readonly session: BrainSession;
  private readonly greetOnStart: boolean;
  private turn = 0;
  private current: AbortController | undefined;

  constructor(options: BrainProcessorOptions) {
    super("brain");
    this.session = options.session;
    this.greetOnStart = options.greet ?? true;
  }

  /** Number of the agent turn being produced (0 = greeting). */
  get currentTurn(): number {
    return this.turn;
  }

  protected override process(frame: Frame, direction: Direction): void {
    this.emit(frame, direction);
    if (direction === "up") return;
    switch (frame.type) {
      case "start":
        if (this.greetOnStart) this.run((signal) => this.session.greet(signal), 0);
        break;
      case "transcript":
        if (frame.final && frame.text !== "") this.reply({ kind: "speech", text: frame.text });
        else if (frame.early && this.session.preview) this.prefetch(frame.text);
        break;
      case "user-input":
        this.reply(frame.input);
        break;
      default:
        break;
    }
  }

  protected override onInterrupt(): void {
    this.current?.abort();
    this.current = undefined;
  }

  /** The turn is ending on these words: what the agent would say first goes to the TTS ahead of time. */
  private prefetch(text: string): void {
    const signal = this.signal;
    this.session.preview!({ kind: "speech", text }, signal).then(
      (sentence) => {
        if (!sentence) return;
        const splitter = new SentenceSplitter();
        const first = splitter.push(sentence)[0] ?? splitter.flush();
        if (first) this.emitFor(signal, { type: "tts-prefetch", lane: "data", text: first });
      },
      () => {},
    );
  }

  private reply(input: BrainInput): void {
    this.turn++;
    this.run((signal) => this.session.respond(input, signal), this.turn);
  }

  private run(events: (signal: AbortSignal) => AsyncIterable<BrainEvent>, turn: number): void {
    this.current?.abort();
    const local = new AbortController();
    this.current = local;
    this.spawn(async (turnSignal) => {
      const signal = AbortSignal.any([turnSignal, local.signal]);
      const splitter = new SentenceSplitter();
      const say = (text: string): void => void this.emitFor(signal, { type: "text", lane: "data", text, turn });
      for await (const event of events(signal)) {
        if (signal.aborted) return;
        switch (event.type) {
          case "text":
            for (const sentence of splitter.push(event.text)) say(sentence);
            break;
          case "tool":
            this.emitFor(signal, { type: "tool-call", lane: "data", keep: true, turn, name: event.call.name, args: event.call.args });
            this.emitFor(signal, { type: "tool-result", lane: "data", keep: true, turn, call: event.call });
            break;
          case "transfer":
            this.emitFor(signal, { type: "transfer", lane: "data", keep: true, to: event.to, reason: event.reason });
            break;
          case "end": {
            const rest = splitter.flush();
            if (rest) say(rest);
            this.emitFor(signal, { type: "agent-end", lane: "data", keep: true, reason: event.reason });
            break;
          }
        }
      }
      const rest = splitter.flush();
      if (rest) say(rest);
      this.emitFor(signal, { type: "agent-turn-end", lane: "data", turn });
      if (this.current === local) this.current = undefined;
    });
  }
}
