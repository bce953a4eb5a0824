import { describe, expect, it } from "vitest";
import type { TtsProvider } from "@orbis/ports";
import type { ConformanceOptions } from "./stt.conformance.ts";

async function collect(provider: TtsProvider, text: string, signal: AbortSignal, stopAfter = Infinity): Promise<Int16Array[]> {
  const chunks: Int16Array[] = [];
  for await (const chunk of provider.synthesize(text, signal)) {
    chunks.push(chunk);
    if (chunks.length >= stopAfter) break;
  }
  return chunks;
}

/** The behaviour every TTS provider must show. */
export function describeTtsConformance(name: string, factory: () => TtsProvider | Promise<TtsProvider>, options: ConformanceOptions = {}): void {
  const suite = options.skip ? describe.skip : describe;
  suite(`TTS conformance: ${name}`, () => {
    it("text in → PCM16 audio out, about as long as the sentence", async () => {
      const provider = await factory();
      const chunks = await collect(provider, "Your appointment is booked for Tuesday at nine.", new AbortController().signal);
      const samples = chunks.reduce((n, c) => n + c.length, 0);
      const seconds = samples / provider.sampleRate;
      expect(chunks.every((c) => c instanceof Int16Array)).toBe(true);
      expect(seconds).toBeGreaterThan(1);
      expect(seconds).toBeLessThan(8);
      const peak = chunks.reduce((m, c) => Math.max(m, ...c.map(Math.abs)), 0);
      expect(peak).toBeGreaterThan(1000);
      provider.close?.();
    });

    it("an aborted signal yields nothing", async () => {
      const provider = await factory();
      expect(await collect(provider, "This should never be heard.", AbortSignal.abort())).toEqual([]);
      provider.close?.();
    });

    it("abort during synthesis stops the audio early", async () => {
      const provider = await factory();
      const controller = new AbortController();
      const chunks: Int16Array[] = [];
      for await (const chunk of provider.synthesize("One two three four five six seven eight nine ten eleven twelve.", controller.signal)) {
        chunks.push(chunk);
        controller.abort();
      }
      const full = await collect(provider, "One two three four five six seven eight nine ten eleven twelve.", new AbortController().signal);
      expect(chunks.length).toBe(1);
      expect(full.length).toBeGreaterThan(1);
      provider.close?.();
    });

    it("empty text yields nothing", async () => {
      const provider = await factory();
      expect(await collect(provider, "   ", new AbortController().signal)).toEqual([]);
      provider.close?.();
    });
  });
}
