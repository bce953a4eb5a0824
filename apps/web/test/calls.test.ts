import { describe, expect, it } from "vitest";
import { callOutcome, endReasonLabel, fmtDuration, latencyStages } from "../src/pages/app/Calls.tsx";

describe("call page helpers", () => {
  const turn = (toolCalls: { name: string; ok: boolean }[]) => ({
    seq: 1,
    userText: "x",
    agentText: "y",
    heardText: null,
    interrupted: false,
    toolCalls,
    endpointMs: null,
    asrMs: null,
    llmMs: null,
    ttsMs: null,
    e2eMs: null,
    startedAt: "",
    endedAt: "",
  });

  it("names the outcome from successful tool calls, else from how the call ended", () => {
    expect(
      callOutcome({
        status: "completed",
        endReason: "caller_hangup",
        turns: [turn([{ name: "check_availability", ok: true }]), turn([{ name: "book_appointment", ok: true }])],
      }).label,
    ).toBe("Appointment booked");
    expect(callOutcome({ status: "completed", endReason: "caller_hangup", turns: [turn([{ name: "book_appointment", ok: false }])] }).label).toBe("Answered");
    expect(callOutcome({ status: "completed", endReason: "agent_ended", turns: [turn([{ name: "take_message", ok: true }])] }).label).toBe("Message taken");
    expect(callOutcome({ status: "completed", endReason: "idle_timeout", turns: [] }).label).toBe("Ended after silence");
    expect(callOutcome({ status: "failed", endReason: "error", turns: [turn([])] })).toEqual({ label: "Failed", tone: "red" });
  });

  it("formats durations and end reasons", () => {
    expect(fmtDuration(null)).toBe("–");
    expect(fmtDuration(0)).toBe("0:00");
    expect(fmtDuration(75)).toBe("1:15");
    expect(endReasonLabel("caller_hangup")).toBe("Caller hung up");
    expect(endReasonLabel("some_new_reason")).toBe("some new reason");
    expect(endReasonLabel(null)).toBe("–");
  });

  it("shows the end-of-turn wait as its own stage and stages that add up to the total", () => {
    const { stages, totalMs } = latencyStages({ endpointMs: 600, asrMs: 15, llmMs: 1, ttsMs: 80, e2eMs: 716 });
    expect(stages.map((s) => s.label)).toEqual(["end-of-turn wait", "speech-to-text", "brain", "speech", "sending"]);
    expect(stages[0]!.ms).toBe(600);
    expect(stages.reduce((n, s) => n + (s.ms ?? 0), 0)).toBe(totalMs);
    expect(stages.at(-1)!.ms).toBe(20);
    // Unmeasured total: no invented "sending" stage.
    expect(latencyStages({ endpointMs: 600, asrMs: null, llmMs: null, ttsMs: null, e2eMs: null }).stages).toHaveLength(4);
  });
});
