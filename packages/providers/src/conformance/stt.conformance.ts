import { describe, expect, it } from "vitest";
import type { SttProvider } from "@orbis/ports";

export interface SttConformanceFixture {
  /** One utterance, PCM16 16 kHz, with some silence around it. */
  audio: Int16Array;
  /** What the final transcript must match. */
  expected: RegExp;
}

export interface ConformanceOptions {
  /** When set, the suite is skipped with this message (e.g. a missing system library). */
  skip?: string;
}

const frames20 = function* (pcm: Int16Array): Generator<Int16Array> {
  for (let i = 0; i + 320 <= pcm.length; i += 320) yield pcm.subarray(i, i + 320);
};

/** The behaviour every streaming STT provider must show. */
export function describeSttConformance(
  name: string,
  factory: () => SttProvider | Promise<SttProvider>,
  fixture: () => SttConformanceFixture | Promise<SttConformanceFixture>,
  options: ConformanceOptions = {},
): void {
  const suite = options.skip ? describe.skip : describe;
  describe(`STT conformance: ${name}${options.skip ? ` (skipped: ${options.skip})` : ""}`, () => {
    suite("", () => {
      it("audio in → partials during the utterance → final transcript", async () => {
        const provider = await factory();
        const { audio, expected } = await fixture();
        const partials: string[] = [];
        const stream = await provider.createStream({ onPartial: (t) => partials.push(t) });
        for (const frame of frames20(audio)) stream.push(frame);
        const text = await stream.endUtterance();
        stream.close();
        expect(text).toMatch(expected);
        expect(partials.length).toBeGreaterThan(0);
      });

      it("abort drops the utterance; the stream keeps working", async () => {
        const provider = await factory();
        const { audio, expected } = await fixture();
        const stream = await provider.createStream();
        for (const frame of frames20(audio.subarray(0, audio.length >> 1))) stream.push(frame);
        stream.abort();
        expect(await stream.endUtterance()).toBe("");
        for (const frame of frames20(audio)) stream.push(frame);
        expect(await stream.endUtterance()).toMatch(expected);
        stream.close();
      });

      it("an already aborted signal yields an empty final", async () => {
        const provider = await factory();
        const { audio } = await fixture();
        const stream = await provider.createStream();
        for (const frame of frames20(audio)) stream.push(frame);
        expect(await stream.endUtterance(AbortSignal.abort())).toBe("");
        stream.close();
      });

      it("silence gives an empty or short final, not an error", async () => {
        const provider = await factory();
        const stream = await provider.createStream();
        for (const frame of frames20(new Int16Array(16000))) stream.push(frame);
        const text = await stream.endUtterance();
        stream.close();
        expect(text.split(" ").filter(Boolean).length).toBeLessThanOrEqual(1);
      });
    });
  });
}
