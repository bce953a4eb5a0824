import { afterEach, describe, expect, it } from "vitest";
import { fixedWallClock, ProviderError, type ChatChunk, type ChatModel } from "@orbis/ports";
import { InMemoryCalendar, InMemoryMessageSink, createLlmBrain, getBusinessTemplate } from "@orbis/brain";
import type { BrainEvent } from "@orbis/voice";
import { checkOpenAiCompatible, createOpenAiChatModel } from "../src/openai/openai-chat.ts";
import type { ChatUsage, MeteredChatRequest } from "../src/manager/usage.ts";
import { startOpenAiChatEmulator } from "./emulators/openai-chat-emulator.ts";
import type { OpenAiChatEmulator } from "./emulators/openai-chat-emulator.ts";

let emu: OpenAiChatEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of it) out.push(e);
  return out;
}

const req = (model: ChatModel, extra: Partial<MeteredChatRequest> = {}): AsyncIterable<ChatChunk> =>
  model.stream({ messages: [{ role: "user", content: "hi" }], tools: [], signal: new AbortController().signal, ...extra } as MeteredChatRequest);

describe("OpenAI-compatible ChatModel through the openai SDK against the SSE emulator", () => {
  it("streams text deltas, sends the key, reports usage", async () => {
    emu = await startOpenAiChatEmulator([{ text: ["Hello", " there.", " How can I help?"] }]);
    const model = createOpenAiChatModel({ apiKey: "sk-test", model: "gpt-4o-mini", baseURL: emu.baseURL });
    const usage: ChatUsage[] = [];
    const chunks = await collect(req(model, { onUsage: (u) => usage.push(u) }));
    expect(chunks).toEqual([
      { type: "text", text: "Hello" },
      { type: "text", text: " there." },
      { type: "text", text: " How can I help?" },
      { type: "done", reason: "stop" },
    ]);
    expect(emu.keys).toEqual(["sk-test"]);
    expect(emu.requests[0]).toMatchObject({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hi" }] });
    expect(usage).toHaveLength(1);
    expect(usage[0]?.outputTokens).toBeGreaterThan(0);
    expect(model.id).toBe("openai:gpt-4o-mini");
  });

  it("tool call round trip through createLlmBrain books an appointment (dental template)", async () => {
    const start = "2026-03-10T08:00:00-04:00";
    emu = await startOpenAiChatEmulator([
      { text: ["Let me check. "], toolCalls: [{ name: "check_availability", args: { serviceId: "cleaning", date: "2026-03-10", limit: 2 } }] },
      { text: ["I have eight AM. ", "Shall I book it?"] },
      { toolCalls: [{ name: "book_appointment", args: { serviceId: "cleaning", start, customerName: "Jo Park", customerPhone: "+12125550100" } }] },
      { text: ["You're booked for Tuesday at eight."] },
    ]);
    const model = createOpenAiChatModel({ apiKey: "sk-test", model: "gpt-4o-mini", baseURL: emu.baseURL });
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
    const session = brain.startSession({ callId: "call_oai0000000000000000000", workspaceId: "ws_a", agentId: "agt_oai00000000000000000", channel: "web" });
    const signal = new AbortController().signal;
    const t1: BrainEvent[] = await collect(session.respond({ kind: "typed", text: "Can I get a cleaning on Tuesday?" }, signal));
    expect(t1.map((e) => e.type)).toEqual(["text", "tool", "text", "text"]);
    expect(t1[1]).toMatchObject({ type: "tool", call: { name: "check_availability", ok: true } });
    // The tool result went back to the model as a tool message answering the assistant's tool call.
    const second = emu.requests[1];
    const assistant = second?.messages.at(-2);
    const tool = second?.messages.at(-1);
    expect(assistant).toMatchObject({ role: "assistant", tool_calls: [{ type: "function", function: { name: "check_availability" } }] });
    expect(tool).toMatchObject({ role: "tool", tool_call_id: assistant?.tool_calls?.[0]?.id });
    expect(tool?.content).toContain(start);
    expect(second?.tools?.map((t) => t.function.name)).toContain("book_appointment");
    const t2 = await collect(session.respond({ kind: "typed", text: "Yes, Jo Park, 212 555 0100" }, signal));
    expect(t2).toMatchObject([
      { type: "tool", call: { name: "book_appointment", ok: true } },
      { type: "text", text: "You're booked for Tuesday at eight." },
    ]);
    const booked = await calendar.listAppointments({ status: "booked" });
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({ serviceId: "cleaning", customerName: "Jo Park", start });
  });

  it.each([
    [429, true],
    [500, true],
    [503, true],
    [401, false],
    [400, false],
  ])("HTTP %i maps to ProviderError retryable=%s", async (status, retryable) => {
    emu = await startOpenAiChatEmulator([{ status }]);
    const model = createOpenAiChatModel({ apiKey: "sk-test", model: "m", baseURL: emu.baseURL });
    const err = await collect(req(model)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ provider: "openai:m", status, retryable });
  });

  it("a connection dropped mid-stream is a retryable ProviderError; a refused connection too", async () => {
    emu = await startOpenAiChatEmulator([{ text: ["a", "b", "c"], dieAfter: 1 }]);
    const model = createOpenAiChatModel({ apiKey: "k", model: "m", baseURL: emu.baseURL });
    const seen: ChatChunk[] = [];
    const err = await (async () => {
      for await (const c of req(model)) seen.push(c);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([{ type: "text", text: "a" }]);
    expect(err).toMatchObject({ name: "ProviderError", retryable: true });
    const url = emu.baseURL;
    await emu.close();
    emu = undefined;
    const dead = createOpenAiChatModel({ apiKey: "k", model: "m", baseURL: url });
    await expect(collect(req(dead))).rejects.toMatchObject({ name: "ProviderError", retryable: true });
    await expect(checkOpenAiCompatible({ apiKey: "k", baseURL: url })).rejects.toMatchObject({ retryable: true });
  });

  it("abort stops the stream without an error; health check passes on a live server", async () => {
    emu = await startOpenAiChatEmulator([{ text: ["one", "two", "three"], stallAfter: 1 }]);
    const model = createOpenAiChatModel({ apiKey: "k", model: "m", baseURL: emu.baseURL });
    const controller = new AbortController();
    const seen: ChatChunk[] = [];
    for await (const c of req(model, { signal: controller.signal })) {
      seen.push(c);
      controller.abort();
    }
    expect(seen).toEqual([{ type: "text", text: "one" }]);
    await expect(checkOpenAiCompatible({ apiKey: "k", baseURL: emu.baseURL })).resolves.toBeUndefined();
  });
});
