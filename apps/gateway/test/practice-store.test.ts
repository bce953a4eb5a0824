import { describe, expect, it } from "vitest";
import { builtInPersona, builtInScenario } from "@orbis/practice";
import { practiceAgentConfig } from "../src/practice/practice-agent.ts";
import { practiceEndReason, practiceTurnRows, typedSpeechMs } from "../src/practice/practice-store.ts";
import type { CompletedTurn } from "../src/turn-recorder.ts";

const start = new Date("2026-03-02T10:00:00.000Z");
const at = (ms: number) => new Date(start.getTime() + ms);
const turn = (over: Partial<CompletedTurn>): CompletedTurn => ({
  seq: 1,
  userText: null,
  agentText: null,
  heardText: null,
  interrupted: false,
  toolCalls: [],
  startedAt: at(0),
  endedAt: at(0),
  agentAudioMs: 0,
  ...over,
});
const rows = (t: CompletedTurn) => {
  let seq = 0;
  return practiceTurnRows(t, start, () => seq++);
};

describe("practice turns from a completed turn", () => {
  it("a spoken rep line and the prospect's reply: timed on the audio, in order", () => {
    const t = turn({
      userText: "what are your biggest challenges",
      callerSpeech: { at: at(4000), speechMs: 2100 },
      agentText: "Oh, plenty. We miss calls.",
      agentAudioMs: 2600,
      agentStartedAt: at(7300),
      startedAt: at(6500),
      endedAt: at(10_000),
    });
    expect(rows(t)).toEqual([
      { seq: 0, speaker: "rep", text: "what are your biggest challenges", atMs: 4000, speechMs: 2100, interrupted: false },
      { seq: 1, speaker: "prospect", text: "Oh, plenty. We miss calls.", atMs: 7300, speechMs: 2600, interrupted: false },
    ]);
  });

  it("typed text is timed at 150 words a minute; the greeting has no rep row; DTMF is not speech", () => {
    expect(rows(turn({ userText: "one two three four five", startedAt: at(1000) }))).toEqual([
      { seq: 0, speaker: "rep", text: "one two three four five", atMs: 1000, speechMs: 2000, interrupted: false },
    ]);
    expect(typedSpeechMs("a b c")).toBe(1200);
    expect(rows(turn({ agentText: "Bright Smile Dental.", agentAudioMs: 1500, agentStartedAt: at(300) })).map((r) => r.speaker)).toEqual(["prospect"]);
    expect(rows(turn({ userText: "[dtmf 1]" }))).toEqual([]);
  });

  it("a barge-in: the prospect's row is cut at what played and keeps what was heard; the rep was cut off only when the reply had barely begun", () => {
    const late = rows(
      turn({
        userText: "we help practices",
        agentText: "That sounds expensive for a small practice like ours.",
        heardText: "That sounds expensive",
        agentAudioMs: 3000,
        playedMs: 1400,
        interrupted: true,
        agentStartedAt: at(5000),
      }),
    );
    expect(late).toMatchObject([
      { speaker: "rep", interrupted: false },
      { speaker: "prospect", text: "That sounds expensive", speechMs: 1400, interrupted: true },
    ]);
    const early = rows(turn({ userText: "we help practices", agentText: "Okay, go on.", heardText: "", agentAudioMs: 900, playedMs: 300, interrupted: true }));
    expect(early).toMatchObject([
      { speaker: "rep", interrupted: true },
      { speaker: "prospect", text: "Okay, go on.", speechMs: 300, interrupted: true },
    ]);
  });
});

describe("practice end reasons", () => {
  it.each([
    ["caller_hangup", undefined, "rep_ended"],
    ["caller_hangup", "disconnected", "disconnected"],
    ["agent_ended", "next_step", "next_step"],
    ["agent_ended", "prospect_hung_up", "prospect_hung_up"],
    ["agent_ended", "time_up", "time_up"],
    ["agent_ended", "watchdog", "prospect_hung_up"],
    ["idle_timeout", undefined, "disconnected"],
    ["server_shutdown", undefined, "disconnected"],
    ["error", undefined, "error"],
    ["protocol_error", undefined, "error"],
  ] as const)("%s (%s) → %s", (reason, detail, expected) => {
    expect(practiceEndReason(reason, detail)).toBe(expected);
  });
});

describe("the practice agent config", () => {
  const persona = builtInPersona("builtin_dental_practice_owner")!;
  const scenario = builtInScenario("builtin_cold_call_book_meeting")!;
  it("records only a session started with recording on (the workspace's setting then)", () => {
    expect(practiceAgentConfig(persona, scenario, true).recordCalls).toBe(true);
    expect(practiceAgentConfig(persona, scenario, false).recordCalls).toBe(false);
    expect(practiceAgentConfig(persona, scenario).recordCalls).toBe(false);
  });
});
