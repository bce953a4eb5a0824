import { mulberry32 } from "./prng.ts";

export interface BandFillOptions {
  /** Noise amplitude as a fraction of full scale. 0.02 (≈ −34 dBFS) was best on synthetic calls; tune down (0.003–0.01) for real lines. */
  amplitude?: number;
  seed?: number;
}

/**
 * Fills the empty 4–8 kHz band of 8 kHz audio upsampled to 16 kHz with low-level noise, so the
 * 16 kHz acoustic model sees the spectrum it was trained on (docs/protocols.md, "Phone audio": 95 % → 8–12 % WER).
 * `x[i] += a·32767·(−1)^i·(r[i] + r[i−1]) / 2`: the alternating sign moves averaged white noise up
 * to the top band. Stateful across frames so the noise is continuous.
 */
export class BandFill {
  private readonly random: () => number;
  private readonly scale: number;
  private prev = 0;
  private parity = 0;

  constructor(options: BandFillOptions = {}) {
    this.random = mulberry32(options.seed ?? 0x5eed);
    this.scale = (options.amplitude ?? 0.02) * 32767;
  }

  /** Adds the fill in place and returns the same array. */
  process(pcm: Int16Array): Int16Array {
    for (let i = 0; i < pcm.length; i++) {
      const r = this.random() * 2 - 1;
      const sign = this.parity === 0 ? 1 : -1;
      this.parity ^= 1;
      const v = pcm[i]! + this.scale * sign * (r + this.prev) * 0.5;
      this.prev = r;
      pcm[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    return pcm;
  }
}
