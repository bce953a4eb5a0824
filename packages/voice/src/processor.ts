import { frames, survivesInterrupt } from "./frames.ts";
import type { Direction, Frame } from "./frames.ts";
import { ProviderError } from "@orbis/ports";

type Sink = (frame: Frame) => void;
const noSink: Sink = () => {};

/**
 * Base of every pipeline stage. Data frames are queued and processed in order, one queue per
 * direction; system frames are processed at once, even while a data frame is being awaited.
 * An `interrupt` aborts the current turn's signal and drops queued data frames except `keep` ones.
 */
export abstract class FrameProcessor {
  private downstream: Sink = noSink;
  private upstream: Sink = noSink;
  private readonly queues: Record<Direction, Frame[]> = { down: [], up: [] };
  private readonly busy: Record<Direction, boolean> = { down: false, up: false };
  private readonly loops: Record<Direction, Promise<void> | undefined> = { down: undefined, up: undefined };
  private readonly tasks = new Set<Promise<unknown>>();
  private controller = new AbortController();

  constructor(readonly name: string) {}

  /** Aborted when the current turn is interrupted; a fresh signal follows. */
  protected get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Wires neighbours; called by the pipeline. */
  connect(downstream: Sink, upstream: Sink): void {
    this.downstream = downstream;
    this.upstream = upstream;
  }

  push(frame: Frame, direction: Direction): void {
    if (frame.lane === "system") {
      if (frame.type === "interrupt") this.interruptNow();
      this.track(this.safely(frame, direction));
      return;
    }
    this.queues[direction].push(frame);
    this.pump(direction);
  }

  /** Handles one frame; the default forwards it. Return a promise only when the work is asynchronous. */
  protected process(frame: Frame, direction: Direction): void | Promise<void> {
    this.emit(frame, direction);
  }

  /** Hook run when an interrupt arrives, after the signal is aborted and queues are pruned. */
  protected onInterrupt(): void {}

  protected emit(frame: Frame, direction: Direction = "down"): void {
    if (direction === "down") this.downstream(frame);
    else this.upstream(frame);
  }

  /** Emits unless `signal` (the turn the work started in) has been interrupted since. */
  protected emitFor(signal: AbortSignal, frame: Frame, direction: Direction = "down"): boolean {
    if (signal.aborted) return false;
    this.emit(frame, direction);
    return true;
  }

  /** Runs background work tied to the current turn; `idle()` waits for it. */
  protected spawn(work: (signal: AbortSignal) => Promise<void>): void {
    const signal = this.signal;
    this.track(
      work(signal).catch((err: unknown) => {
        if (!signal.aborted) this.fail(err);
      }),
    );
  }

  /** Errors travel upstream as frames. */
  protected fail(err: unknown): void {
    const retryable = err instanceof ProviderError ? err.retryable : false;
    const message = err instanceof Error ? err.message : String(err);
    this.emit(frames.error({ source: this.name, message, retryable, fatal: false }), "up");
  }

  /** Resolves when nothing is queued, running or spawned. */
  async idle(): Promise<void> {
    for (;;) {
      const pending: Promise<unknown>[] = [...this.tasks];
      if (this.loops.down) pending.push(this.loops.down);
      if (this.loops.up) pending.push(this.loops.up);
      if (pending.length === 0) return;
      await Promise.allSettled(pending);
    }
  }

  /** Queued data frames (both directions); for tests and backpressure checks. */
  get queued(): number {
    return this.queues.down.length + this.queues.up.length;
  }

  private interruptNow(): void {
    this.controller.abort();
    this.controller = new AbortController();
    for (const direction of ["down", "up"] as const) {
      const queue = this.queues[direction];
      if (queue.length > 0) this.queues[direction] = queue.filter(survivesInterrupt);
    }
    this.onInterrupt();
  }

  private track(promise: Promise<unknown> | undefined): void {
    if (!promise) return;
    this.tasks.add(promise);
    void promise.finally(() => this.tasks.delete(promise));
  }

  private safely(frame: Frame, direction: Direction): Promise<void> | undefined {
    try {
      const result = this.process(frame, direction);
      return result ? result.catch((err: unknown) => this.fail(err)) : undefined;
    } catch (err) {
      this.fail(err);
      return undefined;
    }
  }

  private pump(direction: Direction): void {
    if (this.busy[direction]) return;
    this.busy[direction] = true;
    // Synchronous processors run without a microtask per frame; the loop turns async only when needed.
    for (;;) {
      const frame = this.queues[direction].shift();
      if (!frame) break;
      const pending = this.safely(frame, direction);
      if (pending) {
        this.loops[direction] = this.continueAsync(pending, direction);
        return;
      }
    }
    this.busy[direction] = false;
  }

  private async continueAsync(first: Promise<void>, direction: Direction): Promise<void> {
    await first;
    for (;;) {
      const frame = this.queues[direction].shift();
      if (!frame) break;
      await this.safely(frame, direction);
    }
    this.busy[direction] = false;
    this.loops[direction] = undefined;
  }
}
