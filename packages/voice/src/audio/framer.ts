/** Samples in one 20 ms frame at `sampleRate`. */
export const frameSamples = (sampleRate: number, ms = 20): number => (sampleRate * ms) / 1000;

/**
 * Accumulates PCM16 chunks of any size into exact fixed-size frames (20 ms by default). Whole frames
 * inside a chunk are views of it, not copies (a 20 ms frame in, the same frame out: no allocation per
 * frame on the hot path), so a chunk must not be modified after it was pushed.
 */
export class Framer {
  private readonly pending: Int16Array;
  private fill = 0;

  constructor(readonly samplesPerFrame = 320) {
    this.pending = new Int16Array(samplesPerFrame);
  }

  /** Returns the complete frames this chunk finishes (possibly none); the remainder waits. */
  push(chunk: Int16Array): Int16Array[] {
    const out: Int16Array[] = [];
    let offset = 0;
    const size = this.samplesPerFrame;
    if (this.fill > 0) {
      const take = Math.min(size - this.fill, chunk.length);
      this.pending.set(chunk.subarray(0, take), this.fill);
      this.fill += take;
      offset = take;
      if (this.fill < size) return out;
      out.push(this.pending.slice());
      this.fill = 0;
    }
    while (chunk.length - offset >= size) {
      out.push(chunk.subarray(offset, offset + size));
      offset += size;
    }
    if (offset < chunk.length) {
      this.pending.set(chunk.subarray(offset), 0);
      this.fill = chunk.length - offset;
    }
    return out;
  }

  /** The partial frame zero-padded to full size, or null when nothing is pending. */
  flush(): Int16Array | null {
    if (this.fill === 0) return null;
    const frame = new Int16Array(this.samplesPerFrame);
    frame.set(this.pending.subarray(0, this.fill));
    this.fill = 0;
    return frame;
  }

  clear(): void {
    this.fill = 0;
  }

  get pendingSamples(): number {
    return this.fill;
  }
}
