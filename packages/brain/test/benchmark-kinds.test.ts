import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import type { BusinessTemplateId } from "@orbis/contracts";
import { Conversation } from "./harness.ts";

/**
 * The kinds of failure the conversation benchmark (bench/conversations) found, each in callers' words
 * of our own: what the call stored (the booking, the message) or what the agent answered.
 * NOW is Thursday 2026-03-05, 9:00 in New York; "Friday" is 2026-03-06, "Monday" 2026-03-09.
 */

async function call(template: BusinessTemplateId, lines: string[], channel: "web" | "twilio" = "web"): Promise<Conversation> {
  const c = new Conversation(template, { channel });
  await c.greet();
  for (const line of lines) await c.say(line);
  return c;
}

async function booking(c: Conversation) {
  const booked = await c.booked();
  expect(booked, c.transcript.join("\n")).toHaveLength(1);
  const a = booked[0]!;
  return { ...a, local: DateTime.fromISO(a.start, { zone: c.business.timezone }).toFormat("ccc HH:mm") };
}

function agentSaid(c: Conversation): string {
  return c.transcript
    .filter((l) => l.startsWith("agent: "))
    .map((l) => l.slice(7))
    .join(" ");
}

describe("a correction inside one utterance: the last value said wins", () => {
  it("takes the day said after 'no wait'", async () => {
    const c = await call("auto_repair", [
      "I'd like to book an oil change.",
      "Monday at nine, no wait, Tuesday at nine.",
      "Mia Lopez",
      "three zero three five five five zero one two two",
      "yes",
    ]);
    const a = await booking(c);
    expect(a.local).toBe("Tue 09:00");
  });

  it("takes the time after 'actually, make that'", async () => {
    const c = await call("salon_spa", ["Could I get a haircut on Friday at two? Actually, make that three.", "Mia Lopez", "415 555 0122", "yes please"]);
    expect((await booking(c)).local).toBe("Fri 15:00");
  });

  it("takes the time after 'sorry, I mean' even with a later aside", async () => {
    const c = await call("dental", [
      "A cleaning on Monday at ten, sorry, I mean Monday at eleven, I have school drop-off at ten.",
      "Mia Lopez",
      "212 555 0122",
      "that's right",
    ]);
    expect((await booking(c)).local).toBe("Mon 11:00");
  });

  it("takes a change of day said across turns while the name is asked for", async () => {
    const c = await call("auto_repair", ["Tire rotation on Monday at ten please.", "Hmm, scratch that, Tuesday at ten.", "Mia Lopez", "303 555 0122", "yes"]);
    expect((await booking(c)).local).toBe("Tue 10:00");
  });
});

describe("affirmations, fillers and time words are never a name", () => {
  for (const filler of ["Yup.", "Sounds great.", "That's right.", "Right now, please.", "Alright, cool."]) {
    it(`"${filler}" where the name is asked for is not stored as the name`, async () => {
      const c = await call("generic", ["I'd like a consultation on Monday at ten.", filler, "Mia Lopez", "617 555 0122", "yes"]);
      expect((await booking(c)).customerName).toBe("Mia Lopez");
    });
  }

  it("'call me back' does not make 'Back' the caller's name", async () => {
    const c = await call("generic", [
      "Hi, this is Omar Reyes, I'd like to leave a message.",
      "Could someone call me back about the invoice you sent?",
      "617 555 0199",
    ]);
    expect(c.messages.messages).toHaveLength(1);
    expect(c.messages.messages[0]!.callerName).toBe("Omar Reyes");
  });
});

describe("the name and number said together, or before they are asked for", () => {
  it("takes both from one answer and books without asking again", async () => {
    const c = await call("home_services", ["I need a drain cleaning on Monday at two.", "Sure, Ben Carter, and my cell is 312 555 0177.", "yes"]);
    const a = await booking(c);
    expect(a.customerName).toBe("Ben Carter");
    expect(a.customerPhone).toBe("+13125550177");
    expect(agentSaid(c)).not.toMatch(/your name, please\?.*your name, please\?/);
  });

  it("keeps the name given in the opening words", async () => {
    const c = await call("salon_spa", [
      "Hey, it's Dana Whitlock, I'd love to book a facial.",
      "Tuesday at one",
      "four one five five five five zero one three three",
      "yes",
    ]);
    expect((await booking(c)).customerName).toBe("Dana Whitlock");
  });

  it("takes the last name said when the caller corrects it as they speak", async () => {
    const c = await call("generic", ["Book me a follow-up on Monday at eleven.", "It's Rob, sorry, Robert Haines.", "617 555 0144", "yes"]);
    expect((await booking(c)).customerName).toBe("Robert Haines");
  });

  it("does not read a spelled 'with an h' as a time", async () => {
    const c = await call("generic", ["A follow-up on Monday at eleven, please.", "Name's Steven, Stephen with a p h, Stephen Moss.", "617 555 0145", "yes"]);
    const a = await booking(c);
    expect(a.customerName).toBe("Stephen Moss");
    expect(a.local).toBe("Mon 11:00");
  });

  it("takes a name and number given where the message is asked for, then the message", async () => {
    const c = await call("auto_repair", [
      "Can I leave a message for the shop?",
      "Gus Ferreira, three zero three, five five five, zero one four four.",
      "Tell them the loaner car has a flat tire.",
    ]);
    const m = c.messages.messages[0];
    expect(m?.callerName).toBe("Gus Ferreira");
    expect(m?.callbackNumber).toBe("+13035550144");
    expect(m?.text).toMatch(/loaner/);
  });
});

describe("a described problem picks a service instead of a hand-off", () => {
  it("a hesitant description with a 'yeah' in it books the service it points to", async () => {
    const c = await call("dental", [
      "Yeah so, uh, I think I have a cavity, my dentist said it needs to be filled.",
      "Monday at three",
      "Lena Ortiz",
      "212 555 0166",
      "yes",
    ]);
    expect((await booking(c)).serviceId).toBe("filling");
  });

  it("a long description ending in 'talk to someone' books a meeting rather than a transfer", async () => {
    const c = await call("generic", [
      "So we're a family print shop and we've been thinking about whether to expand online, a friend said you help with that kind of question, could I talk to someone about it?",
      "Monday at ten",
      "Lena Ortiz",
      "617 555 0166",
      "yes",
    ]);
    expect((await booking(c)).serviceId).toBe("consultation");
  });

  it("problem words outweigh one service word said in passing", async () => {
    const c = await call("salon_spa", [
      "I want my toes and nails done for a party, maybe a nice gel color.",
      "Tuesday at two",
      "Lena Ortiz",
      "415 555 0166",
      "yes",
    ]);
    expect((await booking(c)).serviceId).toBe("manicure");
  });

  it("'book it' after a price question books the service just asked about", async () => {
    const c = await call("auto_repair", ["How much is a brake job?", "Okay, can I book it for Monday at ten?", "Lena Ortiz", "303 555 0166", "yes"]);
    expect((await booking(c)).serviceId).toBe("brakes");
  });
});

describe("questions about prices, the service area and policies are answered", () => {
  it("answers what a visit costs rather than starting a booking", async () => {
    const c = await call("home_services", ["What do you charge to come by and take a look?"]);
    expect(agentSaid(c)).toMatch(/\$89/);
    expect(agentSaid(c)).not.toMatch(/what would you like to book/i);
  });

  it("answers whether they serve a town", async () => {
    const c = await call("home_services", ["Do you come out to Oak Park?"]);
    expect(agentSaid(c)).toMatch(/suburbs|25 miles/);
  });

  it("answers the cancellation policy instead of cancelling", async () => {
    const c = await call("salon_spa", ["What's your policy on cancelling?"]);
    expect(agentSaid(c)).toMatch(/twenty-four hours/);
    expect(agentSaid(c)).not.toMatch(/phone number the appointment was booked under/);
  });

  it("answers the cost of a service whose price is in an FAQ", async () => {
    const c = await call("generic", ["How much does a consultation cost?"]);
    expect(agentSaid(c)).toMatch(/free/);
  });

  it("says a closed day is closed before asking for the service", async () => {
    const c = await call("generic", ["Could I come in on Sunday?"]);
    expect(agentSaid(c)).toMatch(/closed on Sunday/);
  });
});

describe("callbacks and urgent calls", () => {
  it("a request to reschedule with 'call me back' leaves a message", async () => {
    const c = await call("generic", ["I've got a meeting with you on Monday and I need to move it, could someone call me back?", "Ana Silva, 617 555 0133"]);
    expect(c.messages.messages).toHaveLength(1);
    expect(c.messages.messages[0]!.text).toMatch(/move it/);
  });

  it("a knocked-out tooth on the website gets the number to call now", async () => {
    const c = await call("dental", ["My daughter fell and knocked her tooth out, what should we do?"]);
    expect(agentSaid(c)).toMatch(/call us right away at 2 1 2, 5 5 5, 0 1 9 9/);
  });
});
