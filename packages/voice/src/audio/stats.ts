/** Fixed-size ring of samples with percentiles; no allocation on `add`. */
export class RollingStats {
  private readonly values: Float64Array;
  private count = 0;
  private index = 0;
  private maxSeen = 0;

  constructor(capacity = 4096) {
    this.values = new Float64Array(capacity);
  }

  add(value: number): void {
    this.values[this.index] = value;
    this.index = (this.index + 1) % this.values.length;
    if (this.count < this.values.length) this.count++;
    if (value > this.maxSeen) this.maxSeen = value;
  }

  percentile(p: number): number {
    if (this.count === 0) return 0;
    const sorted = this.values.slice(0, this.count).sort();
    return sorted[Math.min(this.count - 1, Math.floor((p / 100) * this.count))]!;
  }

  summary(): { count: number; p50: number; p99: number; max: number } {
    return { count: this.count, p50: this.percentile(50), p99: this.percentile(99), max: this.maxSeen };
  }
}
