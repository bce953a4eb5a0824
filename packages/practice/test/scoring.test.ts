import { practiceScoreSchema, type PracticeTurn } from "@orbis/contracts";
import { describe, expect, it } from "vitest";
import { scorePractice, type ScoreInput } from "../src/index.ts";
import { countFillers, questions } from "../src/text.ts";
import { persona, scenario } from "./converse.ts";

type TurnSpec = [speaker: "rep" | "prospect", text: string, speechMs?: number, interrupted?: boolean];

/** Turns in order; speech at 150 words a minute unless given. */
function transcript(specs: TurnSpec[]): PracticeTurn[] {
  let at = 0;
  return specs.map(([speaker, text, speechMs, interrupted], seq) => {
    const ms = speechMs ?? text.split(/\s+/).length * 400;
    const turn = { seq, speaker, text, atMs: at, speechMs: ms, interrupted: interrupted ?? false };
    at += ms + 500;
    return turn;
  });
}

const coldCall = (turns: PracticeTurn[], endReason: string | null, patch: Partial<ScoreInput> = {}): ScoreInput => ({
  turns,
  persona: persona("builtin_logistics_ops_manager"),
  scenario: scenario("builtin_cold_call_book_meeting"),
  durationSec: Math.round((turns.at(-1)?.atMs ?? 0) / 1000),
  endReason,
  ...patch,
});

const GOOD_CALL = transcript([
  ["prospect", "Swiftline Freight, this is Marcus."],
  ["rep", "Hi Marcus, this is Sam from Acme. Did I catch you at a bad time?"],
  ["prospect", "Yes? I'm busy. What is it?"],
  ["rep", "The reason for my call is we help freight companies like yours cut the time dispatchers spend chasing drivers."],
  ["prospect", "I'm in the middle of a shift change. Just send me an email."],
  ["rep", "I'll be brief, just one quick question. How do your dispatchers track arrival times today?"],
  ["prospect", "Okay, two minutes. Go. Short version. Dispatchers spend half their day on the phone chasing drivers for arrival times."],
  ["rep", "What does that cost you in overtime?"],
  ["prospect", "Overtime at the depot went up twenty percent this year, and nobody can explain where the hours go."],
  ["rep", "Tell me more about how customers ask about their shipments."],
  ["prospect", "Customers call asking where their shipment is, and we have no quick answer. It drives my team crazy."],
  ["rep", "Could we book a meeting for Tuesday at ten, twenty minutes, to show you how teams like yours fixed that?"],
  ["prospect", "Fine. Tuesday at ten. Send me the invite and keep it short."],
]);

const BAD_CALL = transcript([
  ["prospect", "Swiftline Freight, this is Marcus."],
  [
    "rep",
    "Um so like basically we are, you know, the best software for freight, and um actually our platform does everything, like, dispatch, tracking, billing, you know, basically all of it, and uh the pricing is kind of great and we are sort of the leader",
    120_000,
  ],
  ["prospect", "We just finished rolling out a new TMS. I'm not touching it again this year.", 4_000, true],
  ["rep", "Shut up and listen, it is the best."],
  ["prospect", "Watch your tone."],
  ["rep", "You idiot."],
  ["prospect", "I'm not going to be spoken to like that. Goodbye."],
]);

describe("scorePractice", () => {
  it("scores a good call high: every metric where it should be", () => {
    const score = scorePractice(coldCall(GOOD_CALL, "next_step"));
    expect(practiceScoreSchema.parse(score)).toEqual(score);
    expect(score.metrics).toMatchObject({
      interruptionsByRep: 0,
      interruptionsByProspect: 0,
      questionsOpen: 3,
      questionsClosed: 2,
      fillerPerMinute: 0,
      wordsPerMinute: 150,
      objectionsRaised: 1,
      objectionsHandled: 1,
      nextStepSecured: true,
    });
    expect(score.metrics.talkRatio).toBeGreaterThan(0.4);
    expect(score.metrics.talkRatio).toBeLessThan(0.6);
    expect(score.overall).toBeGreaterThanOrEqual(85);
    const item = (key: string) => score.items.find((i) => i.key === key);
    expect(item("ask_meeting")).toMatchObject({ score: 100, weight: 30 });
    expect(item("ask_meeting")?.quotes).toEqual(["Could we book a meeting for Tuesday at ten, twenty minutes, to show you how teams like yours fixed that?"]);
    expect(item("brush_off")?.quotes).toEqual(["I'll be brief, just one quick question."]);
    expect(item("objections")).toMatchObject({
      score: 100,
      quotes: ["I'll be brief, just one quick question. How do your dispatchers track arrival times today?"],
    });
    expect(item("next_step")?.score).toBe(100);
    expect(item("delivery")?.score).toBe(100);
    // Nothing weak: the coaching says what to keep doing, in the rep's own words.
    expect(score.coaching).toHaveLength(3);
    expect(score.coaching[0]).toMatch(/^Keep it up: /);
  });

  it("scores a rude monologue low, and says why", () => {
    const score = scorePractice(coldCall(BAD_CALL, "prospect_hung_up"));
    expect(score.overall).toBeLessThan(25);
    expect(score.metrics).toMatchObject({
      longestMonologueSec: 120,
      interruptionsByRep: 1,
      questionsOpen: 0,
      questionsClosed: 0,
      objectionsRaised: 1,
      objectionsHandled: 0,
      nextStepSecured: false,
    });
    expect(score.metrics.talkRatio).toBeGreaterThan(0.9);
    expect(score.metrics.fillerPerMinute).toBeGreaterThan(5);
    const delivery = score.items.find((i) => i.key === "delivery");
    expect(delivery?.score).toBeLessThanOrEqual(20);
    expect(delivery?.quotes).toContain("You idiot.");
    expect(score.items.find((i) => i.key === "listening")?.score).toBe(0);
    expect(score.coaching).toHaveLength(3);
    expect(score.coaching[0]).toMatch(/Stay professional/);
    expect(score.coaching.slice(1).join(" ")).toMatch(/Ask for the meeting|120 seconds/);
  });

  it("overall is the weighted average of the items that count", () => {
    const score = scorePractice(coldCall(GOOD_CALL.slice(0, 4), null));
    const counted = score.items.filter((i) => i.weight > 0);
    const expected = counted.reduce((a, i) => a + i.score * i.weight, 0) / counted.reduce((a, i) => a + i.weight, 0);
    expect(score.overall).toBe(Math.round(expected));
    // The built-in items weigh as much together as the rubric (100 / 5 each).
    expect(score.items.find((i) => i.key === "listening")?.weight).toBe(20);
    // No objection came up: the item is shown but does not count.
    expect(score.items.find((i) => i.key === "objections")).toMatchObject({ weight: 0, explanation: "No objections came up." });
  });

  it("is deterministic", () => {
    expect(scorePractice(coldCall(GOOD_CALL, "next_step"))).toEqual(scorePractice(coldCall(GOOD_CALL, "next_step")));
  });

  it("scores an empty session as zero without failing", () => {
    const score = scorePractice(coldCall([], "disconnected"));
    expect(score.overall).toBe(0);
    expect(score.metrics).toMatchObject({ talkRatio: 0, wordsPerMinute: 0, fillerPerMinute: 0, longestMonologueSec: 0 });
    expect(practiceScoreSchema.parse(score)).toEqual(score);
  });

  it.each([
    {
      name: "talk ratio: rep 30 s of 40 s",
      turns: [
        ["rep", "a b c", 30_000],
        ["prospect", "d e f", 10_000],
      ] as TurnSpec[],
      metric: "talkRatio",
      value: 0.75,
    },
    {
      name: "longest monologue: consecutive rep turns add up",
      turns: [
        ["rep", "one", 20_000],
        ["rep", "two", 25_000],
        ["prospect", "ok", 1_000],
        ["rep", "three", 30_000],
      ] as TurnSpec[],
      metric: "longestMonologueSec",
      value: 45,
    },
    {
      name: "interruptions by the rep: prospect turns cut off",
      turns: [
        ["prospect", "well", 1_000, true],
        ["rep", "sorry", 1_000, true],
        ["prospect", "so", 1_000, true],
      ] as TurnSpec[],
      metric: "interruptionsByRep",
      value: 2,
    },
    {
      name: "interruptions by the prospect: rep turns cut off",
      turns: [
        ["rep", "well", 1_000, true],
        ["prospect", "no", 1_000],
      ] as TurnSpec[],
      metric: "interruptionsByProspect",
      value: 1,
    },
    {
      name: "words per minute over the rep's speech",
      turns: [["rep", Array(300).fill("word").join(" "), 120_000]] as TurnSpec[],
      metric: "wordsPerMinute",
      value: 150,
    },
    {
      name: "fillers per rep minute",
      turns: [
        ["rep", "um so like we basically help, you know, teams", 30_000],
        ["rep", "it's kind of slow", 30_000],
      ] as TurnSpec[],
      metric: "fillerPerMinute",
      value: 5,
    },
  ])("$name", ({ turns, metric, value }) => {
    const score = scorePractice(coldCall(transcript(turns), null));
    expect(score.metrics[metric as keyof typeof score.metrics]).toBe(value);
  });

  it("counts the next step secured when the prospect agreed, even if the rep hung up", () => {
    const turns = transcript([
      ["rep", "Can we put something in the calendar for Friday?"],
      ["prospect", "Sure, let's do Friday at two. Send me the invite."],
    ]);
    expect(scorePractice(coldCall(turns, "rep_ended")).metrics.nextStepSecured).toBe(true);
    const refused = transcript([
      ["rep", "Can we put something in the calendar for Friday?"],
      ["prospect", "Not so fast. Just send me an email."],
    ]);
    const score = scorePractice(coldCall(refused, "rep_ended"));
    expect(score.metrics.nextStepSecured).toBe(false);
    expect(score.items.find((i) => i.key === "next_step")?.score).toBe(40);
  });

  it("counts an objection an LLM prospect paraphrased as handled when the rep said what resolves it", () => {
    const turns = transcript([
      ["prospect", "I'm in the middle of a shift change. Just send me an email."],
      ["rep", "Totally, when is a better time? I can call you back."],
      ["prospect", "Try me tomorrow morning."],
    ]);
    expect(scorePractice(coldCall(turns, null)).metrics).toMatchObject({ objectionsRaised: 1, objectionsHandled: 1 });
  });
});

describe("questions", () => {
  it.each([
    ["What's your biggest challenge?", 1, 0],
    ["How do you handle that today? Is that manual?", 1, 1],
    ["tell me about your current process", 1, 0],
    ["do you have a minute", 0, 1],
    ["We help teams like yours.", 0, 0],
    ["we are, you know, the best", 0, 0],
    ["do you know who decides", 0, 1],
    ["So walk me through it. And why is that?", 2, 0],
    ["You're the decision maker?", 0, 1],
    ["Can we book a meeting? Who else is involved?", 0, 2],
    ["I'll be brief, just one quick question: how do your dispatchers track arrival times today?", 1, 0],
  ])("%s → %i open, %i closed", (text, open, closed) => {
    const qs = questions(text);
    expect([qs.filter((q) => q.kind === "open").length, qs.filter((q) => q.kind === "closed").length]).toEqual([open, closed]);
  });
});

describe("filler words", () => {
  it.each([
    ["um so like we basically help, you know, teams", 4],
    ["I like that idea", 0],
    ["What kind of software do you use?", 0],
    ["It's kind of slow", 1],
    ["Do you know who decides?", 0],
    ["Actually it's sort of done", 2],
    ["It was, like, huge", 1],
    ["We would like to help", 0],
  ])("%s → %i", (text, n) => {
    expect(countFillers(text)).toBe(n);
  });
});
