/** A push → pull bridge from event callbacks to `for await`; `fail` ends the iteration with an error. */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiter: ((r: IteratorResult<T>) => void) | null = null;
  private failer: ((e: unknown) => void) | null = null;
  private done = false;
  private error: unknown = null;

  push(item: T): void {
    if (this.done) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = this.failer = null;
      w({ value: item, done: false });
    } else this.items.push(item);
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = this.failer = null;
      w({ value: undefined, done: true });
    }
  }

  fail(err: unknown): void {
    if (this.done) return;
    this.error = err;
    this.done = true;
    if (this.failer) {
      const f = this.failer;
      this.waiter = this.failer = null;
      f(err);
    }
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.error) return Promise.reject(this.error);
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failer = reject;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next() };
  }
}

/** PCM16 little-endian bytes → samples, carrying an odd trailing byte to the next call. */
export class Pcm16Decoder {
  private carry: Buffer | null = null;

  decode(bytes: Buffer): Int16Array {
    const buf = this.carry ? Buffer.concat([this.carry, bytes]) : bytes;
    const even = buf.length & ~1;
    this.carry = even < buf.length ? Buffer.from(buf.subarray(even)) : null;
    const out = new Int16Array(even >> 1);
    for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(i * 2);
    return out;
  }
}

export function pcmToBuffer(pcm: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i] ?? 0, i * 2);
  return out;
}

/** Slices a chunk into pieces of at most `max` samples, so consumers can stop within ~100 ms. */
export function* slices(pcm: Int16Array, max: number): Generator<Int16Array> {
  for (let i = 0; i < pcm.length; i += max) yield pcm.subarray(i, Math.min(pcm.length, i + max));
}
