import { describe, expect, it } from "vitest";
import { Conversation } from "./harness.ts";

/** Semantic endpointing: which partial transcripts already answer the question just asked. */
describe("ReceptionistSession.isCompleteUtterance", () => {
  const complete = (c: Conversation, text: string) => c.session.isCompleteUtterance!(text);

  it("a request or a bare yes keeps the full window; a question answerable as it stands ends early", async () => {
    const c = new Conversation("dental");
    await c.greet();
    for (const t of ["i would like to book a cleaning", "yes", "i need a cleaning", "can i speak to someone about my bill"])
      expect(complete(c, t), t).toBe(false);
    for (const t of ["what are your hours", "what are your opening hours", "where are you located", "how much is a cleaning"])
      expect(complete(c, t), t).toBe(true);
    for (const t of ["what are your hours and", "how much is", "what are", "where are you located because"]) expect(complete(c, t), t).toBe(false);
  });

  it("while a day is expected, a question or a whole day ends early but a day in progress keeps the long window", async () => {
    const c = new Conversation("dental");
    await c.greet();
    const ask = await c.say("I'd like to book a cleaning");
    expect(ask.text).toMatch(/what day/i);
    expect(complete(c, "what are your opening hours")).toBe(true);
    // A day that parses whole is the answer (it used to wait the long entity window regardless).
    for (const t of ["next tuesday", "friday at three", "tomorrow morning", "the first available"]) expect(complete(c, t), t).toBe(true);
    for (const t of ["next tuesday at", "next", "um let me think", "on the"]) expect(complete(c, t), t).toBe(false);
  });

  it("while a day or a number is due, other words get the normal window; a day begun or a stall keeps the long one", async () => {
    const c = new Conversation("dental");
    await c.greet();
    const off = (text: string) => c.session.isOffEntity!(text);
    for (const t of ["what are your opening hours", "do you take new patients"]) expect(off(t), t).toBe(false);
    await c.say("I'd like to book a cleaning");
    for (const t of ["do you take new patients", "actually can i cancel instead"]) expect(off(t), t).toBe(true);
    for (const t of ["next tuesday", "um let me check my calendar", "the week after", "sometime on", "two", "hmm"]) expect(off(t), t).toBe(false);
    await c.say("next Tuesday afternoon");
    await c.say("the first one");
    const ask = await c.say("my name is Jane Doe");
    expect(ask.text).toMatch(/number/i);
    expect(off("why do you need my number")).toBe(true);
    expect(off("two one two five")).toBe(false);
    expect(off("hold on a second")).toBe(false);
  });

  it("a question-shaped name or message is the caller's own words: no early end", async () => {
    const c = new Conversation("dental");
    await c.greet();
    await c.say("I'd like a cleaning next Tuesday afternoon");
    const ask = await c.say("the first one");
    expect(ask.text).toMatch(/name/i);
    expect(complete(c, "what are your opening hours")).toBe(false);
  });

  it("offered times: an ordinal or a time completes; a trailing 'and' or a long sentence does not", async () => {
    const c = new Conversation("dental");
    await c.greet();
    const offer = await c.say("I'd like a cleaning next Tuesday afternoon");
    expect(offer.text).toMatch(/which works best|would .* work/i);
    expect(complete(c, "the first one")).toBe(true);
    expect(complete(c, "two p m")).toBe(true);
    expect(complete(c, "the first one and")).toBe(false);
    expect(complete(c, "hmm")).toBe(false);
    expect(complete(c, "actually i was wondering whether you have anything at two")).toBe(false);
  });

  it("a phone number completes only when all its digits are there", async () => {
    const c = new Conversation("dental");
    await c.greet();
    await c.say("I'd like a cleaning next Tuesday afternoon");
    await c.say("the first one");
    const ask = await c.say("my name is Jane Doe");
    expect(ask.text).toMatch(/number/i);
    expect(complete(c, "two one two five five five")).toBe(false);
    expect(complete(c, "two one two five five five zero one two three")).toBe(true);
  });

  it("confirmations: a short yes or no completes, 'yes but' does not", async () => {
    const c = new Conversation("dental", { caller: "+12125550123" });
    await c.greet();
    await c.say("I'd like a cleaning next Tuesday afternoon");
    await c.say("the first one");
    const ask = await c.say("my name is Jane Doe");
    expect(ask.text).toMatch(/best number/i);
    expect(complete(c, "yes please")).toBe(true);
    expect(complete(c, "no")).toBe(true);
    expect(complete(c, "yes but")).toBe(false);
    expect(complete(c, "well")).toBe(false);
  });
});
