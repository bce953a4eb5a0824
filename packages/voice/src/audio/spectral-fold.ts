export interface SpectralFoldOptions {
  /** How much of the 0–4 kHz band is mirrored into 4–8 kHz (0: none, 1: as loud as the original). */
  strength: number;
}

/**
 * Bandwidth extension by spectral folding for 8 kHz audio upsampled to 16 kHz: `y[n] = x[n]·(1 + a·(−1)ⁿ)`.
 * `x[n]·(−1)ⁿ` shifts the spectrum by half the sample rate, so the speech in 0–4 kHz appears mirrored
 * in the empty 4–8 kHz band, following the speech (fricatives stay bright, silence stays silent) the way
 * a 16 kHz acoustic model expects, instead of a constant noise floor. Stateful across frames (the sign
 * keeps alternating whatever the frame length).
 */
export class SpectralFold {
  private readonly strength: number;
  private parity = 0;

  constructor(options: SpectralFoldOptions) {
    this.strength = options.strength;
  }

  /** Folds in place and returns the same array. */
  process(pcm: Int16Array): Int16Array {
    const a = this.strength;
    for (let i = 0; i < pcm.length; i++) {
      const v = pcm[i]! * (this.parity === 0 ? 1 + a : 1 - a);
      this.parity ^= 1;
      pcm[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v);
    }
    return pcm;
  }
}
