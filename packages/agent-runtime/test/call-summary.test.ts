import { describe, expect, it } from "vitest";
import type { ChatChunk, ChatModel, ChatRequest } from "@orbis/ports";
import { buildCallSummary, summarizeWithModel, type SummaryTurn } from "../src/call-summary.ts";

const turn = (toolCalls: SummaryTurn["toolCalls"], userText: string | null = "hello"): SummaryTurn => ({ userText, toolCalls });
const zone = { timezone: "Europe/London" };

describe("buildCallSummary", () => {
  it("a booking: who, what and when in the workspace's zone", () => {
    const s = buildCallSummary(
      [
        turn([{ name: "check_availability", args: { serviceId: "svc_clean" }, ok: true, result: { slots: [] } }]),
        turn([
          {
            name: "book_appointment",
            args: { serviceId: "svc_clean", start: "2025-12-09T10:00:00Z", customerName: "Maria Lopez", customerPhone: "+15550100" },
            ok: true,
            result: { appointment: { id: "apt_1", service: "Cleaning", start: "2025-12-09T10:00:00+00:00", customerName: "Maria Lopez" } },
          },
        ]),
      ],
      zone,
    );
    expect(s).toEqual({ outcome: "booked", summary: "Maria Lopez booked a cleaning for Tue 9 Dec at 10:00." });
  });

  it("converts the instant to the workspace's zone", () => {
    const s = buildCallSummary(
      [
        turn([
          { name: "book_appointment", args: { customerName: "Al" }, ok: true, result: { appointment: { service: "Eye Exam", start: "2025-12-09T15:00:00Z" } } },
        ]),
      ],
      { timezone: "America/New_York" },
    );
    expect(s.summary).toBe("Al booked an eye exam for Tue 9 Dec at 10:00.");
  });

  it("a failed booking is no booking", () => {
    const s = buildCallSummary([turn([{ name: "book_appointment", args: { customerName: "Maria" }, ok: false }])], zone);
    expect(s.outcome).toBe("no_action");
  });

  it("an urgent message", () => {
    const s = buildCallSummary(
      [
        turn([
          { name: "take_message", args: { callerName: "Sam Carter", callbackNumber: "+15550101", text: "The boiler is leaking.", urgency: "high" }, ok: true },
        ]),
      ],
      zone,
    );
    expect(s).toEqual({ outcome: "message", summary: "Sam Carter left a message: the boiler is leaking (urgent)." });
  });

  it("reschedule, cancel and transfer", () => {
    const moved = buildCallSummary(
      [
        turn([
          {
            name: "reschedule_appointment",
            args: {},
            ok: true,
            result: { appointment: { service: "Cleaning", start: "2025-12-10T14:30:00Z", customerName: "Jo" } },
          },
        ]),
      ],
      zone,
    );
    expect(moved).toEqual({ outcome: "rescheduled", summary: "Jo moved their cleaning to Wed 10 Dec at 14:30." });
    const cancelled = buildCallSummary(
      [
        turn([
          {
            name: "cancel_appointment",
            args: {},
            ok: true,
            result: { appointment: { service: "Cleaning", start: "2025-12-10T14:30:00Z", customerName: "Jo" } },
          },
        ]),
      ],
      zone,
    );
    expect(cancelled.outcome).toBe("cancelled");
    expect(cancelled.summary).toBe("Jo cancelled their cleaning on Wed 10 Dec at 14:30.");
    expect(
      buildCallSummary(
        [turn([{ name: "transfer_call", args: { reason: "billing question" }, ok: true, result: { to: "+1", reason: "billing question" } }])],
        zone,
      ),
    ).toEqual({
      outcome: "transferred",
      summary: "The caller was transferred to a person (billing question).",
    });
    expect(buildCallSummary([turn([])], { ...zone, endReason: "transfer" }).outcome).toBe("transferred");
  });

  it("a request not to be called again outranks a booking", () => {
    const s = buildCallSummary(
      [
        turn([
          {
            name: "book_appointment",
            args: { customerName: "Sam" },
            ok: true,
            result: { appointment: { service: "Cleaning", start: "2025-12-09T10:00:00Z" } },
          },
        ]),
        turn([{ name: "do_not_call", args: { reason: "asked" }, ok: true, result: { reason: "asked" } }]),
      ],
      zone,
    );
    expect(s.outcome).toBe("do_not_call");
    expect(s.summary).toMatch(/^The caller asked not to be called again; their number is on the do-not-call list\. Sam booked a cleaning/);
  });

  it("the most significant action leads, a second one follows", () => {
    const s = buildCallSummary(
      [
        turn([{ name: "take_message", args: { callerName: "Sam", text: "Call me", urgency: "normal" }, ok: true }]),
        turn([
          {
            name: "book_appointment",
            args: { customerName: "Sam" },
            ok: true,
            result: { appointment: { service: "Cleaning", start: "2025-12-09T10:00:00Z" } },
          },
        ]),
      ],
      zone,
    );
    expect(s.outcome).toBe("booked");
    expect(s.summary).toBe("Sam booked a cleaning for Tue 9 Dec at 10:00. Sam left a message: call me.");
  });

  it("questions only: what was asked, no action", () => {
    const s = buildCallSummary(
      [turn([{ name: "business_info", args: { topic: "hours" }, ok: true }]), turn([{ name: "business_info", args: { topic: "location" }, ok: true }])],
      zone,
    );
    expect(s).toEqual({ outcome: "no_action", summary: "Caller asked about opening hours and the location; no action taken." });
    expect(buildCallSummary([turn([])], zone).summary).toBe("Caller spoke with the agent; no action taken.");
    expect(buildCallSummary([], zone).summary).toBe("The caller said nothing; no action taken.");
  });
});

describe("buildCallSummary, questions answered without a tool", () => {
  it("names what the caller asked about from their words", () => {
    const s = buildCallSummary([turn([], null), turn([], "What are your opening hours?"), turn([], "And how much is a cleaning?")], zone);
    expect(s).toEqual({ outcome: "no_action", summary: "Caller asked about opening hours and prices; no action taken." });
  });
});

describe("summarizeWithModel", () => {
  const structured = { outcome: "message" as const, summary: "Sam Carter left a message: the boiler is leaking (urgent)." };
  const turns: SummaryTurn[] = [
    { userText: null, agentText: "Hello, Riverside Plumbing.", toolCalls: [] },
    { userText: "My boiler is leaking, please call me back", agentText: "I've passed your message on.", toolCalls: [] },
  ];
  const model = (reply: (req: ChatRequest) => AsyncIterable<ChatChunk>) => {
    const requests: ChatRequest[] = [];
    const m: ChatModel = {
      id: "fake",
      stream: (req) => {
        requests.push(req);
        return reply(req);
      },
    };
    return { m, requests };
  };

  it("answers the model's words, given the transcript and the structured notes", async () => {
    const { m, requests } = model(async function* () {
      yield { type: "text", text: " Sam Carter called about a leaking boiler" };
      yield { type: "text", text: " and left an urgent message. " };
      yield { type: "done", reason: "stop" };
    });
    expect(await summarizeWithModel(m, turns, structured)).toBe("Sam Carter called about a leaking boiler and left an urgent message.");
    const user = requests[0]!.messages.find((x) => x.role === "user")!.content;
    expect(user).toContain("Caller: My boiler is leaking");
    expect(user).toContain("Agent: I've passed your message on.");
    expect(user).toContain(structured.summary);
    expect(requests[0]!.tools).toEqual([]);
  });

  it("falls back (undefined) when the model is slow, fails, or says nothing usable; never asks about a silent call", async () => {
    const slow = model(async function* (req) {
      await new Promise((resolve) => req.signal.addEventListener("abort", resolve));
      yield { type: "text", text: "too late" };
    });
    const started = Date.now();
    expect(await summarizeWithModel(slow.m, turns, structured, { timeoutMs: 50 })).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
    const failing = model(async function* () {
      yield* [];
      throw new Error("503");
    });
    expect(await summarizeWithModel(failing.m, turns, structured)).toBeUndefined();
    const empty = model(async function* () {
      yield { type: "done", reason: "stop" };
    });
    expect(await summarizeWithModel(empty.m, turns, structured)).toBeUndefined();
    const unused = model(async function* () {
      yield { type: "text", text: "never" };
    });
    expect(await summarizeWithModel(unused.m, [{ userText: null, agentText: "Hello?", toolCalls: [] }], structured)).toBeUndefined();
    expect(unused.requests).toHaveLength(0);
  });
});
