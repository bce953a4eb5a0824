import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAgentSetupFactory } from "@orbis/agent-runtime";
import { fixedWallClock as fixedClock, ProviderError } from "@orbis/ports";
import type { AppConfig } from "@orbis/config";
import { tenantScope, type Database } from "@orbis/db";
import { ProviderManager, type UsageSlice } from "@orbis/providers";
import { startDeepgramEmulator, type DeepgramEmulator } from "../../packages/providers/test/emulators/deepgram-emulator.ts";
import { startElevenLabsEmulator, type ElevenLabsEmulator } from "../../packages/providers/test/emulators/elevenlabs-emulator.ts";
import { startGeminiLiveEmulator, type GeminiLiveEmulator } from "../../packages/providers/test/emulators/gemini-live-emulator.ts";
import { startOpenAiChatEmulator, type OpenAiChatEmulator } from "../../packages/providers/test/emulators/openai-chat-emulator.ts";
import { simulateCall } from "@orbis/gateway/caller";
import { credentialResolver, offlineSpeechStack, providerPipeline } from "@orbis/gateway";
import { createTenant, startGateway, WIDGET_ORIGIN, type GatewayHarness } from "./harness.ts";

/** 2026-03-10 08:00 New York, a Tuesday the dental template is open, in the future of the fixed clock. */
const START = "2026-03-10T08:00:00-04:00";
const clock = fixedClock("2026-03-05T14:00:00Z");

let gemini: GeminiLiveEmulator;
let deepgram: DeepgramEmulator;
let elevenlabs: ElevenLabsEmulator;
let openai: OpenAiChatEmulator;
let manager: ProviderManager;
let h: GatewayHarness;

beforeAll(async () => {
  gemini = await startGeminiLiveEmulator({
    apiKey: "gm-workspace-key",
    turns: [
      // Answer to the cue the gateway sends when the call connects (text input: not transcribed).
      { heard: "", reply: "Thanks for calling Bright Smile Dental, how can I help?" },
      {
        heard: "I would like to book a cleaning next Tuesday",
        toolCall: { name: "book_appointment", args: { serviceId: "cleaning", start: START, customerName: "Jo Park", customerPhone: "+12125550100" } },
        reply: "You're booked for Tuesday at eight.",
      },
      // Typed input goes in as text too.
      { heard: "", reply: "We accept most insurance plans." },
    ],
  });
  deepgram = await startDeepgramEmulator({ transcripts: () => "what are your opening hours" });
  elevenlabs = await startElevenLabsEmulator();
  openai = await startOpenAiChatEmulator(() => ({ text: ["We are open ", "Monday to Friday, eight to five."] }));
  // One manager for the process, as in `orbis start`; the test reaches into its breakers.
  manager = new ProviderManager({});
  const pipelineFor = (db: Database, config: AppConfig) =>
    providerPipeline({
      speech: offlineSpeechStack(mkdtempSync(join(tmpdir(), "orbis-gw-providers-"))),
      manager,
      credentials: credentialResolver(config),
      setups: createAgentSetupFactory(db, { clock }),
      prices: config.prices,
      cacheDir: mkdtempSync(join(tmpdir(), "orbis-gw-lm-")),
    });
  h = await startGateway({
    pipelineFor,
    config: {
      providerKeys: {
        // Gemini: only the endpoint is platform-wide; the key is the workspace's own (stored encrypted).
        gemini: { baseUrl: gemini.baseUrl },
        deepgram: { apiKey: "dg-test", baseUrl: deepgram.wsUrl },
        elevenlabs: { apiKey: "el-test", baseUrl: elevenlabs.wsUrl },
        openai: { apiKey: "sk-test", baseUrl: openai.baseURL },
      },
    },
  });
}, 60_000);
afterAll(async () => {
  await h?.close();
  manager?.stop();
  await Promise.all([gemini?.close(), deepgram?.close(), elevenlabs?.close(), openai?.close()]);
});
afterEach(() => manager.health.recordSuccess("gemini-live"));

async function realtimeTenant() {
  const t = await createTenant(h, { providers: { realtime: "gemini-live" } });
  const put = await h.app.inject({
    method: "PUT",
    url: "/v1/credentials/gemini",
    headers: { authorization: `Bearer ${t.token}` },
    payload: { apiKey: "gm-workspace-key" },
  });
  expect(put.statusCode, put.body).toBe(200);
  return t;
}

async function endedCall(workspaceId: string, callId: string) {
  const tenant = tenantScope(h.db, workspaceId);
  await expect.poll(async () => (await tenant.calls.get(callId))?.status, { timeout: 10_000 }).toBe("completed");
  return { call: (await tenant.calls.get(callId))!, turns: await tenant.calls.turns(callId) };
}

describe("calls built from the agent's provider config", () => {
  it("widget call on Gemini Live (emulated): a tool call books an appointment; turns, transcripts and usage are stored", { timeout: 90_000 }, async () => {
    const t = await realtimeTenant();
    const lines: string[] = [];
    const connectionsBefore = gemini.stats.connections;
    const result = await simulateCall(
      [
        { say: "I would like to book a cleaning next Tuesday", expect: /booked for tuesday/i },
        { say: "Do you take insurance?", typed: true, expect: /insurance plans/i },
      ],
      { url: `${h.wsUrl}?agentId=${t.agentId}&apiKey=${t.publishableKey}`, origin: WIDGET_ORIGIN, speed: 2, onEvent: (l) => lines.push(l) },
    );
    expect(result.greeting, lines.join("\n")).toBe("Thanks for calling Bright Smile Dental, how can I help?");
    expect(
      result.turns.map((x) => x.ok),
      lines.join("\n"),
    ).toEqual([true, true]);
    expect(gemini.stats.connections).toBe(connectionsBefore + 1);
    expect(gemini.stats.texts).toEqual(["(The call has just connected. Greet the caller now.)", "Do you take insurance?"]);
    expect(lines).toContain("(tool book_appointment succeeded)");
    expect(result.transcript).toContainEqual({ role: "user", text: "I would like to book a cleaning next Tuesday" });

    const booked = await h.app.inject({ url: "/v1/appointments", headers: { authorization: `Bearer ${t.token}` } });
    expect(booked.json().data).toHaveLength(1);
    expect(booked.json().data[0]).toMatchObject({ serviceId: "cleaning", customerName: "Jo Park", callId: result.callId });

    const { call, turns } = await endedCall(t.workspaceId, result.callId);
    const turn = turns.find((x) => x.userText === "I would like to book a cleaning next Tuesday");
    expect(turn, JSON.stringify(turns, null, 1)).toBeDefined();
    expect(turn!.agentText).toBe("You're booked for Tuesday at eight.");
    expect(turn!.toolCalls).toEqual([expect.objectContaining({ name: "book_appointment", ok: true })]);
    expect(turn!.e2eMs).toBeGreaterThanOrEqual(0);
    expect(turns[0]).toMatchObject({ seq: 0, userText: null, agentText: "Thanks for calling Bright Smile Dental, how can I help?" });
    expect(turns.find((x) => x.userText === "Do you take insurance?")?.agentText).toBe("We accept most insurance plans.");
    expect(turn!.servedBy).toEqual([
      expect.objectContaining({ capability: "realtime", servedBy: "gemini-live:gemini-2.5-flash-native-audio-preview-09-2025" }),
    ]);
    const events = (call.metadata as { events: { kind: string; detail?: { kind?: string } }[] }).events;
    expect(events).toContainEqual(expect.objectContaining({ kind: "pipeline", detail: expect.objectContaining({ kind: "realtime" }) }));
    // Realtime seconds are what was streamed to the model; the default price makes them cost something.
    const usage = call.usage as UsageSlice["usage"];
    const live = Object.entries(usage).find(([id]) => id.startsWith("gemini-live:"))?.[1];
    expect(live?.realtimeSeconds).toBeGreaterThan(1);
    expect(call.costUsd).toBeGreaterThan(0);
    // Audio streamed after the last turn closed (the caller hanging up) is billed to the call, not to a turn.
    const turnCost = turns.reduce((n, x) => n + x.costUsd, 0);
    expect(turnCost).toBeGreaterThan(0);
    expect(turnCost).toBeLessThanOrEqual(call.costUsd + 1e-9);

    const detail = (await h.app.inject({ url: `/v1/calls/${result.callId}`, headers: { authorization: `Bearer ${t.token}` } })).json();
    expect(detail.costUsd).toBe(call.costUsd);
    expect(detail.turns.some((x: { servedBy: { capability: string }[] }) => x.servedBy.some((s) => s.capability === "realtime"))).toBe(true);
  });

  it("Gemini Live's circuit is open: the call starts on the cascaded pipeline instead", { timeout: 60_000 }, async () => {
    const t = await realtimeTenant();
    manager.health.recordFailure("gemini-live", new ProviderError("emulated outage", { provider: "gemini-live", retryable: false }));
    const connectionsBefore = gemini.stats.connections;
    const result = await simulateCall([], { url: `${h.wsUrl}?agentId=${t.agentId}&apiKey=${t.publishableKey}`, origin: WIDGET_ORIGIN, speed: 2 });
    // The offline receptionist greets; the realtime model was never contacted.
    expect(result.greeting).toMatch(/thank you for calling|dental/i);
    expect(gemini.stats.connections).toBe(connectionsBefore);
    const { call } = await endedCall(t.workspaceId, result.callId);
    const events = (call.metadata as { events: { kind: string; detail?: Record<string, unknown> }[] }).events;
    expect(events).toContainEqual(
      expect.objectContaining({ kind: "realtime_unavailable", detail: { provider: "gemini-live", reason: "gemini-live circuit open" } }),
    );
    expect(events).toContainEqual(expect.objectContaining({ kind: "pipeline", detail: expect.objectContaining({ kind: "cascaded", brain: "receptionist" }) }));
  });

  it("cascaded cloud stack on platform keys: Deepgram → OpenAI LLM brain → ElevenLabs, with who served and usage per turn", { timeout: 90_000 }, async () => {
    const t = await createTenant(h, { providers: { stt: ["deepgram"], tts: ["elevenlabs"], llm: ["openai"], options: { elevenlabs: { voiceId: "rachel" } } } });
    const lines: string[] = [];
    const result = await simulateCall([{ say: "what are your opening hours", expect: /monday to friday/i }], {
      url: `${h.wsUrl}?agentId=${t.agentId}&apiKey=${t.publishableKey}`,
      origin: WIDGET_ORIGIN,
      speed: 2,
      onEvent: (l) => lines.push(l),
    });
    expect(result.turns[0]?.ok, lines.join("\n")).toBe(true);
    expect(openai.keys).toContain("sk-test");
    const { call, turns } = await endedCall(t.workspaceId, result.callId);
    const turn = turns.find((x) => x.userText === "what are your opening hours");
    expect(turn, JSON.stringify(turns, null, 1)).toBeDefined();
    const served = turn!.servedBy as UsageSlice["servedBy"];
    expect(served.filter((r) => r.capability === "stt").map((r) => r.servedBy)).toEqual(["deepgram:nova-3"]);
    expect(served.find((r) => r.capability === "llm")?.servedBy).toBe("openai:gpt-4o-mini");
    expect(served.filter((r) => r.capability === "tts").every((r) => r.servedBy === "elevenlabs:rachel")).toBe(true);
    const usage = turn!.usage as UsageSlice["usage"];
    expect(usage["deepgram:nova-3"]?.sttSeconds).toBeGreaterThan(0.5);
    expect(usage["openai:gpt-4o-mini"]?.llmTokensIn).toBeGreaterThan(0);
    expect(usage["elevenlabs:rachel"]?.ttsCharacters).toBe("We are open Monday to Friday, eight to five.".length);
    expect(turn!.costUsd).toBeGreaterThan(0);
    // The greeting turn carries the greeting's TTS, not the caller's recognition.
    const greeting = turns.find((x) => x.seq === 0)!;
    expect((greeting.usage as UsageSlice["usage"])["deepgram:nova-3"]).toBeUndefined();
    const events = (call.metadata as { events: { kind: string; detail?: Record<string, unknown> }[] }).events;
    expect(events).toContainEqual(expect.objectContaining({ kind: "pipeline", detail: { kind: "cascaded", brain: "llm:openai:gpt-4o-mini" } }));
    expect(call.costUsd).toBeGreaterThanOrEqual(turns.reduce((n, x) => n + x.costUsd, 0) - 1e-9);
    expect(call.usage).toMatchObject({ "openai:gpt-4o-mini": expect.objectContaining({ costUsd: expect.any(Number) }) });
  });
});
