import { systemTimerClock, type TimerClock } from "@orbis/ports";

/** Implementations of the pipeline's `TimerClock` (@orbis/ports): a fake one for tests, a coalescing one for pacing. */

/** A clock that only moves when told to; timers fire in time order during `advance`. */
export class FakeClock implements TimerClock {
  private t: number;
  private nextId = 1;
  private timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves time forward by `ms`, firing due timers; `lateness` delays each firing to simulate a busy loop. */
  advance(ms: number, lateness = 0): void {
    const target = this.t + ms;
    for (;;) {
      let nextId = -1;
      let nextAt = Infinity;
      for (const [id, timer] of this.timers) {
        if (timer.at < nextAt) {
          nextAt = timer.at;
          nextId = id;
        }
      }
      if (nextId < 0 || nextAt + lateness > target) break;
      const timer = this.timers.get(nextId)!;
      this.timers.delete(nextId);
      this.t = Math.max(this.t, nextAt + lateness);
      timer.fn();
    }
    this.t = target;
  }

  get pendingTimers(): number {
    return this.timers.size;
  }
}

interface CoalescedTimer {
  fn: (() => void) | undefined;
}

/**
 * A clock whose timers share one underlying timer per `quantumMs` slot: a process pacing a thousand
 * calls at 20 ms arms at most 20 / quantumMs timers per frame period instead of a thousand. Timers
 * fire at the end of their slot, so at most `quantumMs` late, never early.
 */
export class CoalescingClock implements TimerClock {
  private readonly slots = new Map<number, CoalescedTimer[]>();

  constructor(
    private readonly base: TimerClock,
    private readonly quantumMs = 2,
  ) {}

  now(): number {
    return this.base.now();
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const now = this.base.now();
    const slot = Math.ceil((now + Math.max(0, ms)) / this.quantumMs) * this.quantumMs;
    const timer: CoalescedTimer = { fn };
    const waiting = this.slots.get(slot);
    if (waiting) waiting.push(timer);
    else {
      this.slots.set(slot, [timer]);
      this.base.setTimeout(() => this.fire(slot), slot - now);
    }
    return timer;
  }

  clearTimeout(handle: unknown): void {
    if (handle && typeof handle === "object" && "fn" in handle) (handle as CoalescedTimer).fn = undefined;
  }

  /** Slots armed and not yet fired. */
  get pendingSlots(): number {
    return this.slots.size;
  }

  private fire(slot: number) {
    const timers = this.slots.get(slot);
    this.slots.delete(slot);
    if (!timers) return;
    for (const timer of timers) {
      const fn = timer.fn;
      timer.fn = undefined;
      fn?.();
    }
  }
}

/** The process-wide clock for 20 ms output pacing: one timer per 2 ms slot shared by every call. */
export const pacingClock: TimerClock = new CoalescingClock(systemTimerClock, 2);
