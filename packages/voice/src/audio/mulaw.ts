/** G.711 μ-law, bit-exact with the reference (Sun) implementation, by lookup table. */

const BIAS = 0x84;
const CLIP = 32635;

/** Segment (exponent) of a biased magnitude, indexed by `magnitude >> 7`. */
const EXPONENT = new Uint8Array(256);
for (let i = 1, exp = 0; i < 256; i++) {
  if (i >= 1 << (exp + 1)) exp++;
  EXPONENT[i] = exp;
}

/** μ-law byte → PCM16. */
export const MULAW_DECODE_TABLE = new Int16Array(256);
for (let i = 0; i < 256; i++) {
  const u = ~i & 0xff;
  const t = (((u & 0x0f) << 3) + BIAS) << ((u & 0x70) >> 4);
  MULAW_DECODE_TABLE[i] = u & 0x80 ? BIAS - t : t - BIAS;
}

export function encodeMulawSample(sample: number): number {
  let pcm = sample | 0;
  const sign = (pcm >> 8) & 0x80;
  if (sign !== 0) pcm = -pcm;
  if (pcm > CLIP) pcm = CLIP;
  pcm += BIAS;
  const exponent = EXPONENT[(pcm >> 7) & 0xff]!;
  const mantissa = (pcm >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** PCM16 → μ-law bytes; pass `out` to avoid an allocation per frame. */
export function encodeMulaw(pcm: Int16Array, out: Uint8Array = new Uint8Array(pcm.length)): Uint8Array {
  for (let i = 0; i < pcm.length; i++) out[i] = encodeMulawSample(pcm[i]!);
  return out;
}

/** μ-law bytes → PCM16; pass `out` to avoid an allocation per frame. */
export function decodeMulaw(bytes: Uint8Array, out: Int16Array = new Int16Array(bytes.length)): Int16Array {
  for (let i = 0; i < bytes.length; i++) out[i] = MULAW_DECODE_TABLE[bytes[i]!]!;
  return out;
}
