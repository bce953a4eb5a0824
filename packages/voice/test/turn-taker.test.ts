import { describe, expect, it } from "vitest";
import { TurnTakerProcessor, frames, runFrames } from "../src/index.ts";
import type { ExpectedEntity, Frame } from "../src/index.ts";
import { run } from "./helpers.ts";

const HINTS = new Set(["audio-in", "user-turn-ending", "user-turn-resumed"]);
/** What the turn-taker decided (early-final hints left out). */
const events = (list: Frame[]): string[] => list.filter((f) => !HINTS.has(f.type)).map((f) => f.type);
const withHints = (list: Frame[]): string[] => list.filter((f) => f.type !== "audio-in").map((f) => f.type);
/** A partial transcript travelling up from the recogniser. */
const partial = (text: string) => ({ frame: frames.transcript(text, false), direction: "up" as const });
const agentSpeaking = { frame: frames.agentSpeaking(true), direction: "up" as const };

describe("TurnTakerProcessor", () => {
  it("starts a turn after minSpeechMs and ends it after silenceMs", async () => {
    const out = await runFrames(new TurnTakerProcessor(), [...run(100, false), ...run(800, true), ...run(700, false)]);
    expect(events(out.down)).toEqual(["user-turn-start", "user-turn-end"]);
    expect(out.down.filter((f) => f.type === "audio-in")).toHaveLength(80);
    const end = out.down.find((f) => f.type === "user-turn-end");
    expect(end).toMatchObject({ reason: "silence", trailingSilenceMs: 600 });
  });

  it("counts the VAD's quiet hangover after the last word as silence, up to 200 ms", async () => {
    const quiet = (ms: number) => run(ms, true).map((f) => Object.assign(f, { quiet: true }));
    // Words, 120 ms of quiet frames the detector still calls speech, then silence: the window counts from the words.
    const out = await runFrames(new TurnTakerProcessor(), [...run(600, true), ...quiet(120), ...run(480, false), ...run(400, false)]);
    const ends = out.down.filter((f) => f.type === "user-turn-end");
    expect(ends).toEqual([expect.objectContaining({ trailingSilenceMs: 600 })]);
    // It ends after 480 ms of real silence (30 speech + 6 quiet + 24 silent frames), not 600.
    expect(out.down.slice(0, out.down.indexOf(ends[0]!)).filter((f) => f.type === "audio-in")).toHaveLength(30 + 6 + 24);
    // Quiet frames followed by loud ones are speech (a soft syllable), and credit never exceeds 200 ms.
    const soft = await runFrames(new TurnTakerProcessor(), [...run(600, true), ...quiet(120), ...run(100, true), ...run(500, false)]);
    expect(events(soft.down)).toEqual(["user-turn-start"]);
    const long = await runFrames(new TurnTakerProcessor(), [...run(600, true), ...quiet(600), ...run(380, false)]);
    expect(events(long.down)).toEqual(["user-turn-start"]);
    const longer = await runFrames(new TurnTakerProcessor(), [...run(600, true), ...quiet(600), ...run(400, false)]);
    expect(events(longer.down)).toEqual(["user-turn-start", "user-turn-end"]);
  });

  it("says user-turn-ending finalLeadMs before the window closes, and user-turn-resumed if the caller goes on", async () => {
    const out = await runFrames(new TurnTakerProcessor(), [...run(600, true), ...run(500, false), ...run(400, true), ...run(600, false)]);
    expect(withHints(out.down)).toEqual(["user-turn-start", "user-turn-ending", "user-turn-resumed", "user-turn-ending", "user-turn-end"]);
    // Sent after 460 ms of silence (the first frame at or past 600 - 150), 140 ms before the end.
    const hint = out.down.find((f) => f.type === "user-turn-ending");
    expect(hint).toMatchObject({ leadMs: 140 });
    expect(out.down.slice(0, out.down.indexOf(hint!)).filter((f) => f.type === "audio-in")).toHaveLength(30 + 23);
    const never = await runFrames(new TurnTakerProcessor({ finalLeadMs: 0 }), [...run(600, true), ...run(700, false)]);
    expect(withHints(never.down)).toEqual(["user-turn-start", "user-turn-end"]);
  });

  it("a turn that reaches its maximum length on the frame that resumes it ends on that frame", async () => {
    // 1,120 ms is reached by the first frame of speech after the pause (the frame that voids the early final).
    const out = await runFrames(new TurnTakerProcessor({ settings: { maxTurnMs: 1120 } }), [...run(600, true), ...run(500, false), ...run(400, true)]);
    const resumed = out.down.findIndex((f) => f.type === "user-turn-resumed");
    expect(resumed).toBeGreaterThan(0);
    expect(out.down[resumed + 1]).toMatchObject({ type: "user-turn-end", reason: "max-length" });
  });

  it("does not end the turn on a pause shorter than silenceMs", async () => {
    const out = await runFrames(new TurnTakerProcessor(), [...run(400, true), ...run(500, false), ...run(400, true), ...run(100, false)]);
    expect(events(out.down)).toEqual(["user-turn-start"]);
  });

  it("ignores a blip shorter than minSpeechMs", async () => {
    const out = await runFrames(new TurnTakerProcessor(), [...run(100, true), ...run(1000, false)]);
    expect(events(out.down)).toEqual([]);
  });

  it("waits entitySilenceMs while the brain expects a phone number", async () => {
    let expecting: ExpectedEntity = "phone";
    const tt = new TurnTakerProcessor({ expecting: () => expecting });
    // "five five five … (1 s pause) … one two three four"
    const out = await runFrames(tt, [...run(600, true), ...run(1000, false), ...run(600, true), ...run(1400, false)]);
    expect(events(out.down)).toEqual(["user-turn-start", "user-turn-end"]);
    expect(out.down.find((f) => f.type === "user-turn-end")).toMatchObject({ trailingSilenceMs: 1400 });
    expecting = "none";
    const plain = await runFrames(new TurnTakerProcessor({ expecting: () => expecting }), [...run(600, true), ...run(1000, false), ...run(600, true)]);
    expect(events(plain.down)).toEqual(["user-turn-start", "user-turn-end", "user-turn-start"]);
  });

  it("semantic endpointing: a partial that completes the answer ends the turn after completeSilenceMs", async () => {
    const tt = () => new TurnTakerProcessor({ expecting: () => "yes_no", completes: (t) => /^yes( please)?$/.test(t) });
    // "yes please" then 400 ms of silence: complete → the turn ends at 300 ms of silence.
    const done = await runFrames(tt(), [...run(500, true), partial("yes please"), ...run(400, false)]);
    expect(events(done.down)).toEqual(["user-turn-start", "user-turn-end"]);
    expect(done.down.find((f) => f.type === "user-turn-end")).toMatchObject({ trailingSilenceMs: 300 });
    // "yes but" is not complete: 400 ms of silence does not end it, and a later complete partial does not leak into the next turn.
    const open = await runFrames(tt(), [...run(500, true), partial("yes but"), ...run(400, false)]);
    expect(events(open.down)).toEqual(["user-turn-start"]);
    const next = await runFrames(tt(), [...run(500, true), partial("yes"), ...run(700, false), ...run(500, true), ...run(400, false)]);
    expect(events(next.down)).toEqual(["user-turn-start", "user-turn-end", "user-turn-start"]);
    // Partials are consumed here, not passed further up.
    expect(done.up.filter((f) => f.type === "transcript")).toEqual([]);
  });

  it("a partial that is plainly not the expected entity gets the normal window, not the entity one", async () => {
    const tt = () => new TurnTakerProcessor({ expecting: () => "date", offEntity: (t) => t.startsWith("do you") });
    // A question while a date is due: 700 ms of silence ends it (normal 600 ms window).
    const off = await runFrames(tt(), [...run(500, true), partial("do you take new patients"), ...run(700, false)]);
    expect(events(off.down)).toEqual(["user-turn-start", "user-turn-end"]);
    expect(off.down.find((f) => f.type === "user-turn-end")).toMatchObject({ trailingSilenceMs: 600 });
    // A date in progress keeps the 1,400 ms window; and the judgement does not outlive its turn.
    const on = await runFrames(tt(), [...run(500, true), partial("next tuesday"), ...run(700, false)]);
    expect(events(on.down)).toEqual(["user-turn-start"]);
    const next = await runFrames(tt(), [...run(500, true), partial("do you"), ...run(700, false), ...run(500, true), ...run(700, false)]);
    expect(events(next.down)).toEqual(["user-turn-start", "user-turn-end", "user-turn-start"]);
    // Nothing slow expected: the hint is not consulted and the normal window applies.
    const none = await runFrames(new TurnTakerProcessor({ offEntity: () => false }), [...run(500, true), partial("hello there"), ...run(700, false)]);
    expect(events(none.down)).toEqual(["user-turn-start", "user-turn-end"]);
  });

  it("ends an over-long turn at maxTurnMs", async () => {
    const tt = new TurnTakerProcessor({ settings: { maxTurnMs: 1000 } });
    const out = await runFrames(tt, run(1500, true));
    expect(out.down.find((f) => f.type === "user-turn-end")).toMatchObject({ reason: "max-length" });
  });

  it("a 100 ms cough while the agent speaks does not interrupt", async () => {
    const out = await runFrames(new TurnTakerProcessor(), [agentSpeaking, ...run(100, true), ...run(400, false), ...run(100, true), ...run(400, false)]);
    expect(events(out.down)).toEqual([]);
    expect(out.up.map((f) => f.type)).toEqual(["agent-speaking"]);
  });

  it("200 ms of speech starts a turn normally but is not enough to barge in", async () => {
    const out = await runFrames(new TurnTakerProcessor(), [agentSpeaking, ...run(240, true), ...run(400, false)]);
    expect(events(out.down)).toEqual([]);
  });

  it("bargeInMs of real speech while the agent speaks interrupts both ways", async () => {
    const out = await runFrames(new TurnTakerProcessor(), [agentSpeaking, ...run(400, true), ...run(700, false)]);
    expect(events(out.down)).toEqual(["interrupt", "user-turn-start", "user-turn-end"]);
    expect(out.down.find((f) => f.type === "user-turn-start")).toMatchObject({ bargeIn: true });
    expect(out.up.map((f) => f.type)).toEqual(["agent-speaking", "interrupt"]);
    const index = out.down.findIndex((f) => f.type === "interrupt");
    expect(out.down.slice(0, index).filter((f) => f.type === "audio-in")).toHaveLength(14);
  });
});
