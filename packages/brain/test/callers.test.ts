import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import type { BusinessTemplateId } from "@orbis/contracts";
import { splitSentences } from "../src/index.ts";
import { Conversation } from "./harness.ts";

/**
 * Calls as real callers make them: the slot given out of order, a number in pieces, a change of mind
 * mid-booking, a problem described instead of a service named, a person asked for in any words, an
 * emergency. Each asserts what the call left behind (the booking, the message, the transfer).
 * NOW is Thursday 2026-03-05, 9:00 in New York.
 */

async function call(template: BusinessTemplateId, lines: string[], opts: ConstructorParameters<typeof Conversation>[1] = {}): Promise<Conversation> {
  const c = new Conversation(template, opts);
  await c.greet();
  for (const line of lines) await c.say(line);
  return c;
}

/** The agent's turns (all its sentences in one reply), in order. */
function agentTurns(c: Conversation): string[] {
  const turns: string[] = [];
  let current: string[] = [];
  for (const line of c.transcript) {
    if (line.startsWith("caller: ")) {
      if (current.length) turns.push(current.join(" "));
      current = [];
    } else current.push(line.slice("agent: ".length));
  }
  if (current.length) turns.push(current.join(" "));
  return turns;
}

function neverRepeatsItself(c: Conversation): void {
  const turns = agentTurns(c);
  for (let i = 1; i < turns.length; i++) expect(turns[i], c.transcript.join("\n")).not.toBe(turns[i - 1]);
}

async function onlyBooking(c: Conversation) {
  const booked = await c.booked();
  expect(booked, c.transcript.join("\n")).toHaveLength(1);
  const a = booked[0];
  if (!a) throw new Error("no booking");
  return { ...a, local: DateTime.fromISO(a.start, { zone: c.business.timezone }).toFormat("ccc yyyy-LL-dd HH:mm") };
}

function onlyMessage(c: Conversation) {
  expect(c.messages.messages, c.transcript.join("\n")).toHaveLength(1);
  return c.messages.messages[0] as (typeof c.messages.messages)[number];
}

function transferredTo(c: Conversation): string | undefined {
  const t = c.allEvents.find((e) => e.type === "transfer");
  return t?.type === "transfer" ? t.to : undefined;
}

describe("a name or a number is never taken as the message", () => {
  for (const nameFirst of ["It's Jane Back", "my name is Jane Back", "this is Jane Back calling", "Jane Back"]) {
    it(`"${nameFirst}" when the message is asked for`, async () => {
      const c = await call("dental", [
        "I'd like to leave a message for Dr Lee",
        nameFirst,
        "Please tell her I'll be ten minutes late tomorrow",
        "two one two five five five zero one four two",
      ]);
      const m = onlyMessage(c);
      expect(m.callerName).toBe("Jane Back");
      expect(m.text).toContain("ten minutes late");
      expect(m.callbackNumber).toBe("+12125550142");
      expect(agentTurns(c).at(-1)).toMatch(/^Thanks, Jane\. I've passed your message on/);
    });
  }

  it("a number said where the message is due is the callback number", async () => {
    const c = await call("salon_spa", [
      "can you take a message for Sofia",
      "my number is three oh three five five five zero one one nine",
      "tell her I need to move my color appointment",
      "Dana",
    ]);
    const m = onlyMessage(c);
    expect(m.callbackNumber).toBe("+13035550119");
    expect(m.text).toContain("move my color appointment");
    expect(m.callerName).toBe("Dana");
  });
});

describe("a phone number in pieces", () => {
  const pieces: string[][] = [
    ["two one two", "five five five", "zero one four two"],
    ["212", "555", "0142"],
    ["two one two five five five", "oh one four two"],
  ];
  for (const chunks of pieces) {
    it(`${chunks.join(" / ")} is gathered, read back in groups, and booked`, async () => {
      const c = await call("dental", ["I'd like to book a cleaning on Monday at 10", "Sam Rivera", ...chunks]);
      const last = agentTurns(c).at(-1) ?? "";
      expect(last).toMatch(/I have 2 1 2, 5 5 5, 0 1 4 2\./);
      expect(last).toMatch(/The number: 2 1 2, 5 5 5, 0 1 4 2\./);
      await c.say("yes that's all correct");
      const a = await onlyBooking(c);
      expect(a.customerPhone).toBe("+12125550142");
      expect(a.customerName).toBe("Sam Rivera");
      expect(a.local).toBe("Mon 2026-03-09 10:00");
    });
  }

  it("given where the name was asked for, it is the number and the name is asked again", async () => {
    const c = await call("dental", ["I want to book a cleaning Monday at 10", "two one two five five five", "zero one four two", "it's Sam Rivera", "yes"]);
    const a = await onlyBooking(c);
    expect(a.customerName).toBe("Sam Rivera");
    expect(a.customerPhone).toBe("+12125550142");
  });

  it("an international number comes together too", async () => {
    const c = await call("dental", [
      "book me a cleaning for Monday at 10 please",
      "Priya Shah",
      "plus four four seven nine one one",
      "one two three four five six",
      "yes",
    ]);
    const a = await onlyBooking(c);
    expect(a.customerPhone).toBe("+447911123456");
  });
});

describe("corrections before the booking is made", () => {
  for (const change of ["actually, can we do Wednesday instead?", "no wait, make it Wednesday", "not Monday, Wednesday", "sorry, I meant Wednesday"]) {
    it(`"${change}" while the name is asked for moves the booking`, async () => {
      const c = await call("dental", ["I'd like a cleaning on Monday at 10", change, "Sam Rivera", "two one two five five five zero one four two", "yes"]);
      const a = await onlyBooking(c);
      expect(a.local).toBe("Wed 2026-03-11 10:00");
      expect(a.customerName).toBe("Sam Rivera");
      expect(c.transcript.join("\n")).not.toMatch(/didn't catch/);
    });
  }

  for (const change of ["actually make it 2 pm", "can you change the time to 2", "oh, make that two o'clock instead"]) {
    it(`"${change}" while the number is asked for changes the time`, async () => {
      const c = await call("dental", ["I'd like a cleaning on Monday at 10", "Sam Rivera", change, "two one two five five five zero one four two", "yes"]);
      const a = await onlyBooking(c);
      expect(a.local).toBe("Mon 2026-03-09 14:00");
      expect(a.customerName).toBe("Sam Rivera");
    });
  }

  for (const name of ["my name is James Eighth", "my name is April Jones"]) {
    it(`"${name}" is a name, not a change of day`, async () => {
      const c = await call("dental", ["I'd like a cleaning on Monday at 10", name, "two one two five five five zero one four two", "yes"]);
      const a = await onlyBooking(c);
      expect(a.local).toBe("Mon 2026-03-09 10:00");
      expect(a.customerName).toBe(name.replace("my name is ", ""));
      expect(c.transcript.join("\n")).not.toMatch(/changed that/);
    });
  }

  it('a misheard "I" as "am" is not a morning: "afternoon" is what the caller asked for', async () => {
    const c = await call("dental", [
      "am would like to book a cleaning next tuesday afternoon",
      "the first one",
      "Sam Rivera",
      "two one two five five five zero one four two",
      "yes",
    ]);
    const a = await onlyBooking(c);
    expect(Number(a.local.slice(-5, -3))).toBeGreaterThanOrEqual(12);
  });

  it("the chosen day and time said again is not a change", async () => {
    const c = await call("dental", [
      "I'd like a cleaning on Monday at 10",
      "Sam Rivera",
      "yes, Monday at 10 is right",
      "two one two five five five zero one four two",
      "yes",
    ]);
    const a = await onlyBooking(c);
    expect(a.local).toBe("Mon 2026-03-09 10:00");
    expect(c.transcript.join("\n")).not.toMatch(/changed that/);
  });

  it("a name and a new day in one answer: both are taken", async () => {
    const c = await call("dental", [
      "I'd like a cleaning on Monday at 10",
      "my name is Sam Rivera, and can we do Wednesday instead",
      "two one two five five five zero one four two",
      "yes",
    ]);
    const a = await onlyBooking(c);
    expect(a.local).toBe("Wed 2026-03-11 10:00");
    expect(a.customerName).toBe("Sam Rivera");
  });

  it("a typed correction is never saved as the caller's name", async () => {
    const c = await call("auto_repair", [
      "oil change tomorrow at 8",
      "actually make it Monday",
      "Lee Park",
      "three zero three five five five zero one two two",
      "yes",
    ]);
    const a = await onlyBooking(c);
    expect(a.customerName).toBe("Lee Park");
    expect(a.local).toMatch(/^Mon 2026-03-09 08:00/);
  });
});

describe("the service worked out from the problem", () => {
  for (const problem of ["my kitchen sink is backed up", "the toilet is overflowing again", "the shower is backed up and there's standing water"]) {
    it(`"${problem}" books a drain cleaning, read back on its own`, async () => {
      const c = await call("home_services", [problem, "tomorrow at 9", "Dana White", "three one two five five five zero one nine nine"]);
      expect(c.transcript.join("\n")).toMatch(/That sounds like a drain cleaning/);
      expect(agentTurns(c).at(-1)).toMatch(/The appointment: a drain cleaning/);
      await c.say("yes");
      expect((await onlyBooking(c)).serviceId).toBe("drain");
    });
  }

  it("when two services fit, the caller is asked which", async () => {
    const c = await call("dental", ["hi, my tooth hurts"]);
    expect(agentTurns(c).at(-1)).toMatch(/Is that for a filling or an emergency visit\?/);
    await c.say("a filling I think");
    await c.say("Monday at 10");
    await c.say("Sam Rivera");
    await c.say("two one two five five five zero one four two");
    await c.say("yes");
    expect((await onlyBooking(c)).serviceId).toBe("filling");
  });

  it("a problem described after the service was not understood", async () => {
    const c = await call("auto_repair", [
      "I need to bring my car in",
      "there's a grinding sound whenever I stop",
      "Monday at 9",
      "Lee Park",
      "three zero three five five five zero one two two",
      "yes",
    ]);
    expect((await onlyBooking(c)).serviceId).toBe("brakes");
  });
});

describe("no loops: after two misses the agent changes course", () => {
  it("a service never understood ends with a person, not the same question again", async () => {
    const c = await call("dental", ["I'd like to make an appointment", "uh, the usual thing", "next Tuesday", "yes"]);
    neverRepeatsItself(c);
    expect(transferredTo(c)).toBe("+12125550199");
    expect(c.transcript.filter((l) => /What would you like to book/.test(l)).length).toBeLessThanOrEqual(1);
  });

  it("without a number to transfer to, it takes a message instead", async () => {
    const c = await call("salon_spa", ["I want to book something", "the thing my friend had", "Saturday"]);
    neverRepeatsItself(c);
    expect(agentTurns(c).at(-1)).toMatch(/message/i);
    await c.say("Please call me about booking what my friend had");
    await c.say("Ana Lopez");
    await c.say("three oh three five five five zero one three three");
    expect(onlyMessage(c).callerName).toBe("Ana Lopez");
  });

  it("a day not understood twice is offered as mornings or afternoons", async () => {
    const c = await call("dental", ["I'd like to book a cleaning", "depends on my boss really", "no idea"]);
    neverRepeatsItself(c);
    expect(agentTurns(c).at(-1)).toMatch(/morning or an afternoon/);
    await c.say("the first opening");
    expect(agentTurns(c).at(-1)).toMatch(/first opening is/);
  });

  it("a name not understood twice is asked to be spelled, and the spelling is read back", async () => {
    const c = await call("dental", ["I'd like a cleaning on Monday at 10", "um what", "erm sorry"]);
    expect(agentTurns(c).at(-1)).toMatch(/spell your name/);
    await c.say("S I O B H A N");
    await c.say("two one two five five five zero one four two");
    expect(agentTurns(c).at(-1)).toMatch(/The name: Siobhan\./);
    await c.say("yes");
    expect((await onlyBooking(c)).customerName).toBe("Siobhan");
    neverRepeatsItself(c);
  });

  it("two misses in a row at the start never get the same sentence", async () => {
    const c = await call("generic", ["blah", "mmm purple", "hmm"]);
    neverRepeatsItself(c);
  });
});

describe("a person, asked for in any words", () => {
  const asks = [
    "can I speak with somebody at the front desk",
    "I'd like to talk to a human please",
    "get me a representative",
    "operator",
    "is there a receptionist I can talk to",
    "let me talk to somebody",
    "can you put me through to someone",
    "I just want a real person",
  ];
  for (const ask of asks) {
    it(`"${ask}" is transferred`, async () => {
      const c = await call("dental", [ask]);
      expect(transferredTo(c)).toBe("+12125550199");
    });
  }

  it("asked for in the middle of a message, still transferred", async () => {
    const c = await call("dental", ["I want to leave a message", "actually I'd rather talk to a person"]);
    expect(transferredTo(c)).toBe("+12125550199");
  });

  it("half heard, it is checked with a question rather than refused", async () => {
    const c = await call("dental", ["can I talk to a purse in"]);
    expect(c.transcript.join("\n")).not.toMatch(/can't help/);
    expect(agentTurns(c).at(-1)).toMatch(/put you through to someone\?/);
    await c.say("yes please");
    expect(transferredTo(c)).toBe("+12125550199");
  });

  it("with no one to transfer to, a message is taken", async () => {
    const c = await call("salon_spa", [
      "can I speak to a real person",
      "please ask Sofia to call me about my color",
      "Ana Lopez",
      "three oh three five five five zero one three three",
    ]);
    expect(transferredTo(c)).toBeUndefined();
    expect(onlyMessage(c).text).toContain("call me about my color");
  });
});

describe("on a website call, where no one can be put through", () => {
  it("a caller asking for a person hears the number to ring and can leave a message for a call back", async () => {
    const c = await call(
      "dental",
      ["can I talk to a real person", "please have Dr. Patel call me about my crown", "Jane Back", "two one two five five five zero one four two"],
      {
        channel: "web",
      },
    );
    expect(transferredTo(c)).toBeUndefined();
    expect(c.transcript.join("\n")).not.toMatch(/please hold/i);
    expect(c.transcript.join("\n")).toMatch(/can't put you through from the website, but you can call us at 2 1 2, 5 5 5, 0 1 9 9\./);
    const m = onlyMessage(c);
    expect(m.text).toContain("call me about my crown");
    expect(m.callerName).toBe("Jane Back");
  });

  it("an emergency is told to ring now, and an urgent message is taken", async () => {
    const c = await call("home_services", ["my basement is flooding", "Dana White", "three one two five five five zero one nine nine"], { channel: "web" });
    expect(transferredTo(c)).toBeUndefined();
    expect(c.transcript.join("\n")).toMatch(/Please call us right away at 3 1 2, 5 5 5, 0 1 4 3\./);
    expect(onlyMessage(c).urgency).toBe("high");
  });

  it("no transfer is attempted, and on the phone the same words are transferred", async () => {
    const web = new Conversation("dental", { channel: "web" });
    await web.greet();
    expect((await web.say("operator")).tools.filter((t) => t.name === "transfer_call")).toEqual([]);
    const phone = await call("dental", ["operator"], { channel: "telnyx" });
    expect(transferredTo(phone)).toBe("+12125550199");
  });
});

describe("emergencies go to a person or an urgent message, never an FAQ", () => {
  for (const words of [
    "We have no heat and it's freezing in here",
    "Do you offer emergency service? My basement is flooding",
    "there's a gas smell in the kitchen",
  ]) {
    it(`"${words}" is transferred`, async () => {
      const c = await call("home_services", [words]);
      expect(transferredTo(c)).toBe("+13125550143");
      expect(c.transcript.join("\n")).not.toMatch(/on call around the clock/);
    });
  }

  it("severe pain at the dentist is transferred", async () => {
    const c = await call("dental", ["I'm in severe pain, my whole jaw is swollen"]);
    expect(transferredTo(c)).toBe("+12125550199");
  });

  it("with no one to transfer to, an urgent message keeps what was said", async () => {
    const c = await call("salon_spa", [
      "this is an emergency, I had a bad reaction to my color treatment",
      "Ana Lopez",
      "three oh three five five five zero one three three",
    ]);
    const m = onlyMessage(c);
    expect(m.urgency).toBe("high");
    expect(m.text).toContain("bad reaction");
  });

  it("an emergency message asked for is kept as a message, flagged urgent", async () => {
    const c = await call("home_services", [
      "Please have someone call me back right away, my basement is flooding",
      "Dana White",
      "three one two five five five zero one nine nine",
    ]);
    expect(transferredTo(c)).toBeUndefined();
    expect(onlyMessage(c).urgency).toBe("high");
  });
});

describe("an FAQ is answered only on real evidence", () => {
  it("a misheard opening that shares one word with an FAQ is checked, not answered", async () => {
    const c = await call("generic", ["hi I'm free to talk now"]);
    expect(c.transcript.join("\n")).not.toMatch(/consultation is free/);
    expect(agentTurns(c).at(-1)).toMatch(/are you asking: Is the first consultation free\?/);
    await c.say("no");
    expect(agentTurns(c).at(-1)).toMatch(/what can I help you with/);
  });

  it("when the check is confirmed, the answer follows", async () => {
    const c = await call("dental", ["calling for my son"]);
    expect(agentTurns(c).at(-1)).toMatch(/are you asking: Do you see children\?/);
    await c.say("yes");
    expect(agentTurns(c).at(-1)).toMatch(/children from age three/);
  });

  it("the FAQ asked plainly is answered straight away", async () => {
    const c = await call("generic", ["Is the first consultation free?"]);
    expect(agentTurns(c).at(-1)).toMatch(/consultation is free/);
  });
});

describe("what is said aloud", () => {
  it("prices, decimals, times and abbreviations stay in one sentence", () => {
    expect(splitSentences("A haircut starts at $49.99. Dr. Lee sees you at 9:30 a.m. tomorrow. That takes 1.5 hours.")).toEqual([
      "A haircut starts at $49.99.",
      "Dr. Lee sees you at 9:30 a.m. tomorrow.",
      "That takes 1.5 hours.",
    ]);
  });

  it("a price with cents is spoken whole", async () => {
    const c = await call("salon_spa", ["how much is a haircut?"], {
      mutate: (b) => {
        const haircut = b.services.find((s) => s.id === "haircut");
        if (haircut) haircut.priceCents = 4999;
      },
    });
    const texts = c.allEvents.flatMap((e) => (e.type === "text" ? [e.text] : []));
    expect(texts.some((t) => /\$49\.99\.$/.test(t))).toBe(true);
    expect(texts).not.toContain("99.");
  });

  it("'close on Friday' asked on a Friday evening is today", async () => {
    const c = await call("dental", ["what time do you close on Friday?"], { now: "2026-03-06T23:30:00Z" });
    expect(agentTurns(c).at(-1)).toMatch(/^Today we're open 8 AM to 5 PM/);
  });

  it("'five' at a practice open until 7 PM is 5 PM", async () => {
    const c = await call("dental", ["can I get a cleaning next Thursday at five", "Sam Rivera", "two one two five five five zero one four two", "yes"]);
    expect((await onlyBooking(c)).local).toBe("Thu 2026-03-12 17:00");
  });

  it("'five' at a business open from 5 AM to noon is 5 AM", async () => {
    const c = await call("auto_repair", ["oil change tomorrow at five", "Lee Park", "three zero three five five five zero one two two", "yes"], {
      mutate: (b) => {
        for (const day of ["mon", "tue", "wed", "thu", "fri"] as const) b.hours[day] = [{ open: "05:00", close: "12:00" }];
      },
    });
    expect((await onlyBooking(c)).local).toBe("Fri 2026-03-06 05:00");
  });
});

describe("entity answers end the turn after the short window", () => {
  const complete = (c: Conversation, text: string) => c.session.isCompleteUtterance?.(text);

  it("a name that parses whole completes; an introduction alone does not", async () => {
    const c = await call("dental", ["I'd like a cleaning on Monday at 10"]);
    expect(agentTurns(c).at(-1)).toMatch(/name/);
    for (const t of ["Jane Back", "my name is Jane", "it's Sam Rivera", "Priya"]) expect(complete(c, t), t).toBe(true);
    for (const t of ["my name is", "um", "it's uh", "two one two"]) expect(complete(c, t), t).toBe(false);
  });

  it("the last piece of a number given in pieces completes it", async () => {
    const c = await call("dental", ["I'd like a cleaning on Monday at 10", "Sam Rivera", "two one two five five five"]);
    expect(agentTurns(c).at(-1)).toMatch(/Go on|the rest/);
    expect(complete(c, "zero one four two")).toBe(true);
    expect(complete(c, "zero one")).toBe(false);
  });

  it("a whole day or a day and time completes", async () => {
    const c = await call("home_services", ["I need a drain cleaning"]);
    expect(agentTurns(c).at(-1)).toMatch(/What day/);
    for (const t of ["tomorrow", "monday at nine", "next friday morning", "as soon as possible"]) expect(complete(c, t), t).toBe(true);
    expect(complete(c, "monday at")).toBe(false);
  });
});
