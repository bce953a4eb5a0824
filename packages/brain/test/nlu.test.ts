import { describe, expect, it } from "vitest";
import {
  buildPhraseSpec,
  extractPhone,
  extractWhen,
  getBusinessTemplate,
  normalize,
  spokenDigits,
  splitSentences,
  SentenceStream,
  toSpokenWords,
  understand,
} from "../src/index.ts";

const NOW = new Date("2026-03-05T14:00:00Z"); // Thursday 9:00 New York
const NY = "America/New_York";
const dental = getBusinessTemplate("dental").business;

describe("dates and times in the business zone", () => {
  const cases: Array<[string, { date?: string; time?: string; partOfDay?: string }]> = [
    ["next tuesday afternoon", { date: "2026-03-10", partOfDay: "afternoon" }],
    ["tomorrow at 3", { date: "2026-03-06", time: "15:00" }],
    ["friday at 10 am", { date: "2026-03-06", time: "10:00" }],
    ["monday morning", { date: "2026-03-09", partOfDay: "morning" }],
    ["ten thirty", { time: "10:30" }],
    ["two pm on wednesday", { date: "2026-03-11", time: "14:00" }],
    ["the fifteenth at nine", { date: "2026-03-15", time: "09:00" }],
    ["the 2nd", { date: "2026-04-02" }],
    ["march twentieth", { date: "2026-03-20" }],
    ["no, thursday", { date: "2026-03-05" }],
    ["at noon", { time: "12:00" }],
  ];
  for (const [text, want] of cases) {
    it(text, () => {
      expect(extractWhen(normalize(text), NY, NOW, { bareNumberIsTime: true })).toEqual(want);
    });
  }
  it("reads dates in the business zone, not the process zone", () => {
    // 03:30 UTC Friday is still Thursday evening in Los Angeles.
    expect(extractWhen(normalize("tomorrow"), "America/Los_Angeles", new Date("2026-03-06T03:30:00Z"))).toEqual({ date: "2026-03-06" });
    expect(extractWhen(normalize("tomorrow"), "Asia/Tokyo", new Date("2026-03-06T03:30:00Z"))).toEqual({ date: "2026-03-07" });
  });
});

describe("phone numbers", () => {
  const cases: Array<[string, string | null]> = [
    ["five five five one two three four", null],
    ["two one two five five five one two three four", "+12125551234"],
    ["two one two, five five five, oh one double eight", "+12125550188"],
    ["my number is (415) 555-0123", "+14155550123"],
    ["+44 20 7946 0958", "+442079460958"],
    ["it's 312 555 0199 thanks", "+13125550199"],
    ["tuesday at two", null],
  ];
  for (const [text, want] of cases) it(text, () => expect(extractPhone(text, "US")).toBe(want));
  it("spoken digits with double and triple", () => expect(spokenDigits("triple five double oh 7")).toBe("555007"));
});

describe("intents", () => {
  const cases: Array<[string, string[], string?]> = [
    ["I'd like to book a cleaning", ["book"], "cleaning"],
    ["can I make an appointment", ["book"]],
    ["I need to reschedule my appointment", ["reschedule", "book"]],
    ["I have to cancel", ["cancel"]],
    ["what time do you close on friday", ["hours"]],
    ["how much is teeth whitening", ["prices"], "whitening"],
    ["where are you located", ["location"]],
    ["can I leave a message", ["message"]],
    ["let me talk to a person", ["transfer"]],
    ["yeah that works", ["yes"]],
    ["nope", ["no"]],
    ["that's all, bye", ["goodbye"]],
    ["do you take insurance", ["faq"]],
  ];
  for (const [text, want, service] of cases) {
    it(text, () => {
      const u = understand(text, dental, NOW);
      for (const i of want) expect([...u.intents]).toContain(i);
      if (service) expect(u.service?.id).toBe(service);
    });
  }
  it("opening hours is a question about hours, also as the recogniser often hears it; openings are slots", () => {
    for (const text of ["what are your opening hours", "what are your openings hours", "what are your open hours"]) {
      const u = understand(text, dental, NOW);
      expect(u.intents.has("hours")).toBe(true);
      expect(u.intents.has("book")).toBe(false);
    }
    const slots = understand("do you have any openings on friday", dental, NOW);
    expect(slots.intents.has("book")).toBe(true);
    expect(slots.intents.has("hours")).toBe(false);
  });
  it("can't is not cancel; someone to fix it is not a transfer", () => {
    expect(understand("I can't make it", dental, NOW).intents.has("cancel")).toBe(false);
    expect(understand("can you send someone tomorrow", dental, NOW).intents.has("transfer")).toBe(false);
  });
  it("a request never to be called again, and what is not one", () => {
    for (const text of [
      "please take me off your list",
      "stop calling me",
      "Don't call me again.",
      "do not call this number anymore",
      "put me on your do not call list",
      "remove my number from your calling list",
    ])
      expect(understand(text, dental, NOW).intents.has("do_not_call"), text).toBe(true);
    for (const text of ["please call me back", "don't call me back, I'll call you", "take me off the schedule for Friday", "can I call you again tomorrow"])
      expect(understand(text, dental, NOW).intents.has("do_not_call"), text).toBe(false);
  });
  it("ordinal choices are not dates", () => {
    const u = understand("the second one", dental, NOW, { bareNumberIsTime: true });
    expect(u.ordinal).toBe(1);
  });
});

describe("phrase spec", () => {
  const spec = buildPhraseSpec(dental);
  it("has templates and slot values as lowercase words without digits or punctuation", () => {
    expect(spec.templates.length).toBeGreaterThan(80);
    for (const t of spec.templates) expect(t).toMatch(/^[a-z' {}_]+$/);
    for (const [name, values] of Object.entries(spec.slots)) {
      expect(values.length, name).toBeGreaterThan(0);
      for (const v of values) expect(v, name).toMatch(/^[a-z' ]+$/);
    }
  });
  it("includes the business's services, staff, FAQs and every slot a template uses", () => {
    expect(spec.slots.service).toEqual(expect.arrayContaining(["cleaning", "teeth whitening", "x rays"]));
    expect(spec.slots.staff).toEqual(expect.arrayContaining(["doctor lee", "doctor patel", "maria"]));
    expect(spec.slots.time).toEqual(expect.arrayContaining(["ten thirty", "two pm", "noon"]));
    expect(spec.templates).toContain("do you take insurance");
    expect(spec.slots.business).toEqual(["bright smile dental"]);
    const used = new Set(spec.templates.flatMap((t) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1])));
    for (const slot of used) expect(spec.slots, String(slot)).toHaveProperty(String(slot));
  });
  it("spells numbers out", () => expect(toSpokenWords("Suite 200 & 4th St.")).toBe("suite two hundred and fourth saint"));
});

describe("sentences", () => {
  it("splits replies without breaking Dr. and streams incrementally", () => {
    expect(splitSentences("Your visit with Dr. Lee is booked. See you then!")).toEqual(["Your visit with Dr. Lee is booked.", "See you then!"]);
    const s = new SentenceStream();
    expect(s.push("Sure. Let me ")).toEqual(["Sure."]);
    expect(s.push("check with Dr. Pat")).toEqual([]);
    expect(s.push("el. One moment")).toEqual(["Let me check with Dr. Patel."]);
    expect(s.push(" please.")).toEqual([]);
    expect(s.flush()).toEqual(["One moment please."]);
  });
});
