export interface ReorderBufferOptions {
  /** Samples per frame (160 = 20 ms at 8 kHz). */
  frameSamples: number;
  frameMs?: number;
  /** How long a missing frame is waited for once a later one has arrived, before it counts as lost. */
  maxWaitMs?: number;
  /** Hard memory bound on frames held behind a gap; beyond it the gap is given up at once. */
  maxFrames?: number;
}

export interface ReorderedFrame {
  pcm: Int16Array;
  kind: "audio" | "plc";
  /** Time this frame spent held here (0 for a frame that arrived in order). */
  heldMs: number;
}

export interface ReorderStats {
  received: number;
  late: number;
  duplicate: number;
  lost: number;
  concealed: number;
  /** Gaps given up early because too many frames queued behind them. */
  overflowDrops: number;
}

/**
 * Inbound audio for a recogniser rather than a listener: frames leave in sequence order the moment
 * they can — no playout clock, so no added delay and no concealment inserted into speech when the
 * network or the event loop delivers in bursts. Only a missing frame holds the ones behind it, for at
 * most `maxWaitMs`; then it is concealed (the last frame at half gain, then silence) and counted lost.
 * Also measures inter-arrival jitter (RFC 3550 §6.4.1) for metrics.
 */
export class ReorderBuffer {
  readonly frameMs: number;
  readonly maxWaitMs: number;
  private readonly maxFrames: number;
  private readonly held = new Map<number, { pcm: Int16Array; at: number }>();
  private readonly silence: Int16Array;
  private next: number | undefined;
  private last: Int16Array | null = null;
  private concealRun = 0;
  private gapSince: number | undefined;
  private jitter = 0;
  private lastTransit: number | undefined;
  readonly stats: ReorderStats = { received: 0, late: 0, duplicate: 0, lost: 0, concealed: 0, overflowDrops: 0 };

  constructor(options: ReorderBufferOptions) {
    this.frameMs = options.frameMs ?? 20;
    this.maxWaitMs = options.maxWaitMs ?? 60;
    this.maxFrames = options.maxFrames ?? 50;
    this.silence = new Int16Array(options.frameSamples);
  }

  /** Smoothed inter-arrival jitter (ms). */
  get arrivalJitterMs(): number {
    return this.jitter;
  }

  /** Frames held behind a gap. */
  get heldFrames(): number {
    return this.held.size;
  }

  put(seq: number, pcm: Int16Array, nowMs: number): "ok" | "late" | "duplicate" {
    const transit = nowMs - seq * this.frameMs;
    if (this.lastTransit !== undefined) this.jitter += (Math.abs(transit - this.lastTransit) - this.jitter) / 16;
    this.lastTransit = transit;
    if (this.next !== undefined && seq < this.next) {
      this.stats.late++;
      return "late";
    }
    if (this.held.has(seq)) {
      this.stats.duplicate++;
      return "duplicate";
    }
    this.stats.received++;
    this.next ??= seq;
    this.held.set(seq, { pcm, at: nowMs });
    return "ok";
  }

  /** Frames that may leave now, in order; call after each `put` and on a timer (to give up on gaps). */
  take(nowMs: number): ReorderedFrame[] {
    const out: ReorderedFrame[] = [];
    while (this.next !== undefined && this.held.size > 0) {
      const frame = this.held.get(this.next);
      if (frame) {
        this.held.delete(this.next);
        this.next++;
        this.last = frame.pcm;
        this.concealRun = 0;
        this.gapSince = undefined;
        out.push({ pcm: frame.pcm, kind: "audio", heldMs: nowMs - frame.at });
        continue;
      }
      // A gap with later frames waiting: the missing one gets maxWaitMs from the first frame behind it.
      this.gapSince ??= this.oldestArrival();
      const overflow = this.held.size > this.maxFrames;
      if (!overflow && nowMs - this.gapSince < this.maxWaitMs) break;
      if (overflow) this.stats.overflowDrops++;
      this.stats.lost++;
      this.next++;
      out.push(this.conceal());
    }
    return out;
  }

  private oldestArrival(): number {
    let oldest = Infinity;
    for (const f of this.held.values()) if (f.at < oldest) oldest = f.at;
    return oldest;
  }

  private conceal(): ReorderedFrame {
    this.concealRun++;
    if (!this.last || this.concealRun > 2) return { pcm: this.silence, kind: "plc", heldMs: 0 };
    this.stats.concealed++;
    const gain = this.concealRun === 1 ? 0.5 : 0.25;
    const out = new Int16Array(this.last.length);
    for (let i = 0; i < out.length; i++) out[i] = this.last[i]! * gain;
    return { pcm: out, kind: "plc", heldMs: 0 };
  }
}
