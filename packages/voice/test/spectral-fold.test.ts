import { describe, expect, it } from "vitest";
import { SpectralFold } from "../src/index.ts";

/** Power of one frequency in a 16 kHz signal (Goertzel). */
function power(pcm: Int16Array, hz: number): number {
  const k = 2 * Math.cos((2 * Math.PI * hz) / 16_000);
  let s1 = 0;
  let s2 = 0;
  for (const x of pcm) {
    const s = x + k * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return (s1 * s1 + s2 * s2 - k * s1 * s2) / pcm.length;
}

const tone = (hz: number, n: number, amplitude = 8000) =>
  Int16Array.from({ length: n }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 16_000)));

describe("SpectralFold", () => {
  it("mirrors a 1 kHz tone to 7 kHz at the chosen strength and keeps the tone", () => {
    const folded = new SpectralFold({ strength: 0.3 }).process(tone(1000, 3200));
    const original = power(tone(1000, 3200), 1000);
    expect(power(folded, 1000) / original).toBeCloseTo(1, 1);
    expect(power(folded, 7000) / original).toBeCloseTo(0.09, 1);
    expect(power(tone(1000, 3200), 7000) / original).toBeLessThan(0.001);
  });

  it("keeps alternating across frames of any length, and leaves silence silent", () => {
    const whole = new SpectralFold({ strength: 0.5 }).process(tone(1500, 999));
    const fold = new SpectralFold({ strength: 0.5 });
    const source = tone(1500, 999);
    const pieces = [source.slice(0, 333), source.slice(333, 700), source.slice(700)].map((p) => fold.process(p));
    expect(Int16Array.from(pieces.flatMap((p) => [...p]))).toEqual(whole);
    expect(new SpectralFold({ strength: 0.5 }).process(new Int16Array(320)).every((x) => x === 0)).toBe(true);
  });
});
