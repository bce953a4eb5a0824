import { describe, expect, it } from "vitest";
import type { Vad } from "@orbis/ports";
import type { ConformanceOptions } from "./stt.conformance.ts";

/** The behaviour every VAD must show, given a 16 kHz speech fixture. */
export function describeVadConformance(
  name: string,
  factory: () => Vad | Promise<Vad>,
  speech: () => Int16Array | Promise<Int16Array>,
  options: ConformanceOptions = {},
): void {
  const suite = options.skip ? describe.skip : describe;
  suite(`VAD conformance: ${name}`, () => {
    it("accepts 20 ms frames at its rate", async () => {
      const vad = await factory();
      expect(vad.frameSamples).toBe((vad.sampleRate * 20) / 1000);
      vad.free();
    });

    it("silence in → no speech out", async () => {
      const vad = await factory();
      const silent = new Int16Array(vad.frameSamples);
      for (let i = 0; i < 50; i++) expect(vad.process(silent)).toBe(false);
      vad.free();
    });

    it("speech in → mostly speech out", async () => {
      const vad = await factory();
      const pcm = await speech();
      let voiced = 0;
      let total = 0;
      for (let i = 0; i + vad.frameSamples <= pcm.length; i += vad.frameSamples, total++) if (vad.process(pcm.subarray(i, i + vad.frameSamples))) voiced++;
      expect(voiced / total).toBeGreaterThan(0.5);
      vad.reset();
      vad.free();
    });
  });
}
