import { describe, expect, it } from "vitest";
import { backoffDelay } from "../src/backoff.ts";
import { Downsampler, floatToPcm16, pcm16FromBytes, pcm16ToFloat } from "../src/pcm.ts";
import { workletSource } from "../src/worklet.ts";

describe("PCM conversion", () => {
  it("maps floats to int16 with clipping, and back", () => {
    expect(Array.from(floatToPcm16(new Float32Array([0, 1, -1, 2, -2, 0.5])))).toEqual([0, 32767, -32768, 32767, -32768, 16384]);
    const back = pcm16ToFloat(new Int16Array([0, 16384, -32768]));
    expect(Array.from(back)).toEqual([0, 0.5, -1]);
  });

  it("reads little-endian PCM16 from bytes", () => {
    const bytes = new Uint8Array([0x01, 0x00, 0xff, 0xff, 0x00, 0x80]).buffer;
    expect(Array.from(pcm16FromBytes(bytes))).toEqual([1, -1, -32768]);
  });
});

describe("Downsampler", () => {
  it.each([44_100, 48_000, 16_000, 22_050])("turns %i Hz into 16 kHz 320-sample frames at the right rate", (rate) => {
    const d = new Downsampler(rate, 16_000, 320);
    let samples = 0;
    // 1 s of input in 128-sample render quanta, as an AudioWorklet delivers it.
    for (let i = 0; i < rate; i += 128) {
      const chunk = new Float32Array(Math.min(128, rate - i)).fill(0.25);
      for (const f of d.push(chunk)) {
        expect(f.length).toBe(320);
        expect(f[0]).toBe(8192);
        samples += f.length;
      }
    }
    expect(Math.abs(samples - 16_000)).toBeLessThanOrEqual(320);
  });

  it("keeps a low tone and averages away a tone above the new Nyquist", () => {
    const rate = 48_000;
    const tone = (hz: number) => Float32Array.from({ length: rate }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));
    const rms = (hz: number) => {
      const frames = new Downsampler(rate, 16_000, 320).push(tone(hz));
      const all = frames.flatMap((f) => Array.from(f));
      return Math.sqrt(all.reduce((a, v) => a + (v / 32768) ** 2, 0) / all.length);
    };
    expect(rms(300)).toBeGreaterThan(0.3);
    expect(rms(16_000)).toBeLessThan(0.02);
  });

  it("survives stringification into the worklet module", () => {
    const posted: ArrayBuffer[] = [];
    let Processor: (new () => { process(i: Float32Array[][]): boolean }) | undefined;
    class AudioWorkletProcessor {
      port = { postMessage: (b: ArrayBuffer) => posted.push(b) };
    }
    new Function("registerProcessor", "AudioWorkletProcessor", "sampleRate", workletSource())(
      (_: string, cls: typeof Processor) => (Processor = cls),
      AudioWorkletProcessor,
      32_000,
    );
    const p = new Processor!();
    const stereo = [new Float32Array(640).fill(0.5), new Float32Array(640).fill(-0.5)];
    expect(p.process([stereo])).toBe(true);
    expect(posted).toHaveLength(1);
    expect(new Int16Array(posted[0]!)).toHaveLength(320);
    expect(new Int16Array(posted[0]!)[5]).toBe(0);
  });
});

describe("backoffDelay", () => {
  it("grows exponentially with jitter between half and the full ceiling, capped", () => {
    expect(backoffDelay(0, { random: () => 0 })).toBe(250);
    expect(backoffDelay(0, { random: () => 1 })).toBe(500);
    expect(backoffDelay(3, { random: () => 0 })).toBe(2000);
    expect(backoffDelay(3, { random: () => 1 })).toBe(4000);
    expect(backoffDelay(20, { random: () => 1 })).toBe(15_000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(4)));
    expect(spread.size).toBeGreaterThan(10);
    for (const d of spread) {
      expect(d).toBeGreaterThanOrEqual(4000);
      expect(d).toBeLessThanOrEqual(8000);
    }
  });
});
