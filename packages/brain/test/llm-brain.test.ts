import { describe, expect, it } from "vitest";
import type { BrainEvent } from "@orbis/voice";
import { fixedWallClock as fixedClock, type ChatChunk, type ChatMessage, type ChatModel, type ChatRequest } from "@orbis/ports";
import {
  InMemoryCalendar,
  InMemoryMessageSink,
  buildSystemPrompt,
  builtinTools,
  createLlmBrain,
  fitHistory,
  getBusinessTemplate,
  toolSpecs,
} from "../src/index.ts";

/** Replies from a script, one entry per model call; records what it was asked. */
class ScriptedChatModel implements ChatModel {
  readonly id = "scripted";
  readonly requests: ChatRequest[] = [];
  constructor(private readonly replies: ChatChunk[][]) {}
  async *stream(req: ChatRequest): AsyncIterable<ChatChunk> {
    this.requests.push({ ...req, messages: [...req.messages] });
    const reply = this.replies.shift() ?? [{ type: "text", text: "Sorry." }];
    for (const c of reply) yield c;
  }
}

async function collect(it: AsyncIterable<BrainEvent>): Promise<BrainEvent[]> {
  const out: BrainEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

const template = getBusinessTemplate("dental");
const signal = new AbortController().signal;
const call = { callId: "call_llm00000000000000000", workspaceId: "ws_a", agentId: "agt_llm000000000000000000", channel: "twilio" as const };

describe("LLM brain shell", () => {
  it("assembles the system prompt from agent prompt, business facts and tool schemas", () => {
    const prompt = buildSystemPrompt({
      agentPrompt: template.agent.systemPrompt,
      business: template.business,
      tools: builtinTools(),
      now: new Date("2026-03-05T14:00:00Z"),
    });
    expect(prompt).toContain("# Business: Bright Smile Dental");
    expect(prompt).toContain("Thursday, March 5, 2026 9:00 AM (America/New_York)");
    expect(prompt).toContain("- cleaning: Cleaning, 60 min, is $120; staff: maria, tom");
    expect(prompt).toContain("Q: Do you take insurance?");
    expect(prompt).toMatch(/- book_appointment: .*"customerPhone"/);
    const specs = toolSpecs(builtinTools());
    const book = specs.find((s) => s.name === "book_appointment");
    expect(book?.parameters).toMatchObject({ type: "object", required: expect.arrayContaining(["serviceId", "start", "customerName", "customerPhone"]) });
  });

  it("streams sentences, runs tool calls through the runner and feeds results back", async () => {
    const clock = fixedClock("2026-03-05T14:00:00Z");
    const calendar = new InMemoryCalendar(clock);
    const model = new ScriptedChatModel([
      [
        { type: "text", text: "Let me check. " },
        { type: "tool_call", call: { id: "c1", name: "check_availability", args: { serviceId: "cleaning", date: "2026-03-10", limit: 2 } } },
        { type: "done", reason: "tool_calls" },
      ],
      [
        { type: "text", text: "I have 8 AM or 8:30 AM. Which " },
        { type: "text", text: "would you like?" },
        { type: "done", reason: "stop" },
      ],
      [
        {
          type: "tool_call",
          call: {
            id: "c2",
            name: "book_appointment",
            args: { serviceId: "cleaning", start: "2026-03-10T08:00:00-04:00", customerName: "Jo", customerPhone: "+12125550100" },
          },
        },
        { type: "done", reason: "tool_calls" },
      ],
      [
        { type: "text", text: "You're booked." },
        { type: "done", reason: "stop" },
      ],
    ]);
    const brain = createLlmBrain({
      model,
      business: template.business,
      agentPrompt: template.agent.systemPrompt,
      calendar,
      messages: new InMemoryMessageSink(clock),
      clock,
    });
    const session = brain.startSession(call);
    expect(await collect(session.greet(signal))).toEqual([{ type: "text", text: "Thanks for calling Bright Smile Dental. How can I help you today?" }]);
    const t1 = await collect(session.respond({ kind: "typed", text: "Cleaning on Tuesday?" }, signal));
    expect(t1.map((e) => e.type)).toEqual(["text", "tool", "text", "text"]);
    expect(t1[1]).toMatchObject({ type: "tool", call: { name: "check_availability", ok: true } });
    expect(t1.slice(2)).toEqual([
      { type: "text", text: "I have 8 AM or 8:30 AM." },
      { type: "text", text: "Which would you like?" },
    ]);
    const second = model.requests[1];
    expect(second?.messages.at(-1)).toMatchObject({ role: "tool", toolCallId: "c1", name: "check_availability" });
    expect(second?.messages.at(-1)?.content).toContain("2026-03-10T08:00:00-04:00");
    expect(second?.messages[0]?.role).toBe("system");
    const t2 = await collect(session.respond({ kind: "typed", text: "8 please, I'm Jo, 212 555 0100" }, signal));
    expect(t2).toMatchObject([
      { type: "tool", call: { name: "book_appointment", ok: true } },
      { type: "text", text: "You're booked." },
    ]);
    expect(await calendar.listAppointments({ status: "booked" })).toHaveLength(1);
  });

  it("invalid tool args come back as an error result the model sees; transfer ends the turn", async () => {
    const clock = fixedClock("2026-03-05T14:00:00Z");
    const model = new ScriptedChatModel([
      [
        { type: "tool_call", call: { id: "c1", name: "book_appointment", args: { serviceId: "cleaning" } } },
        { type: "done", reason: "tool_calls" },
      ],
      [
        { type: "text", text: "Transferring you now." },
        { type: "tool_call", call: { id: "c2", name: "transfer_call", args: { reason: "caller asked" } } },
        { type: "done", reason: "tool_calls" },
      ],
    ]);
    const brain = createLlmBrain({
      model,
      business: template.business,
      agentPrompt: "",
      calendar: new InMemoryCalendar(clock),
      messages: new InMemoryMessageSink(clock),
      clock,
    });
    const session = brain.startSession(call);
    const events = await collect(session.respond({ kind: "typed", text: "person please" }, signal));
    expect(events[0]).toMatchObject({ type: "tool", call: { ok: false, error: expect.stringMatching(/^validation_failed/) } });
    expect(model.requests[1]?.messages.at(-1)?.content).toContain("validation_failed");
    expect(events.at(-1)).toEqual({ type: "transfer", to: "+12125550199", reason: "caller asked" });
    expect(await collect(session.respond({ kind: "typed", text: "hello?" }, signal))).toEqual([]);
  });

  it("long calls: old exchanges are trimmed to the budget, their tool results kept in the system prompt, recent turns whole", async () => {
    const clock = fixedClock("2026-03-05T14:00:00Z");
    const calendar = new InMemoryCalendar(clock);
    const model = new ScriptedChatModel([
      [
        {
          type: "tool_call",
          call: {
            id: "b1",
            name: "book_appointment",
            args: { serviceId: "cleaning", start: "2026-03-10T08:00:00-04:00", customerName: "Jo", customerPhone: "+12125550100" },
          },
        },
        { type: "done", reason: "tool_calls" },
      ],
      [
        { type: "text", text: "You're booked." },
        { type: "done", reason: "stop" },
      ],
    ]);
    const brain = createLlmBrain({
      model,
      business: template.business,
      agentPrompt: "",
      calendar,
      messages: new InMemoryMessageSink(clock),
      clock,
      contextBudget: { maxHistoryChars: 600 },
    });
    const session = brain.startSession(call);
    await collect(session.greet(signal));
    await collect(session.respond({ kind: "typed", text: "Book me a cleaning Tuesday at 8, Jo, 212 555 0100" }, signal));
    for (let i = 0; i < 12; i++)
      await collect(session.respond({ kind: "typed", text: `Question number ${i} about something long enough to matter here` }, signal));
    const last = model.requests.at(-1)!;
    const history = last.messages.slice(1);
    expect(history.reduce((n, m) => n + m.content.length + 16, 0)).toBeLessThanOrEqual(600);
    expect(history[0]?.role).toBe("user");
    expect(history.at(-1)).toEqual({ role: "user", content: "Question number 11 about something long enough to matter here" });
    expect(history.some((m) => m.content.includes("Book me a cleaning"))).toBe(false);
    const system = last.messages[0]!.content;
    expect(system).toContain("# Earlier in this call");
    expect(system).toMatch(/- book_appointment → \{"appointment":\{.*"start":"2026-03-10T08:00:00-04:00"/);
    // Early requests were not trimmed at all.
    expect(model.requests[0]!.messages[0]!.content).not.toContain("# Earlier in this call");
  });

  it("fitHistory never separates a tool result from its call and always keeps the newest exchange", () => {
    const big = "x".repeat(500);
    const history: ChatMessage[] = [
      { role: "assistant", content: "Hello." },
      { role: "user", content: "first" },
      { role: "assistant", content: "", toolCalls: [{ id: "t1", name: "take_message", args: {} }] },
      { role: "tool", toolCallId: "t1", name: "take_message", content: '{"messageId":"msg_1"}' },
      { role: "assistant", content: "Done." },
      { role: "user", content: big },
    ];
    expect(fitHistory(history, { maxHistoryChars: 10_000 })).toEqual({ messages: history, earlier: null });
    const fit = fitHistory(history, { maxHistoryChars: 100 });
    expect(fit.messages).toEqual([{ role: "user", content: big }]);
    expect(fit.earlier).toContain('- take_message → {"messageId":"msg_1"}');
    expect(fit.earlier).toContain("1 earlier caller turn was trimmed from this call.");
  });
});
