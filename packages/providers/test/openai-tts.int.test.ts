import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "@orbis/ports";
import { ProviderManager } from "../src/manager/manager.ts";
import { createOpenAiTts } from "../src/openai/openai-tts.ts";
import { describeTtsConformance } from "../src/testing.ts";
import { startOpenAiChatEmulator } from "./emulators/openai-chat-emulator.ts";
import type { OpenAiChatEmulator } from "./emulators/openai-chat-emulator.ts";

let emu: OpenAiChatEmulator;
beforeAll(async () => {
  emu = await startOpenAiChatEmulator();
});
afterAll(() => emu.close());

describeTtsConformance("openai /audio/speech pcm (emulated)", () => createOpenAiTts({ apiKey: "sk-test", baseURL: emu.baseURL }));

describe("OpenAI TTS", () => {
  it("sends model, voice, input and response_format pcm; yields 24 kHz PCM16", async () => {
    const tts = createOpenAiTts({ apiKey: "sk-test", baseURL: emu.baseURL, voice: "coral", instructions: "warm and brief" });
    expect(tts).toMatchObject({ id: "openai-tts:gpt-4o-mini-tts:coral", sampleRate: 24000 });
    let samples = 0;
    for await (const c of tts.synthesize("You're booked for Tuesday.", new AbortController().signal)) samples += c.length;
    expect(samples / 24000).toBeCloseTo(("You're booked for Tuesday.".length * 60) / 1000, 1);
    expect(emu.speechRequests.at(-1)).toEqual({
      model: "gpt-4o-mini-tts",
      voice: "coral",
      input: "You're booked for Tuesday.",
      response_format: "pcm",
      instructions: "warm and brief",
    });
  });

  it("a revoked key is a non-retryable ProviderError", async () => {
    const tts = createOpenAiTts({ apiKey: "sk-revoked", baseURL: emu.baseURL });
    const err = await (async () => {
      for await (const _ of tts.synthesize("Hello.", new AbortController().signal)) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: false, status: 401 });
  });

  it("the manager builds it from agent.providers.tts = [openai-tts]; the chain resamples to 16 kHz and meters characters", async () => {
    const manager = new ProviderManager({});
    const call = manager.createCallProviders(
      { stt: [], tts: ["openai-tts"], llm: [], options: { "openai-tts": { voice: "ash" } } },
      { credentials: (v) => (v === "openai" ? { apiKey: "sk-test", baseUrl: emu.baseURL } : undefined), cacheDir: "/tmp" },
    );
    expect(call.skipped).toEqual([]);
    let samples = 0;
    for await (const c of call.tts.synthesize("Hello there.", new AbortController().signal)) samples += c.length;
    expect(call.tts.sampleRate).toBe(16000);
    expect(samples / 16000).toBeCloseTo(("Hello there.".length * 60) / 1000, 1);
    expect(call.usage()["openai-tts:gpt-4o-mini-tts:ash"]?.ttsCharacters).toBe("Hello there.".length);
    expect(call.takeRecords()).toMatchObject([{ capability: "tts", servedBy: "openai-tts:gpt-4o-mini-tts:ash" }]);
    call.close();
    manager.stop();
  });
});
