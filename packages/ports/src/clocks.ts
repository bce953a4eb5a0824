/**
 * Two clocks, one meaning each. `WallClock` answers "what time is it" (dates, opening hours, slots) in
 * business logic; `TimerClock` measures and waits in the pipeline (monotonic milliseconds and timers).
 * Tests pass a fixed or fake one.
 */

/** Calendar time, for business logic: today's date, whether the business is open, the next free slot. */
export interface WallClock {
  now(): Date;
}

export const systemWallClock: WallClock = { now: () => new Date() };

export interface FixedWallClock extends WallClock {
  set(at: Date | string): void;
  advance(ms: number): void;
}

/** A wall clock that stays at `at` until it is set or advanced. */
export function fixedWallClock(at: Date | string): FixedWallClock {
  let t = new Date(at).getTime();
  return {
    now: () => new Date(t),
    set: (v) => {
      t = new Date(v).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Monotonic time and timers, for everything in the pipeline that waits or measures. */
export interface TimerClock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimerClock: TimerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
