import { systemTimerClock, type TimerClock } from "@orbis/ports";
import type { Direction, Frame, TurnLatency } from "../frames.ts";
import { FrameProcessor } from "../processor.ts";

export interface LatencyProcessorOptions {
  clock?: TimerClock;
  /** Called once per caller turn, when the first agent audio is sent (or the turn is abandoned). */
  onTurn?(metrics: TurnLatency): void;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/**
 * Records per-turn timestamps as frames pass (place it after TTS, before the output transport):
 * speech end and endpoint (`user-turn-end`), STT final, brain first text, TTS first audio, and
 * first audio sent (`agent-speaking {speaking: true}` coming up from the transport, or
 * `markAudioSent()`). Emits a kept `turn-metrics` frame with asr/llm/tts/e2e in ms.
 */
export class LatencyProcessor extends FrameProcessor {
  private readonly clock: TimerClock;
  private readonly onTurn?: (metrics: TurnLatency) => void;
  private record: TurnLatency | undefined;
  private turns = 0;

  constructor(options: LatencyProcessorOptions = {}) {
    super("latency");
    this.clock = options.clock ?? systemTimerClock;
    this.onTurn = options.onTurn;
  }

  markAudioSent(at = this.clock.now()): void {
    const r = this.record;
    if (!r || r.firstAudioSentAt !== undefined) return;
    r.firstAudioSentAt = at;
    this.complete();
  }

  protected override process(frame: Frame, direction: Direction): void {
    const now = this.clock.now();
    const r = this.record;
    switch (frame.type) {
      case "user-turn-end":
        if (r) this.complete();
        this.turns++;
        this.record = { turn: this.turns, speechEndAt: now - frame.trailingSilenceMs, endpointAt: now, endpoint_ms: frame.trailingSilenceMs };
        break;
      case "transcript":
        if (r && frame.final && r.sttFinalAt === undefined) r.sttFinalAt = now;
        break;
      case "text":
        if (r && r.brainFirstTextAt === undefined && r.sttFinalAt !== undefined) r.brainFirstTextAt = now;
        break;
      case "audio-out":
        if (r && r.ttsFirstAudioAt === undefined && r.brainFirstTextAt !== undefined) r.ttsFirstAudioAt = now;
        break;
      case "agent-speaking":
        if (frame.speaking && r && r.ttsFirstAudioAt !== undefined) {
          this.emit(frame, direction);
          this.markAudioSent(now);
          return;
        }
        break;
      default:
        break;
    }
    this.emit(frame, direction);
  }

  private complete(): void {
    const r = this.record;
    if (!r) return;
    this.record = undefined;
    if (r.sttFinalAt !== undefined) r.asr_ms = round(r.sttFinalAt - r.endpointAt);
    if (r.brainFirstTextAt !== undefined && r.sttFinalAt !== undefined) r.llm_ms = round(r.brainFirstTextAt - r.sttFinalAt);
    if (r.ttsFirstAudioAt !== undefined && r.brainFirstTextAt !== undefined) r.tts_ms = round(r.ttsFirstAudioAt - r.brainFirstTextAt);
    if (r.firstAudioSentAt !== undefined) r.e2e_ms = round(r.firstAudioSentAt - r.speechEndAt);
    this.onTurn?.(r);
    this.emit({ type: "turn-metrics", lane: "data", keep: true, metrics: r });
  }
}
