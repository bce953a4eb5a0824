import { afterEach, describe, expect, it } from "vitest";
import { fixedWallClock, ProviderError, type ChatChunk, type ChatModel } from "@orbis/ports";
import { InMemoryCalendar, InMemoryMessageSink, createLlmBrain, getBusinessTemplate } from "@orbis/brain";
import { createAnthropicChatModel } from "../src/anthropic/anthropic-chat.ts";
import { createGeminiChatModel } from "../src/gemini/gemini-chat.ts";
import type { ChatUsage, MeteredChatRequest } from "../src/manager/usage.ts";
import { startAnthropicEmulator, startGeminiTextEmulator } from "./emulators/chat-emulators.ts";
import type { ChatReply } from "./emulators/openai-chat-emulator.ts";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of it) out.push(e);
  return out;
}

interface Case {
  name: string;
  start(script: ChatReply[]): Promise<{ model: ChatModel; requests: () => unknown[]; keys: () => string[] }>;
}

const cases: Case[] = [
  {
    name: "anthropic (fetch + SSE)",
    async start(script) {
      const emu = await startAnthropicEmulator(script);
      closers.push(() => emu.close());
      return {
        model: createAnthropicChatModel({ apiKey: "ak", model: "claude-haiku-4-5", baseUrl: emu.url }),
        requests: () => emu.requests,
        keys: () => emu.keys,
      };
    },
  },
  {
    name: "gemini (@google/genai)",
    async start(script) {
      const emu = await startGeminiTextEmulator(script);
      closers.push(() => emu.close());
      return {
        model: createGeminiChatModel({ apiKey: "gk", model: "gemini-2.5-flash", baseUrl: emu.url }),
        requests: () => emu.requests,
        keys: () => emu.keys,
      };
    },
  },
];

describe.each(cases)("ChatModel $name against its emulator", ({ start }) => {
  it("streams text and reports usage", async () => {
    const { model, keys } = await start([{ text: ["Hello", " there."] }]);
    const usage: ChatUsage[] = [];
    const chunks = await collect(
      model.stream({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "hi" },
        ],
        tools: [],
        signal: new AbortController().signal,
        onUsage: (u) => usage.push(u),
      } as MeteredChatRequest),
    );
    expect(chunks).toEqual([
      { type: "text", text: "Hello" },
      { type: "text", text: " there." },
      { type: "done", reason: "stop" },
    ]);
    expect(usage[0]?.inputTokens).toBeGreaterThan(0);
    expect(keys()[0]).toMatch(/^(ak|gk)$/);
  });

  it("tool call round trip through createLlmBrain books an appointment", async () => {
    const start_ = "2026-03-10T08:00:00-04:00";
    const { model, requests } = await start([
      {
        text: ["Booking it. "],
        toolCalls: [{ name: "book_appointment", args: { serviceId: "cleaning", start: start_, customerName: "Jo Park", customerPhone: "+12125550100" } }],
      },
      { text: ["You're booked."] },
    ]);
    const template = getBusinessTemplate("dental");
    const clock = fixedWallClock("2026-03-05T14:00:00Z");
    const calendar = new InMemoryCalendar(clock);
    const brain = createLlmBrain({
      model,
      business: template.business,
      agentPrompt: template.agent.systemPrompt,
      calendar,
      messages: new InMemoryMessageSink(clock),
      clock,
    });
    const session = brain.startSession({ callId: "call_cm00000000000000000000", workspaceId: "ws_a", agentId: "agt_cm000000000000000000", channel: "web" });
    await collect(session.greet(new AbortController().signal));
    const events = await collect(session.respond({ kind: "typed", text: "Cleaning Tuesday 8am, Jo Park, 212 555 0100" }, new AbortController().signal));
    expect(events).toMatchObject([
      { type: "text", text: "Booking it." },
      { type: "tool", call: { name: "book_appointment", ok: true } },
      { type: "text", text: "You're booked." },
    ]);
    expect(await calendar.listAppointments({ status: "booked" })).toHaveLength(1);
    // The second request carries the tool result in the vendor's shape (the emulators validate it).
    expect(requests()).toHaveLength(2);
    expect(JSON.stringify(requests()[1])).toMatch(/"tool_result"|"functionResponse"/);
  });

  it.each([
    [429, true],
    [503, true],
    [401, false],
    [400, false],
  ])("HTTP %i → ProviderError retryable=%s", async (status, retryable) => {
    const { model } = await start([{ status }]);
    const err = await collect(model.stream({ messages: [{ role: "user", content: "hi" }], tools: [], signal: new AbortController().signal })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ status, retryable });
  });

  it("a dropped stream is retryable; abort ends quietly", async () => {
    const { model } = await start([
      { text: ["a", "b", "c"], dieAfter: 1 },
      { text: ["x", "y"], stallAfter: 1 },
    ]);
    const seen: ChatChunk[] = [];
    const err = await (async () => {
      for await (const c of model.stream({ messages: [{ role: "user", content: "hi" }], tools: [], signal: new AbortController().signal })) seen.push(c);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([{ type: "text", text: "a" }]);
    expect(err).toMatchObject({ name: "ProviderError", retryable: true });
    const controller = new AbortController();
    const got: ChatChunk[] = [];
    for await (const c of model.stream({ messages: [{ role: "user", content: "hi" }], tools: [], signal: controller.signal })) {
      got.push(c);
      controller.abort();
    }
    expect(got).toEqual([{ type: "text", text: "x" }]);
  });
});
