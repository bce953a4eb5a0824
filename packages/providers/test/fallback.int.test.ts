import { afterEach, describe, expect, it } from "vitest";
import { fixedWallClock, ProviderError, type SttProvider, type TtsProvider } from "@orbis/ports";
import { InMemoryCalendar, InMemoryMessageSink, createLlmBrain, getBusinessTemplate } from "@orbis/brain";
import type { BrainEvent } from "@orbis/voice";
import { createDeepgramStt } from "../src/deepgram/deepgram-stt.ts";
import { createDeepgramTts } from "../src/deepgram/deepgram-tts.ts";
import { createElevenLabsTts } from "../src/elevenlabs/elevenlabs-tts.ts";
import { FallbackChatModel, FallbackStt, FallbackTts, ProviderHealth, ProviderManager, UsageMeter, costOf } from "../src/index.ts";
import { createOpenAiChatModel } from "../src/openai/openai-chat.ts";
import { startDeepgramEmulator } from "./emulators/deepgram-emulator.ts";
import { startElevenLabsEmulator } from "./emulators/elevenlabs-emulator.ts";
import { startOpenAiChatEmulator } from "./emulators/openai-chat-emulator.ts";
import { speak } from "./fixtures.ts";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});
async function track<T extends { close(): Promise<void> }>(p: Promise<T>): Promise<T> {
  const v = await p;
  closers.push(() => v.close());
  return v;
}
const frames20 = function* (pcm: Int16Array): Generator<Int16Array> {
  for (let i = 0; i + 320 <= pcm.length; i += 320) yield pcm.subarray(i, i + 320);
};
async function drain(tts: TtsProvider, text: string): Promise<Int16Array[]> {
  const out: Int16Array[] = [];
  for await (const c of tts.synthesize(text, new AbortController().signal)) out.push(c);
  return out;
}
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of it) out.push(e);
  return out;
}
const LINE = "i would like to book a cleaning next tuesday";

describe("FallbackStt", () => {
  it("the primary dies mid-utterance → the secondary hears the whole utterance; the record shows both", async () => {
    const dying = await track(startDeepgramEmulator({ transcripts: () => LINE, dieAfterFrames: 40 }));
    const healthy = await track(startDeepgramEmulator({ transcripts: () => LINE }));
    const meter = new UsageMeter();
    const stt = new FallbackStt(
      [
        { provider: createDeepgramStt({ apiKey: "dg-test", baseUrl: dying.wsUrl, id: "dg-a" }) },
        { provider: createDeepgramStt({ apiKey: "dg-test", baseUrl: healthy.wsUrl, id: "dg-b" }) },
      ],
      { health: new ProviderHealth(), meter },
    );
    const partials: string[] = [];
    const stream = await stt.createStream({ onPartial: (p) => partials.push(p) });
    const audio = await speak("I would like to book a cleaning next Tuesday");
    for (const f of frames20(audio)) stream.push(f);
    expect(await stream.endUtterance()).toBe(LINE);
    const [record] = stt.takeRecords();
    expect(record).toMatchObject({ capability: "stt", servedBy: "dg-b", tried: ["dg-a", "dg-b"], failures: [{ provider: "dg-a", retryable: true }] });
    expect(record?.switchMs).toBeGreaterThanOrEqual(0);
    // The next utterance stays on the secondary.
    for (const f of frames20(audio)) stream.push(f);
    expect(await stream.endUtterance()).toBe(LINE);
    expect(stt.takeRecords()).toMatchObject([{ servedBy: "dg-b", tried: ["dg-b"], failures: [] }]);
    stream.close();
    const usage = meter.snapshot();
    expect(usage["dg-b"]?.sttSeconds).toBeCloseTo((2 * Math.floor(audio.length / 320) * 320) / 16000, 1);
    expect(usage["dg-a"]?.sttSeconds).toBeGreaterThan(0);
  });

  it("a stalled final (no answer to Finalize) falls over within the same turn", async () => {
    const stalled = await track(startDeepgramEmulator({ transcripts: () => LINE, stallFinalize: true }));
    const healthy = await track(startDeepgramEmulator({ transcripts: () => LINE }));
    const stt = new FallbackStt(
      [
        { provider: createDeepgramStt({ apiKey: "dg-test", baseUrl: stalled.wsUrl, id: "dg-a", finalizeTimeoutMs: 60_000 }) },
        { provider: createDeepgramStt({ apiKey: "dg-test", baseUrl: healthy.wsUrl, id: "dg-b" }) },
      ],
      { health: new ProviderHealth(), meter: new UsageMeter(), finalTimeoutMs: 150 },
    );
    const stream = await stt.createStream();
    for (const f of frames20(await speak("I would like to book a cleaning next Tuesday"))) stream.push(f);
    expect(await stream.endUtterance()).toBe(LINE);
    expect(stt.takeRecords()).toMatchObject([{ servedBy: "dg-b", failures: [{ provider: "dg-a", kind: "timeout" }] }]);
    stream.close();
  });

  it("circuit breaker: a dead provider is skipped by new calls until its health check passes", async () => {
    let now = 0;
    let healthy = false;
    const health = new ProviderHealth({ failureThreshold: 2, cooldownMs: 1000, now: () => now });
    const good = await track(startDeepgramEmulator({ transcripts: () => "yes" }));
    const dead: SttProvider = {
      id: "dead",
      sampleRate: 16000,
      createStream: async () => {
        throw new ProviderError("refused", { provider: "dead", retryable: true });
      },
    };
    const chain = [
      {
        provider: dead,
        healthCheck: async () =>
          void (
            healthy ||
            (() => {
              throw new Error("still down");
            })()
          ),
      },
      { provider: createDeepgramStt({ apiKey: "dg-test", baseUrl: good.wsUrl, id: "good" }) },
    ];
    for (let call = 0; call < 2; call++) (await new FallbackStt(chain, { health, meter: new UsageMeter() }).createStream()).close();
    expect(health.status("dead").state).toBe("open");
    const calls = (): number => good.stats.connections;
    const before = calls();
    const stt = new FallbackStt(chain, { health, meter: new UsageMeter() });
    expect(health.order([dead, chain[1]!.provider]).map((p) => p.id)).toEqual(["good", "dead"]);
    (await stt.createStream()).close();
    expect(calls()).toBe(before + 1);
    now = 2000; // cooldown over: the health check runs (and fails), the provider stays out
    expect(health.isAvailable("dead")).toBe(false);
    await expect.poll(() => health.status("dead").lastError).toBe("still down");
    healthy = true;
    expect(await health.check("dead")).toBe(true);
    expect(health.status("dead").state).toBe("closed");
    expect(health.order([dead, chain[1]!.provider]).map((p) => p.id)).toEqual(["dead", "good"]);
  });
});

describe("FallbackTts", () => {
  it("ElevenLabs dies mid-sentence → Deepgram Aura speaks the sentence; both in the record and the usage", async () => {
    const el = await track(startElevenLabsEmulator({ dieAfterChunks: 3 }));
    const dg = await track(startDeepgramEmulator());
    const meter = new UsageMeter();
    const tts = new FallbackTts(
      [
        { provider: createElevenLabsTts({ apiKey: "el-test", voiceId: "v", baseUrl: el.wsUrl }) },
        { provider: createDeepgramTts({ apiKey: "dg-test", baseUrl: dg.url }) },
      ],
      { health: new ProviderHealth(), meter },
    );
    const text = "Your appointment is booked for Tuesday at nine.";
    const chunks = await drain(tts, text);
    const seconds = chunks.reduce((n, c) => n + c.length, 0) / 16000;
    expect(seconds).toBeGreaterThan(text.length * 0.06); // three chunks from the first voice, then the whole sentence again
    expect(tts.takeRecords()).toMatchObject([
      {
        capability: "tts",
        servedBy: "deepgram-aura:aura-2-thalia-en",
        tried: ["elevenlabs:v", "deepgram-aura:aura-2-thalia-en"],
        failures: [{ provider: "elevenlabs:v", kind: "error" }],
      },
    ]);
    expect(meter.snapshot()).toMatchObject({
      "elevenlabs:v": { ttsCharacters: text.length },
      "deepgram-aura:aura-2-thalia-en": { ttsCharacters: text.length },
    });
    // The failed provider is demoted for the rest of the call: the next sentence goes to Aura directly.
    await drain(tts, "See you then.");
    expect(tts.takeRecords()).toMatchObject([{ tried: ["deepgram-aura:aura-2-thalia-en"] }]);
  });

  it("a provider that never sends audio is cut off by the first-audio timeout; resampling to the chain rate", async () => {
    const el = await track(startElevenLabsEmulator({ stall: true }));
    const dg = await track(startDeepgramEmulator());
    const tts = new FallbackTts(
      [
        { provider: createElevenLabsTts({ apiKey: "el-test", voiceId: "v", baseUrl: el.wsUrl }) },
        { provider: createDeepgramTts({ apiKey: "dg-test", baseUrl: dg.url, sampleRate: 24000 }) },
      ],
      { health: new ProviderHealth(), meter: new UsageMeter(), firstAudioTimeoutMs: 150 },
    );
    expect(tts.sampleRate).toBe(16000);
    const samples = (await drain(tts, "Hello there.")).reduce((n, c) => n + c.length, 0);
    expect(samples / 16000).toBeCloseTo("Hello there.".length * 0.06, 1);
    expect(tts.takeRecords()).toMatchObject([{ failures: [{ kind: "timeout" }] }]);
  });

  it("every provider failing is a ProviderError (the pipeline reports it), not a hang", async () => {
    const tts = new FallbackTts([{ provider: createDeepgramTts({ apiKey: "x", baseUrl: "http://127.0.0.1:9" }) }], {
      health: new ProviderHealth(),
      meter: new UsageMeter(),
    });
    await expect(drain(tts, "Hello.")).rejects.toBeInstanceOf(ProviderError);
    expect(tts.takeRecords()).toMatchObject([{ servedBy: null }]);
  });
});

describe("FallbackChatModel", () => {
  it("429 before any output → the next model answers the same request", async () => {
    const a = await track(startOpenAiChatEmulator([{ status: 429 }]));
    const b = await track(startOpenAiChatEmulator([{ text: ["Hi from B."] }]));
    const meter = new UsageMeter();
    const model = new FallbackChatModel(
      [
        { provider: createOpenAiChatModel({ apiKey: "k", model: "a", baseURL: a.baseURL }) },
        { provider: createOpenAiChatModel({ apiKey: "k", model: "b", baseURL: b.baseURL }) },
      ],
      { health: new ProviderHealth(), meter },
    );
    const chunks = await collect(model.stream({ messages: [{ role: "user", content: "hi" }], tools: [], signal: new AbortController().signal }));
    expect(chunks).toEqual([
      { type: "text", text: "Hi from B." },
      { type: "done", reason: "stop" },
    ]);
    expect(b.requests[0]?.messages).toEqual([{ role: "user", content: "hi" }]);
    expect(model.takeRecords()).toMatchObject([{ servedBy: "openai:b", tried: ["openai:a", "openai:b"], failures: [{ retryable: true }] }]);
    expect(meter.snapshot()["openai:b"]?.llmTokensOut).toBeGreaterThan(0);
  });

  it("the model dies mid-reply → the next one continues; the LLM brain still books (no turn lost)", async () => {
    const start = "2026-03-10T08:00:00-04:00";
    const a = await track(startOpenAiChatEmulator([{ text: ["Sure. ", "Booking that ", "now."], dieAfter: 1 }]));
    const b = await track(
      startOpenAiChatEmulator([
        {
          text: ["Booking that now."],
          toolCalls: [{ name: "book_appointment", args: { serviceId: "cleaning", start, customerName: "Jo Park", customerPhone: "+12125550100" } }],
        },
        { text: ["You're booked."] },
      ]),
    );
    const model = new FallbackChatModel(
      [
        { provider: createOpenAiChatModel({ apiKey: "k", model: "a", baseURL: a.baseURL }) },
        { provider: createOpenAiChatModel({ apiKey: "k", model: "b", baseURL: b.baseURL }) },
      ],
      { health: new ProviderHealth(), meter: new UsageMeter() },
    );
    const template = getBusinessTemplate("dental");
    const clock = fixedWallClock("2026-03-05T14:00:00Z");
    const calendar = new InMemoryCalendar(clock);
    const brain = createLlmBrain({ model, business: template.business, agentPrompt: "", calendar, messages: new InMemoryMessageSink(clock), clock });
    const session = brain.startSession({ callId: "call_fb00000000000000000000", workspaceId: "ws_a", agentId: "agt_fb000000000000000000", channel: "twilio" });
    const events: BrainEvent[] = await collect(
      session.respond({ kind: "typed", text: "Book me a cleaning Tuesday 8am, Jo Park, 212 555 0100" }, new AbortController().signal),
    );
    expect(events).toMatchObject([
      { type: "text", text: "Sure." },
      { type: "text", text: "Booking that now." },
      { type: "tool", call: { name: "book_appointment", ok: true } },
      { type: "text", text: "You're booked." },
    ]);
    const continued = b.requests[0]?.messages ?? [];
    expect(continued.at(-2)).toEqual({ role: "assistant", content: "Sure. " });
    expect(continued.at(-1)?.content).toContain("Continue from there");
    expect(model.takeRecords()).toMatchObject([
      { servedBy: "openai:b", tried: ["openai:a", "openai:b"] },
      { servedBy: "openai:b", tried: ["openai:b"] },
    ]);
    expect(await calendar.listAppointments({ status: "booked" })).toHaveLength(1);
  });

  it("a stalled stream is cut by the chunk timeout", async () => {
    const a = await track(startOpenAiChatEmulator([{ text: ["One. ", "Two."], stallAfter: 1 }]));
    const b = await track(startOpenAiChatEmulator([{ text: ["Two."] }]));
    const model = new FallbackChatModel(
      [
        { provider: createOpenAiChatModel({ apiKey: "k", model: "a", baseURL: a.baseURL }) },
        { provider: createOpenAiChatModel({ apiKey: "k", model: "b", baseURL: b.baseURL }) },
      ],
      { health: new ProviderHealth(), meter: new UsageMeter(), chunkTimeoutMs: 150 },
    );
    const chunks = await collect(model.stream({ messages: [{ role: "user", content: "count" }], tools: [], signal: new AbortController().signal }));
    expect(chunks.filter((c) => c.type === "text").map((c) => (c.type === "text" ? c.text : ""))).toEqual(["One. ", "Two."]);
    expect(model.takeRecords()).toMatchObject([{ failures: [{ provider: "openai:a", kind: "stall" }] }]);
  });
});

describe("ProviderManager", () => {
  it("builds an agent's chains from agent.providers + credentials; skips what has no key; prices usage", async () => {
    const dg = await track(startDeepgramEmulator({ transcripts: () => "yes" }));
    const el = await track(startElevenLabsEmulator());
    const oai = await track(startOpenAiChatEmulator([{ text: ["Hello."] }]));
    const manager = new ProviderManager({
      prices: {
        deepgram: { sttPerMinute: 0.0077 },
        "openai:gpt-4o-mini": { llmPerMillionIn: 0.15, llmPerMillionOut: 0.6 },
        elevenlabs: { ttsPerMillionCharacters: 50 },
      },
    });
    const keys: Record<string, { apiKey: string; baseUrl?: string }> = {
      deepgram: { apiKey: "dg-test", baseUrl: dg.wsUrl },
      elevenlabs: { apiKey: "el-test", baseUrl: el.wsUrl },
      openai: { apiKey: "k", baseUrl: oai.baseURL },
    };
    const call = manager.createCallProviders(
      { stt: ["deepgram"], tts: ["elevenlabs", "deepgram-aura"], llm: ["openai", "groq"], options: { elevenlabs: { voiceId: "rachel" } } },
      { credentials: (v) => keys[v], cacheDir: "/tmp/orbis-lm-test" },
    );
    expect(call.stt.id).toBe("fallback(deepgram:nova-3>pocketsphinx)");
    expect(call.tts.id).toBe("fallback(elevenlabs:rachel>deepgram-aura:aura-2-thalia-en>flite:slt)");
    expect(call.llm?.id).toBe("openai:gpt-4o-mini");
    expect(call.skipped).toEqual([{ id: "groq", reason: "missing groq key" }]);
    const stream = await call.stt.createStream();
    for (const f of frames20(await speak("yes"))) stream.push(f);
    expect(await stream.endUtterance()).toBe("yes");
    stream.close();
    await drain(call.tts, "Hello there.");
    await collect(call.llm!.stream({ messages: [{ role: "user", content: "hi" }], tools: [], signal: new AbortController().signal }));
    expect(call.takeRecords().map((r) => `${r.capability}:${r.servedBy}`)).toEqual(["stt:deepgram:nova-3", "tts:elevenlabs:rachel", "llm:openai:gpt-4o-mini"]);
    const usage = call.usage();
    expect(usage["deepgram:nova-3"]?.sttSeconds).toBeGreaterThan(0);
    expect(usage["elevenlabs:rachel"]?.ttsCharacters).toBe("Hello there.".length);
    const cost = call.cost();
    expect(cost.total).toBeGreaterThan(0);
    expect(cost.byProvider["elevenlabs:rachel"]).toBeCloseTo((12 / 1e6) * 50, 10);
    expect(costOf({}, {}).total).toBe(0);
    expect(manager.describe().find((d) => d.id === "deepgram")?.health).toEqual([{ state: "closed", consecutiveFailures: 0 }]);
    call.close();
    manager.stop();
  });
});

describe("FallbackStt when the whole chain is gone", () => {
  it("the only provider dies mid-utterance → the final is a ProviderError, recorded once, and later pushes are dropped", async () => {
    const dying = await track(startDeepgramEmulator({ transcripts: () => LINE, dieAfterFrames: 20 }));
    const stt = new FallbackStt([{ provider: createDeepgramStt({ apiKey: "dg-test", baseUrl: dying.wsUrl, id: "dg-a" }) }], {
      health: new ProviderHealth(),
      meter: new UsageMeter(),
    });
    const stream = await stt.createStream();
    const audio = await speak("I would like to book a cleaning next Tuesday");
    for (const f of frames20(audio)) {
      stream.push(f);
      await new Promise<void>((r) => setImmediate(r));
    }
    await expect(stream.endUtterance()).rejects.toBeInstanceOf(ProviderError);
    const records = stt.takeRecords();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ servedBy: null, tried: ["dg-a"], failures: [{ provider: "dg-a" }] });
    stream.close();
  });
});
