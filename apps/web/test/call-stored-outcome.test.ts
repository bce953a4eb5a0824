import { describe, expect, it } from "vitest";
import { callOutcome, storedOutcome } from "../src/pages/app/Calls.tsx";

describe("stored call outcome", () => {
  it("prefers the outcome stored when the call ended over the one computed from its turns", () => {
    const turns = [
      {
        seq: 1,
        userText: "x",
        agentText: "y",
        heardText: null,
        interrupted: false,
        toolCalls: [{ name: "book_appointment", ok: true }],
        endpointMs: null,
        asrMs: null,
        llmMs: null,
        ttsMs: null,
        e2eMs: null,
        startedAt: "",
        endedAt: "",
      },
    ];
    expect(callOutcome({ status: "completed", endReason: "caller_hangup", turns, outcome: "message" }).label).toBe("Message taken");
    expect(callOutcome({ status: "completed", endReason: "caller_hangup", turns, outcome: null }).label).toBe("Appointment booked");
  });

  it("labels each stored outcome; none for a call without one", () => {
    expect(storedOutcome({ outcome: "rescheduled", status: "completed" })).toEqual({ label: "Appointment moved", tone: "green" });
    expect(storedOutcome({ outcome: "no_action", status: "completed" })?.label).toBe("No action");
    expect(storedOutcome({ outcome: "no_action", status: "failed" })).toEqual({ label: "Failed", tone: "red" });
    expect(storedOutcome({ outcome: null, status: "in_progress" })).toBeUndefined();
  });
});
