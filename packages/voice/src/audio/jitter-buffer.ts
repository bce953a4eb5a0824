export interface JitterBufferOptions {
  /** Samples per frame (320 = 20 ms at 16 kHz, 160 at 8 kHz). */
  frameSamples: number;
  frameMs?: number;
  /** Frames held before playout starts (and after an underrun): the added delay. With `adaptive`, the floor. */
  targetDepth?: number;
  /** Adapt the target to measured arrival jitter (RFC 3550 estimator), between targetDepth and maxTargetDepth. */
  adaptive?: boolean;
  /** Ceiling for the adaptive target (default 10 frames). */
  maxTargetDepth?: number;
  /** Hard memory bound; beyond it the oldest frames are dropped. */
  maxDepth?: number;
}

export type JitterKind = "audio" | "plc" | "silence";

export interface JitterStats {
  received: number;
  late: number;
  duplicate: number;
  lost: number;
  concealed: number;
  overflowDrops: number;
  underruns: number;
  /** Frames played ahead of the 20 ms schedule to shed delay after a burst (none are dropped for it). */
  drained: number;
}

/**
 * Reorders frames by sequence number, absorbs arrival jitter with a bounded depth and conceals
 * losses (the last frame repeated at falling gain, then silence). `get()` is called once per frame
 * period by the pacer; when a burst leaves more than the target queued, the pacer also takes
 * `surplus` extra frames at once, so a stall on the network or the event loop costs no audio and
 * leaves no lasting delay. With `adaptive`, the target follows the measured arrival jitter.
 */
export class JitterBuffer {
  readonly frameMs: number;
  private readonly minTarget: number;
  private readonly maxTarget: number;
  private readonly maxDepth: number;
  private target: number;
  private jitterMs = 0;
  private lastTransit: number | undefined;
  private readonly frames = new Map<number, Int16Array>();
  private readonly silence: Int16Array;
  private next = 0;
  private playing = false;
  private last: Int16Array | null = null;
  private concealRun = 0;
  readonly stats: JitterStats = { received: 0, late: 0, duplicate: 0, lost: 0, concealed: 0, overflowDrops: 0, underruns: 0, drained: 0 };

  constructor(private readonly options: JitterBufferOptions) {
    this.frameMs = options.frameMs ?? 20;
    this.minTarget = Math.max(1, options.targetDepth ?? 3);
    this.maxTarget = options.adaptive ? Math.max(this.minTarget, options.maxTargetDepth ?? 10) : this.minTarget;
    this.maxDepth = Math.max(this.maxTarget, options.maxDepth ?? 50);
    this.target = this.minTarget;
    this.silence = new Int16Array(options.frameSamples);
  }

  /**
   * One frame by sequence number. `arrivalMs` (a monotonic clock) feeds the jitter estimate that
   * drives the adaptive target.
   */
  put(seq: number, pcm: Int16Array, arrivalMs?: number): "ok" | "late" | "duplicate" | "overflow" {
    if (arrivalMs !== undefined) this.observeArrival(seq, arrivalMs);
    if (this.playing && seq < this.next) {
      this.stats.late++;
      return "late";
    }
    if (this.frames.has(seq)) {
      this.stats.duplicate++;
      return "duplicate";
    }
    this.stats.received++;
    this.frames.set(seq, pcm);
    if (this.frames.size > this.maxDepth) {
      this.frames.delete(this.minSeq());
      this.stats.overflowDrops++;
      if (this.playing) this.next = this.minSeq();
      return "overflow";
    }
    return "ok";
  }

  get(): { pcm: Int16Array; kind: JitterKind } {
    if (!this.playing) {
      if (this.frames.size < this.target) return { pcm: this.silence, kind: "silence" };
      this.playing = true;
      this.next = this.minSeq();
    }
    const frame = this.frames.get(this.next);
    if (frame) {
      this.frames.delete(this.next);
      this.next++;
      this.last = frame;
      this.concealRun = 0;
      return { pcm: frame, kind: "audio" };
    }
    if (this.frames.size === 0) {
      // Underrun: rebuffer to the target depth before playing again.
      this.stats.underruns++;
      this.playing = false;
      return this.conceal();
    }
    this.stats.lost++;
    this.next++;
    return this.conceal();
  }

  /** Frames beyond the target that can be played at once (the next in order is here). */
  get surplus(): number {
    if (!this.playing || !this.frames.has(this.next)) return 0;
    return Math.max(0, this.frames.size - this.target);
  }

  /** Take one surplus frame ahead of schedule; undefined when there is none. */
  drain(): Int16Array | undefined {
    if (this.surplus === 0) return undefined;
    this.stats.drained++;
    return this.get().pcm;
  }

  /** Current target depth in frames (moves with jitter when adaptive). */
  get targetFrames(): number {
    return this.target;
  }

  /** Smoothed inter-arrival jitter (ms), RFC 3550 §6.4.1. */
  get arrivalJitterMs(): number {
    return this.jitterMs;
  }

  /** Delay this buffer currently adds. */
  get delayMs(): number {
    return this.frames.size * this.frameMs;
  }

  get depth(): number {
    return this.frames.size;
  }

  reset(): void {
    this.frames.clear();
    this.playing = false;
    this.last = null;
    this.concealRun = 0;
  }

  private observeArrival(seq: number, arrivalMs: number) {
    const transit = arrivalMs - seq * this.frameMs;
    if (this.lastTransit !== undefined) this.jitterMs += (Math.abs(transit - this.lastTransit) - this.jitterMs) / 16;
    this.lastTransit = transit;
    if (this.maxTarget === this.minTarget) return;
    // Hold about three times the mean deviation: enough for nearly all late frames without
    // making every call pay for the worst moment of one.
    const wanted = Math.ceil((3 * this.jitterMs) / this.frameMs);
    this.target = Math.min(this.maxTarget, Math.max(this.minTarget, wanted));
  }

  private conceal(): { pcm: Int16Array; kind: JitterKind } {
    this.concealRun++;
    if (!this.last || this.concealRun > 2) return { pcm: this.silence, kind: "silence" };
    this.stats.concealed++;
    const gain = this.concealRun === 1 ? 0.5 : 0.25;
    const out = new Int16Array(this.options.frameSamples);
    for (let i = 0; i < out.length; i++) out[i] = this.last[i]! * gain;
    return { pcm: out, kind: "plc" };
  }

  private minSeq(): number {
    let min = Infinity;
    for (const seq of this.frames.keys()) if (seq < min) min = seq;
    return min;
  }
}
