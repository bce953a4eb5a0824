import { describe, expect, it } from "vitest";
import { speechAvailability } from "../src/index.ts";
import { startCascade } from "./emulators/cascade.ts";
import { RECEPTIONIST_SPEC, speak } from "./fixtures.ts";

const LINE = "i would like to book a cleaning next tuesday";
const REPLY = { text: ["Sure, I can book a cleaning. ", "What time works for you?"] };
const availability = speechAvailability();

describe("cascaded cloud stack through the voice processors (emulated vendors)", () => {
  it("healthy: Deepgram → OpenAI → ElevenLabs answer the turn; records name one provider each", async () => {
    const cascade = await startCascade({ transcript: LINE, reply: REPLY });
    const turn = await cascade.turn(await speak("I would like to book a cleaning next Tuesday"));
    expect(turn.transcript).toBe(LINE);
    expect(turn.texts).toEqual(["Sure, I can book a cleaning.", "What time works for you?"]);
    expect(turn.audioSeconds).toBeGreaterThan(1);
    expect(turn.firstAudioMs).toBeGreaterThan(0);
    const served = cascade.call.takeRecords().map((r) => `${r.capability}:${r.servedBy}:${r.tried.length}`);
    expect(served).toEqual(["stt:deepgram:nova-3:1", "llm:openai:gpt-4o-mini:1", "tts:elevenlabs:rachel:1", "tts:elevenlabs:rachel:1"]);
    await cascade.close();
  });

  it.skipIf(!availability.stt)(
    "every vendor dies mid-turn → the next provider in each chain finishes the turn; no turn lost; the record shows both",
    async () => {
      const cascade = await startCascade({
        transcript: LINE,
        reply: REPLY,
        deepgram: { dieAfterFrames: 30 },
        openai: { text: ["Sure, ", "I can book a cleaning. ", "What time works for you?"], dieAfter: 1 },
        elevenlabs: { dieAfterChunks: 2 },
        phraseSpec: RECEPTIONIST_SPEC,
      });
      const turn = await cascade.turn(await speak("I would like to book a cleaning next Tuesday"));
      // Offline pocketsphinx (the STT chain's last resort) takes over from Deepgram.
      expect(turn.transcript).toMatch(/book a cleaning next tuesday/);
      expect(turn.texts.length).toBeGreaterThan(0);
      expect(turn.audioSeconds).toBeGreaterThan(1);
      const records = cascade.call.takeRecords();
      const stt = records.find((r) => r.capability === "stt");
      expect(stt).toMatchObject({ servedBy: "pocketsphinx", tried: ["deepgram:nova-3", "pocketsphinx"] });
      expect(records.find((r) => r.capability === "llm")).toMatchObject({
        servedBy: "groq:llama-3.3-70b-versatile",
        tried: ["openai:gpt-4o-mini", "groq:llama-3.3-70b-versatile"],
      });
      expect(records.find((r) => r.capability === "tts")).toMatchObject({
        servedBy: "deepgram-aura:aura-2-thalia-en",
        tried: ["elevenlabs:rachel", "deepgram-aura:aura-2-thalia-en"],
      });
      const usage = cascade.call.usage();
      expect(Object.keys(usage).sort()).toEqual(
        expect.arrayContaining([
          "deepgram-aura:aura-2-thalia-en",
          "deepgram:nova-3",
          "elevenlabs:rachel",
          "groq:llama-3.3-70b-versatile",
          "openai:gpt-4o-mini",
        ]),
      );
      await cascade.close();
    },
  );
});
