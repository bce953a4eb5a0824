import type { TimerClock } from "@orbis/ports";
import { Framer } from "./framer.ts";
import { RollingStats } from "./stats.ts";

export interface OutputPacerOptions {
  clock: TimerClock;
  sampleRate: number;
  frameMs?: number;
  /** Called once per frame period with exactly one frame. */
  send(frame: Int16Array): void;
  /** Playback started (first frame sent) or the queue ran dry. */
  onSpeaking?(speaking: boolean): void;
  /** How late each frame left (ms), for a process-wide histogram. */
  onDelay?(lateMs: number): void;
}

/**
 * Sends queued audio in exact frames on a steady schedule (t0 + n·frameMs, so lateness does not
 * accumulate) and records how late each frame left. Clients then never receive bursts.
 */
export class OutputPacer {
  readonly frameMs: number;
  private readonly framer: Framer;
  private readonly queue: Int16Array[] = [];
  private readonly delays = new RollingStats();
  private timer: unknown;
  private startedAt = 0;
  private ticks = 0;
  private sentSinceStart = 0;
  private speaking = false;

  constructor(private readonly options: OutputPacerOptions) {
    this.frameMs = options.frameMs ?? 20;
    this.framer = new Framer((options.sampleRate * this.frameMs) / 1000);
  }

  /** Queues audio of any length; it is sent in whole frames (the tail is padded at `flush`). */
  enqueue(pcm: Int16Array): void {
    for (const frame of this.framer.push(pcm)) this.queue.push(frame);
    this.kick();
  }

  /** Pads and queues a trailing partial frame (end of an utterance). */
  flush(): void {
    const tail = this.framer.flush();
    if (tail) this.queue.push(tail);
    this.kick();
  }

  /** Drops everything not yet sent (barge-in); returns the milliseconds dropped. */
  clear(): number {
    const droppedMs = this.queue.length * this.frameMs + (this.framer.pendingSamples * 1000) / this.options.sampleRate;
    this.queue.length = 0;
    this.framer.clear();
    return droppedMs;
  }

  /** Audio sent since playback last started: what the caller has heard so far. */
  get playedMs(): number {
    return this.sentSinceStart * this.frameMs;
  }

  get queuedMs(): number {
    return this.queue.length * this.frameMs;
  }

  /** Send lateness per frame in ms. */
  delayStats(): { count: number; p50: number; p99: number; max: number } {
    return this.delays.summary();
  }

  stop(): void {
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.setSpeaking(false);
  }

  private kick(): void {
    if (this.timer !== undefined || this.queue.length === 0) return;
    this.startedAt = this.options.clock.now();
    this.ticks = 0;
    this.sentSinceStart = 0;
    this.tick();
  }

  private tick(): void {
    const clock = this.options.clock;
    const now = clock.now();
    const due = this.startedAt + this.ticks * this.frameMs;
    const late = now - due;
    const frame = this.queue.shift();
    if (!frame) {
      this.timer = undefined;
      this.setSpeaking(false);
      return;
    }
    this.delays.add(late > 0 ? late : 0);
    this.options.onDelay?.(late > 0 ? late : 0);
    this.setSpeaking(true);
    this.options.send(frame);
    this.sentSinceStart++;
    this.ticks++;
    // After a stall longer than two frames, restart the schedule instead of bursting to catch up.
    if (late > 2 * this.frameMs) {
      this.startedAt = now - (this.ticks - 1) * this.frameMs;
    }
    const nextDue = this.startedAt + this.ticks * this.frameMs;
    this.timer = clock.setTimeout(() => this.tick(), Math.max(0, nextDue - clock.now()));
  }

  private setSpeaking(speaking: boolean): void {
    if (speaking === this.speaking) return;
    this.speaking = speaking;
    this.options.onSpeaking?.(speaking);
  }
}
