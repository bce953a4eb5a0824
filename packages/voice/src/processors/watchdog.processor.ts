import { systemTimerClock, type TimerClock } from "@orbis/ports";
import type { Direction, Frame, WatchdogAction } from "../frames.ts";
import { FrameProcessor } from "../processor.ts";

export interface WatchdogOptions {
  clock?: TimerClock;
  /** Agent silence after a caller turn before the watchdog acts. */
  timeoutMs?: number;
  /** Escalation for consecutive firings; the last one repeats. */
  actions?: readonly WatchdogAction[];
  /** What the agent says for each action. */
  lines?: Partial<Record<WatchdogAction, string>>;
}

const DEFAULT_LINES: Record<WatchdogAction, string> = {
  reprompt: "Sorry, could you say that again?",
  apologise: "I'm sorry, I'm having trouble right now. Could you repeat that?",
  end: "I'm sorry, I can't help right now. Goodbye.",
};

/**
 * Recovers when the agent stays silent after a caller turn (STT stalled, brain returned nothing):
 * re-prompt, then apologise, then end the call. Place it between brain and TTS. Each firing emits a
 * kept `watchdog` frame so the session can log it on the call.
 */
export class WatchdogProcessor extends FrameProcessor {
  private readonly clock: TimerClock;
  private readonly timeoutMs: number;
  private readonly actions: readonly WatchdogAction[];
  private readonly lines: Record<WatchdogAction, string>;
  private timer: unknown;
  private attempt = 0;
  private lastTurn = 0;

  constructor(options: WatchdogOptions = {}) {
    super("watchdog");
    this.clock = options.clock ?? systemTimerClock;
    this.timeoutMs = options.timeoutMs ?? 8000;
    this.actions = options.actions ?? ["reprompt", "apologise", "end"];
    this.lines = { ...DEFAULT_LINES, ...options.lines };
  }

  get armed(): boolean {
    return this.timer !== undefined;
  }

  protected override process(frame: Frame, direction: Direction): void {
    if (direction === "down") {
      switch (frame.type) {
        case "user-turn-end":
        case "user-input":
          this.arm();
          break;
        case "text":
          this.lastTurn = frame.turn;
          this.disarm();
          this.attempt = 0;
          break;
        case "user-turn-start":
        case "agent-end":
        case "end":
          this.disarm();
          break;
        default:
          break;
      }
    }
    this.emit(frame, direction);
  }

  private arm(): void {
    this.disarm();
    this.timer = this.clock.setTimeout(() => this.fire(), this.timeoutMs);
  }

  private disarm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    this.attempt++;
    const action = this.actions[Math.min(this.attempt, this.actions.length) - 1] ?? "end";
    this.emit({ type: "watchdog", lane: "data", keep: true, action, attempt: this.attempt });
    this.emit({ type: "text", lane: "data", text: this.lines[action], turn: this.lastTurn });
    if (action === "end") this.emit({ type: "agent-end", lane: "data", keep: true, reason: "watchdog" });
  }
}
