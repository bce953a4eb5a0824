import type { BrainEvent } from "@orbis/voice";
import { describe, expect, it } from "vitest";
import { BUILTIN_PERSONAS, BUILTIN_SCENARIOS, createProspectBrain } from "../src/index.ts";
import { normalize, sentences } from "../src/text.ts";
import { converse, persona, scenario, type Conversation } from "./converse.ts";

const texts = (events: BrainEvent[]): string[] => events.flatMap((e) => (e.type === "text" ? [e.text] : []));
const ends = (events: BrainEvent[]): string[] => events.flatMap((e) => (e.type === "end" ? [e.reason] : []));

/** No sentence of a reply is a sentence of the reply before it. */
function expectNoRepeats(replies: string[]): void {
  for (let i = 1; i < replies.length; i++) {
    const before = new Set(sentences(replies[i - 1] as string).map((s) => normalize(s.text)));
    for (const s of sentences(replies[i] as string)) expect(before.has(normalize(s.text)), `"${s.text}" said twice in a row`).toBe(false);
  }
}

const coldCall = (): Conversation => converse(persona("builtin_logistics_ops_manager"), scenario("builtin_cold_call_book_meeting"));
const PITCH = "The reason for my call is we help freight companies cut the time dispatchers spend chasing drivers.";

describe("the prospect, end to end through the Brain interface", () => {
  it("cold call: the brush-off is raised, handled, and the meeting is agreed", async () => {
    const c = coldCall();
    expect(texts(await c.greet())).toEqual(["Swiftline Freight, this is Marcus."]);
    expect(c.session.expecting()).toBe("free_text");

    expect(await c.reply("Hi Marcus, this is Sam from Acme.")).toMatch(/busy|quick/i);
    const brushOff = await c.reply(PITCH);
    expect(brushOff).toBe("I'm in the middle of a shift change. Just send me an email.");

    const handled = await c.reply("I'll be brief, just one quick question: how do your dispatchers track arrival times today?");
    expect(handled).toContain("Okay, two minutes. Go.");
    expect(handled).toContain("Dispatchers spend half their day on the phone chasing drivers");

    const agreed = await c.say("Could we book a meeting on Tuesday at ten to show you how it works?");
    expect(texts(agreed)).toEqual(["Fine. Tuesday at ten. Send me the invite and keep it short."]);
    expect(agreed.at(-1)).toEqual({ type: "end", reason: "next_step" });
    expect(c.session.expecting()).toBe("none");
    expect(await c.say("Great, talk then!")).toEqual([]);
  });

  it("pushes back with the open objection instead of agreeing, then agrees once it is handled", async () => {
    const c = coldCall();
    await c.greet();
    await c.reply("Hi Marcus, this is Sam from Acme.");
    await c.reply(PITCH);
    const pushback = await c.say("Can we book a meeting for Thursday?");
    expect(ends(pushback)).toEqual([]);
    expect(texts(pushback).join(" ")).toMatch(/shift change/);
    expect(texts(pushback).join(" ")).not.toMatch(/invite/);
    await c.reply("Totally get it. When's a better time, I'll call you back?");
    const agreed = await c.say("Can we book a meeting for Thursday?");
    expect(ends(agreed)).toEqual(["next_step"]);
    expect(texts(agreed).join(" ")).toContain("Thursday at two");
  });

  it("warns a rude rep once and hangs up the second time", async () => {
    const c = coldCall();
    await c.greet();
    const warned = await c.say("Listen, shut up and hear me out.");
    expect(texts(warned)).toEqual(["Watch your tone."]);
    expect(ends(warned)).toEqual([]);
    const hungUp = await c.say("You're an idiot.");
    expect(texts(hungUp)).toHaveLength(1);
    expect(ends(hungUp)).toEqual(["prospect_hung_up"]);
  });

  it("ends with time_up when the scenario's time limit has passed", async () => {
    const c = coldCall();
    await c.greet();
    await c.reply("Hi Marcus, this is Sam from Acme.");
    c.advance(299_000);
    expect(ends(await c.say("How do you track your drivers today?"))).toEqual([]);
    c.advance(2_000);
    const late = await c.say("And what's your budget?");
    expect(texts(late).join(" ")).toMatch(/out of time/);
    expect(ends(late)).toEqual(["time_up"]);
  });

  it("nudges on silence, ignores keypad digits and hangs up after three silences", async () => {
    const c = coldCall();
    await c.greet();
    expect(await c.reply(null)).toBe("Hello? Are you still there?");
    expect(await c.session.respond({ kind: "dtmf", digits: "5" }, new AbortController().signal)[Symbol.asyncIterator]().next()).toEqual({
      done: true,
      value: undefined,
    });
    const second = await c.reply(null);
    expect(second).not.toBe("Hello? Are you still there?");
    const third = await c.say(null);
    expect(ends(third)).toEqual(["prospect_hung_up"]);
  });

  it("answers discovery questions about problems, budget and authority", async () => {
    const c = converse(persona("builtin_saas_it_director"), scenario("builtin_discovery_uncover_pain"));
    await c.greet();
    expect(await c.reply("What's the biggest challenge for your team right now?")).toContain("Password reset tickets");
    expect(await c.reply("How much have you set aside as budget for this?")).toContain("forty thousand a year");
    expect(await c.reply("Who else is involved in the decision?")).toContain("my boss signs off");
  });

  it("does not raise an objection the rep answers in the same breath as its subject", async () => {
    const c = coldCall();
    await c.greet();
    const reply = await c.reply("It works with your TMS and needs no IT work, we handle the setup for any system.");
    expect(reply).not.toMatch(/TMS/);
  });

  it("easy scenarios agree without objections handled; medium ones raise one first", async () => {
    const easy = converse(persona("builtin_retail_marketing_head"), scenario("builtin_demo_follow_up_pilot"));
    await easy.greet();
    expect(ends(await easy.say("Shall we start a pilot in five stores next Tuesday?"))).toEqual(["next_step"]);

    const medium = converse(persona("builtin_retail_marketing_head"), scenario("builtin_demo_follow_up_pilot", { difficulty: "medium" }));
    await medium.greet();
    const held = await medium.say("Shall we start a pilot in five stores next Tuesday?");
    expect(ends(held)).toEqual([]);
    expect(texts(held).join(" ")).toMatch(/^Hold on\. We tried something similar/);
    await medium.reply("Fair. What went wrong last time?");
    expect(ends(await medium.say("Then shall we start a pilot on Tuesday?"))).toEqual(["next_step"]);
  });

  it("hard scenarios need two objections handled and none open; medium ones one", async () => {
    const c = converse(persona("builtin_insurance_agency_owner"), scenario("builtin_objection_handling_drill"));
    await c.greet();
    expect(await c.reply("What does it cost you when a renewal slips? Our pricing is per month.")).toContain("A thousand a month is a lot");
    expect(await c.reply("That's fair. One renewal a month pays for itself.")).toContain("If keeping one renewal a month covers it");
    const held = await c.say("Can we book a time next week?");
    expect(ends(held)).toEqual([]);
    expect(texts(held)).toEqual(["Hold on. I can't have client information going somewhere I don't control."]);
    expect(ends(await c.say("Can we book a time next week?"))).toEqual([]);
    await c.reply("Everything is encrypted and deleted on request, and you control it.");
    expect(ends(await c.say("Can we book a time next week?"))).toEqual(["next_step"]);

    const medium = converse(persona("builtin_insurance_agency_owner"), scenario("builtin_objection_handling_drill", { difficulty: "medium" }));
    await medium.greet();
    await medium.reply("Our pricing is per month.");
    await medium.reply("That's fair. One renewal a month pays for itself.");
    expect(ends(await medium.say("Can we book a time next week?"))).toEqual(["next_step"]);
  });
});

describe("personalities", () => {
  it("friendly: gives two problems per question", async () => {
    const c = converse(persona("builtin_dental_practice_owner"), scenario("builtin_closing_start_date"));
    await c.greet();
    const reply = await c.reply("What are the biggest problems at the front desk?");
    expect(reply).toContain("We miss calls");
    expect(reply).toContain("No-shows");
  });

  it("busy: warns it is nearly out of patience, then has to go", async () => {
    const c = coldCall();
    await c.greet();
    const replies: string[] = [];
    for (let i = 0; i < 7; i++) replies.push(await c.reply(i % 2 ? "What else is hard for your dispatchers today?" : "How do you handle that?"));
    expect(replies[6]).toContain("I've only got a minute left.");
    await c.reply("How many drivers do you have?");
    expect(ends(await c.say("How do you schedule them?"))).toEqual(["prospect_hung_up"]);
  });

  it("busy: hangs up after three turns that ask nothing", async () => {
    const c = coldCall();
    await c.greet();
    await c.say("Hi, Sam from Acme.");
    await c.say("We make dispatch software.");
    expect(ends(await c.say("It is really good software for freight."))).toEqual(["prospect_hung_up"]);
  });

  it("hostile: hangs up after two turns that ask nothing", async () => {
    const c = converse(persona("builtin_manufacturing_procurement"), scenario("builtin_renewal_save"));
    expect(texts(await c.greet())).toEqual(["Greg. I assume this is about the renewal. I'm not happy."]);
    expect(ends(await c.say("Our renewal price stays the same this year."))).toEqual([]);
    const last = await c.say("The renewal is due on the first.");
    expect(ends(last)).toEqual(["prospect_hung_up"]);
    expect(texts(last)).toEqual(["I'm done here. Goodbye."]);
  });

  it("hostile: stays on the line for a rep who asks", async () => {
    const c = converse(persona("builtin_manufacturing_procurement"), scenario("builtin_renewal_save"));
    await c.greet();
    expect(await c.reply("I'm sorry to hear that. What happened?")).toContain("Suppliers miss delivery dates");
    expect(c.endReason).toBeNull();
  });

  it("skeptical: brings up objections nobody triggered", async () => {
    const c = converse(persona("builtin_saas_it_director"), scenario("builtin_discovery_uncover_pain"));
    await c.greet();
    await c.reply("We help IT teams like yours save time.");
    const unprompted = await c.reply("Many of our customers see results in the first month.");
    expect(unprompted).toBe("How do I know our data is safe with you? We were burned by a vendor breach last year.");
    // A friendly persona with the same lines just listens.
    const f = converse(persona("builtin_saas_it_director", { personality: "friendly" }), scenario("builtin_discovery_uncover_pain"));
    await f.greet();
    await f.reply("We help IT teams like yours save time.");
    expect(await f.reply("Many of our customers see results in the first month.")).not.toMatch(/data is safe/);
  });
});

describe("what the prospect says", () => {
  it("never says the same sentence twice in a row", async () => {
    const c = converse(persona("builtin_dental_practice_owner"), scenario("builtin_closing_start_date"));
    const replies = [texts(await c.greet()).join(" ")];
    for (const turn of ["ok", "ok", "ok", "ok", null, null, "What's the price?", "ok", "ok", "Can we get started?", "Can we get started?"])
      replies.push(await c.reply(turn));
    expectNoRepeats(replies);
  });

  it("opens with the persona's default line when the scenario has none", async () => {
    const expected: Record<string, RegExp> = {
      friendly: /^Hi, this is Maria at Bright Smile Dental\.$/,
      hostile: /^Yeah, Greg\. Who is this\?$/,
      busy: /^Marcus speaking\./,
      skeptical: /^Northwind Cloud, Dana speaking\.$/,
    };
    for (const id of ["builtin_dental_practice_owner", "builtin_manufacturing_procurement", "builtin_logistics_ops_manager", "builtin_saas_it_director"]) {
      const p = persona(id);
      const c = converse(p, scenario("builtin_cold_call_book_meeting", { openingLine: "" }));
      expect(texts(await c.greet())[0]).toMatch(expected[p.personality] as RegExp);
    }
  });

  it("every built-in pair runs a whole scripted call without throwing and ends", async () => {
    for (const p of BUILTIN_PERSONAS)
      for (const s of BUILTIN_SCENARIOS) {
        const c = converse(p, s);
        await c.greet();
        for (let i = 0; i < 40 && c.endReason === null; i++) await c.say(i % 3 === 0 ? "What's the biggest challenge today?" : "Right.");
        expect(c.endReason).not.toBeNull();
      }
  });
});

describe("phraseSpec", () => {
  it("covers the prospect's name and company, objection handling and next steps, in spoken words", () => {
    const brain = createProspectBrain({ persona: persona("builtin_saas_it_director"), scenario: scenario("builtin_discovery_uncover_pain") });
    const spec = brain.phraseSpec?.();
    if (!spec) throw new Error("no phrase spec");
    expect(spec.slots.prospect).toEqual(expect.arrayContaining(["dana", "dana whitfield"]));
    expect(spec.slots.company).toEqual(["northwind cloud"]);
    expect(spec.templates).toContain("soc two");
    expect(spec.templates).toContain("{ack} security review");
    expect(spec.slots.next_step).toContain("book a demo");
    expect(spec.templates.length).toBeLessThan(400);
    for (const t of spec.templates) {
      expect(t).toMatch(/^[a-z' {}_]+$/);
      for (const m of t.matchAll(/\{(\w+)\}/g)) expect(spec.slots[m[1] as string], `slot ${m[1]}`).toBeDefined();
    }
    expect(brain.phraseSpec?.()).toBe(spec);
  });

  it("names a doctor the way a rep says it", () => {
    const spec = createProspectBrain({ persona: persona("builtin_dental_practice_owner"), scenario: scenario("builtin_closing_start_date") }).phraseSpec?.();
    expect(spec?.slots.prospect).toEqual(expect.arrayContaining(["doctor maria alvarez", "maria", "doctor alvarez"]));
  });
});
