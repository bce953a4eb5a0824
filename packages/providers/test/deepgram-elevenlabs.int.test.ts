import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "@orbis/ports";
import { createDeepgramStt } from "../src/deepgram/deepgram-stt.ts";
import { createDeepgramTts } from "../src/deepgram/deepgram-tts.ts";
import { createElevenLabsTts } from "../src/elevenlabs/elevenlabs-tts.ts";
import { describeSttConformance, describeTtsConformance } from "../src/testing.ts";
import { startDeepgramEmulator } from "./emulators/deepgram-emulator.ts";
import type { DeepgramEmulator } from "./emulators/deepgram-emulator.ts";
import { startElevenLabsEmulator } from "./emulators/elevenlabs-emulator.ts";
import type { ElevenLabsEmulator } from "./emulators/elevenlabs-emulator.ts";
import { speak } from "./fixtures.ts";

const LINE = "i would like to book a cleaning next tuesday";
let dg: DeepgramEmulator;
let el: ElevenLabsEmulator;
beforeAll(async () => {
  dg = await startDeepgramEmulator({ transcripts: () => LINE });
  el = await startElevenLabsEmulator();
});
afterAll(async () => {
  await dg.close();
  await el.close();
});

const frames20 = function* (pcm: Int16Array): Generator<Int16Array> {
  for (let i = 0; i + 320 <= pcm.length; i += 320) yield pcm.subarray(i, i + 320);
};

describeSttConformance(
  "deepgram (emulated)",
  () => createDeepgramStt({ apiKey: "dg-test", baseUrl: dg.wsUrl }),
  async () => ({ audio: await speak("I would like to book a cleaning next Tuesday"), expected: /book a cleaning next tuesday/ }),
);
describeTtsConformance("deepgram aura (emulated)", () => createDeepgramTts({ apiKey: "dg-test", baseUrl: dg.url }));
describeTtsConformance("elevenlabs stream-input (emulated)", () => createElevenLabsTts({ apiKey: "el-test", voiceId: "voice1", baseUrl: el.wsUrl }));

describe("deepgram listen protocol details", () => {
  it("two utterances on one socket get their own finals; CloseStream at the end", async () => {
    const emu = await startDeepgramEmulator({ transcripts: ["yes please", "my name is jo"] });
    const stt = createDeepgramStt({ apiKey: "dg-test", baseUrl: emu.wsUrl });
    const stream = await stt.createStream();
    const audio = await speak("Yes please");
    for (const f of frames20(audio)) stream.push(f);
    expect(await stream.endUtterance()).toBe("yes please");
    for (const f of frames20(await speak("My name is Jo"))) stream.push(f);
    expect(await stream.endUtterance()).toBe("my name is jo");
    stream.close();
    await expect.poll(() => emu.stats.closeStreams).toBe(1);
    expect(emu.stats.finalizes).toBe(2);
    await emu.close();
  });

  it("sends KeepAlive while no audio flows", async () => {
    const emu = await startDeepgramEmulator();
    const stream = await createDeepgramStt({ apiKey: "dg-test", baseUrl: emu.wsUrl, keepAliveMs: 20 }).createStream();
    await expect.poll(() => emu.stats.keepAlives, { timeout: 2000 }).toBeGreaterThan(0);
    stream.close();
    await emu.close();
  });

  it("a bad key is a non-retryable 401; a dead socket or a stalled Finalize is retryable", async () => {
    await expect(createDeepgramStt({ apiKey: "wrong", baseUrl: dg.wsUrl }).createStream()).rejects.toMatchObject({
      name: "ProviderError",
      status: 401,
      retryable: false,
    });
    const dying = await startDeepgramEmulator({ dieAfterFrames: 10 });
    const s1 = await createDeepgramStt({ apiKey: "dg-test", baseUrl: dying.wsUrl }).createStream();
    for (const f of frames20(await speak("Hello there"))) s1.push(f);
    const err = await s1.endUtterance().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: true });
    s1.close();
    await dying.close();
    const stalled = await startDeepgramEmulator({ stallFinalize: true });
    const s2 = await createDeepgramStt({ apiKey: "dg-test", baseUrl: stalled.wsUrl, finalizeTimeoutMs: 100 }).createStream();
    for (const f of frames20(await speak("Hello there"))) s2.push(f);
    await expect(s2.endUtterance()).rejects.toMatchObject({ retryable: true });
    s2.close();
    await stalled.close();
  });
});

describe("TTS error mapping", () => {
  it("aura: 401 not retryable, 503 retryable, a dropped stream retryable", async () => {
    const collect = async (p: ReturnType<typeof createDeepgramTts>): Promise<unknown> => {
      try {
        for await (const _ of p.synthesize("Hello there, how are you today?", new AbortController().signal)) void _;
        return null;
      } catch (e) {
        return e;
      }
    };
    expect(await collect(createDeepgramTts({ apiKey: "nope", baseUrl: dg.url }))).toMatchObject({ status: 401, retryable: false });
    const e503 = await startDeepgramEmulator({ speakStatus: 503 });
    expect(await collect(createDeepgramTts({ apiKey: "dg-test", baseUrl: e503.url }))).toMatchObject({ status: 503, retryable: true });
    await e503.close();
    const dies = await startDeepgramEmulator({ speakDieAfterChunks: 2 });
    expect(await collect(createDeepgramTts({ apiKey: "dg-test", baseUrl: dies.url }))).toMatchObject({ name: "ProviderError", retryable: true });
    await dies.close();
  });

  it("elevenlabs: bad key 401, an error message non-retryable, a killed socket retryable", async () => {
    const collect = async (p: ReturnType<typeof createElevenLabsTts>): Promise<unknown> => {
      try {
        for await (const _ of p.synthesize("Hello there, how are you today?", new AbortController().signal)) void _;
        return null;
      } catch (e) {
        return e;
      }
    };
    expect(await collect(createElevenLabsTts({ apiKey: "nope", voiceId: "v", baseUrl: el.wsUrl }))).toMatchObject({ status: 401, retryable: false });
    const quota = await startElevenLabsEmulator({ errorMessage: "Quota exceeded: invalid plan" });
    expect(await collect(createElevenLabsTts({ apiKey: "el-test", voiceId: "v", baseUrl: quota.wsUrl }))).toMatchObject({ retryable: false });
    await quota.close();
    const dies = await startElevenLabsEmulator({ dieAfterChunks: 2 });
    expect(await collect(createElevenLabsTts({ apiKey: "el-test", voiceId: "v", baseUrl: dies.wsUrl }))).toMatchObject({
      name: "ProviderError",
      retryable: true,
    });
    await dies.close();
    expect(el.stats.texts.length).toBeGreaterThan(0);
  });
});
