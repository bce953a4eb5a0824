import { SLOW_ENTITIES } from "../brain.ts";
import type { ExpectedEntity } from "../brain.ts";
import { frames } from "../frames.ts";
import type { Direction, Frame } from "../frames.ts";
import { FrameProcessor } from "../processor.ts";

/** Per-agent turn-taking settings (milliseconds of audio). */
export interface TurnSettings {
  /** Silence that ends the caller's turn. */
  silenceMs: number;
  /** Silence that ends the turn while the brain expects a slow entity (phone, date, name…). */
  entitySilenceMs: number;
  /** Silence that ends the turn once the partial transcript already completes what the brain asked. */
  completeSilenceMs: number;
  /** Speech needed before a caller turn starts. */
  minSpeechMs: number;
  /** A turn longer than this is ended regardless. */
  maxTurnMs: number;
  /** Speech needed to interrupt the agent while it is speaking (a cough or blip must not). */
  bargeInMs: number;
}

export const DEFAULT_TURN_SETTINGS: Readonly<TurnSettings> = Object.freeze({
  silenceMs: 600,
  entitySilenceMs: 1400,
  completeSilenceMs: 300,
  minSpeechMs: 200,
  maxTurnMs: 30_000,
  bargeInMs: 300,
});

/** At most this much quiet speech before silence counts towards the window (fvad's hangover is ≤ 180 ms). */
const MAX_HANGOVER_CREDIT_MS = 200;

export interface TurnTakerOptions {
  settings?: Partial<TurnSettings>;
  /** What the brain expects next (`BrainSession.expecting`). */
  expecting?: () => ExpectedEntity;
  /**
   * Semantic endpointing: does this partial transcript already fully answer what the brain asked
   * (`BrainSession.isCompleteUtterance`)? Then `completeSilenceMs` ends the turn instead of the
   * full window. Partials reach this processor travelling up from the recogniser.
   */
  completes?: (partial: string) => boolean;
  /** While a slow entity is expected: the partial is plainly not that entity (`BrainSession.isOffEntity`), so the normal window applies. */
  offEntity?: (partial: string) => boolean;
  /** Non-speech that discards speech gathered before a turn started (separates blips from words). */
  candidateGapMs?: number;
  /** `user-turn-ending` is sent this long before the silence window closes (default 150 ms; 0 = never). */
  finalLeadMs?: number;
}

/**
 * Endpointing and barge-in on the audio timeline (each `audio-in` frame advances time by its
 * length), so behaviour is the same in tests and live. Needs `audio-in.speech` from a VAD processor
 * upstream and `agent-speaking` frames coming up from the output transport.
 */
export class TurnTakerProcessor extends FrameProcessor {
  readonly settings: TurnSettings;
  private readonly expecting: () => ExpectedEntity;
  private readonly completes: ((partial: string) => boolean) | undefined;
  private readonly offEntity: ((partial: string) => boolean) | undefined;
  private readonly candidateGapMs: number;
  private readonly finalLeadMs: number;
  /** `user-turn-ending` was sent and no voiced frame has come since. */
  private ending = false;
  /** The latest partial transcript of this turn fully answers the brain's question. */
  private complete = false;
  /** The latest partial is plainly not the slow entity the brain expects. */
  private notTheEntity = false;
  private agentSpeaking = false;
  private inTurn = false;
  private candidateSpeechMs = 0;
  private candidateGapRun = 0;
  private candidateMs = 0;
  private turnMs = 0;
  private silenceRun = 0;
  /** Quiet speech frames (`audio-in.quiet`) just before now: the detector's hangover if silence follows. */
  private quietTail = 0;

  constructor(options: TurnTakerOptions = {}) {
    super("turn-taker");
    this.settings = { ...DEFAULT_TURN_SETTINGS, ...options.settings };
    this.expecting = options.expecting ?? (() => "none");
    this.completes = options.completes;
    this.offEntity = options.offEntity;
    this.candidateGapMs = options.candidateGapMs ?? 200;
    this.finalLeadMs = options.finalLeadMs ?? 150;
  }

  /** The silence window in force now. */
  currentSilenceMs(): number {
    const window = SLOW_ENTITIES.has(this.expecting()) && !this.notTheEntity ? this.settings.entitySilenceMs : this.settings.silenceMs;
    return this.complete ? Math.min(window, this.settings.completeSilenceMs) : window;
  }

  protected override process(frame: Frame, direction: Direction): void {
    switch (frame.type) {
      case "audio-in":
        if (direction === "down") {
          this.onAudio(frame.pcm.length, frame.sampleRate, frame.speech === true, frame.quiet === true, frame);
          return;
        }
        break;
      case "agent-speaking":
        this.agentSpeaking = frame.speaking;
        break;
      case "transcript":
        if (direction === "up") {
          // A partial judged complete keeps the short window until a later partial says otherwise.
          if (this.inTurn && !frame.final) {
            if (this.completes) this.complete = frame.text !== "" && this.completes(frame.text);
            if (this.offEntity) this.notTheEntity = frame.text !== "" && SLOW_ENTITIES.has(this.expecting()) && this.offEntity(frame.text);
          }
          return;
        }
        break;
      case "interrupt":
        // Whoever interrupted, the agent is no longer speaking.
        this.agentSpeaking = false;
        break;
      default:
        break;
    }
    this.emit(frame, direction);
  }

  private onAudio(samples: number, sampleRate: number, speech: boolean, quiet: boolean, frame: Frame): void {
    const ms = (samples * 1000) / sampleRate;
    if (!this.inTurn) {
      if (speech) {
        this.candidateSpeechMs += ms;
        this.candidateGapRun = 0;
      } else if (this.candidateSpeechMs > 0) {
        this.candidateGapRun += ms;
        if (this.candidateGapRun >= this.candidateGapMs) this.candidateSpeechMs = 0;
      }
      this.candidateMs = this.candidateSpeechMs > 0 ? this.candidateMs + ms : 0;
      const needed = this.agentSpeaking ? Math.max(this.settings.bargeInMs, this.settings.minSpeechMs) : this.settings.minSpeechMs;
      if (this.candidateSpeechMs >= needed) this.startTurn();
      this.emit(frame, "down");
      return;
    }
    this.turnMs += ms;
    let resumed = false;
    if (speech) {
      this.silenceRun = 0;
      this.quietTail = quiet ? Math.min(this.quietTail + ms, MAX_HANGOVER_CREDIT_MS) : 0;
      if (this.ending && !quiet) {
        this.ending = false;
        resumed = true;
      }
    } else {
      // The silence window counts from the end of the words, not from the end of the VAD's hangover.
      this.silenceRun = (this.silenceRun === 0 ? this.quietTail : this.silenceRun) + ms;
      this.quietTail = 0;
    }
    this.emit(frame, "down");
    if (resumed) this.emit({ type: "user-turn-resumed", lane: "data" }, "down");
    const window = this.currentSilenceMs();
    if (this.silenceRun >= window) this.endTurn("silence");
    else if (this.turnMs >= this.settings.maxTurnMs) this.endTurn("max-length");
    else if (!this.ending && this.finalLeadMs > 0 && this.silenceRun > 0 && this.silenceRun >= window - this.finalLeadMs) {
      this.ending = true;
      this.emit({ type: "user-turn-ending", lane: "data", leadMs: window - this.silenceRun }, "down");
    }
  }

  private startTurn(): void {
    const bargeIn = this.agentSpeaking;
    if (bargeIn) {
      this.agentSpeaking = false;
      const interrupt = frames.interrupt("barge-in");
      this.emit(interrupt, "up");
      this.emit(interrupt, "down");
    }
    this.inTurn = true;
    this.ending = false;
    this.complete = false;
    this.notTheEntity = false;
    this.turnMs = this.candidateMs;
    this.silenceRun = 0;
    this.quietTail = 0;
    this.candidateSpeechMs = 0;
    this.candidateGapRun = 0;
    this.candidateMs = 0;
    this.emit(frames.userTurnStart(bargeIn), "down");
  }

  private endTurn(reason: "silence" | "max-length"): void {
    this.inTurn = false;
    this.ending = false;
    this.complete = false;
    this.notTheEntity = false;
    this.emit(frames.userTurnEnd(reason, this.silenceRun), "down");
    this.turnMs = 0;
    this.silenceRun = 0;
    this.quietTail = 0;
  }
}
