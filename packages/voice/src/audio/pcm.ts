/** PCM16 little-endian bytes ↔ samples, as vendors send and expect them. */

/** Bytes → samples, carrying an odd trailing byte to the next call. */
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
