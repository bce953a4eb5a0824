import { expect } from "vitest";
import type { BrainInput } from "@orbis/voice";
import type { BusinessTemplateId } from "@orbis/contracts";
import { DateTime } from "luxon";
import { bookAppointment } from "../src/index.ts";
import type { Conversation } from "./harness.ts";

/**
 * A scripted call: caller lines in, a pattern the agent's reply must match, and a check of what
 * the call left behind (appointments, messages, transfer, end). NOW is Thursday 2026-03-05, 9:00 in
 * New York (DST starts Sunday March 8).
 */
export interface Script {
  name: string;
  template: BusinessTemplateId;
  caller?: string;
  setup?: (c: Conversation) => Promise<void>;
  steps: Array<[string | BrainInput, RegExp?]>;
  check?: (c: Conversation) => Promise<void> | void;
}

const silence: BrainInput = { kind: "silence" };
const dtmf = (digits: string): BrainInput => ({ kind: "dtmf", digits });

/** Book directly (as if earlier) for reschedule/cancel scripts. */
async function prebook(c: Conversation, serviceId: string, start: string, phone: string, staffId?: string) {
  await bookAppointment(
    { business: c.business, calendar: c.calendar, clock: c.clock },
    { serviceId, start, customerName: "Sam Rivera", customerPhone: phone, ...(staffId ? { staffId } : {}), source: "dashboard" },
  );
}

function local(c: Conversation, iso: string): string {
  return DateTime.fromISO(iso, { zone: c.business.timezone }).toFormat("ccc yyyy-LL-dd HH:mm");
}

async function onlyBooking(c: Conversation) {
  const booked = await c.booked();
  expect(booked).toHaveLength(1);
  const a = booked[0];
  if (!a) throw new Error("no booking");
  return { ...a, local: local(c, a.start) };
}

function ended(c: Conversation) {
  expect(c.allEvents.at(-1)?.type).toBe("end");
}

function transferred(c: Conversation, to: string) {
  expect(c.allEvents.find((e) => e.type === "transfer")).toMatchObject({ type: "transfer", to });
}

export const SCRIPTS: Script[] = [
  // ── dental (America/New_York) ──────────────────────────────────────────
  {
    name: "dental: asks whether new patients are taken, is answered, then books the new patient exam",
    template: "dental",
    steps: [
      ["Hi, do you take new patients?", /welcoming new patients.*anything else/],
      ["yes, I'd like to book a new patient exam", /What day/],
      // Asked again while a day is due: answered, and the day is asked for again (not "didn't catch that").
      ["sorry, are you accepting new patients right now?", /welcoming new patients.*What day/],
      ["Monday at 10am", /name/],
    ],
    async check(c) {
      expect(c.allEvents.some((e) => e.type === "text" && /didn't catch/.test(e.text))).toBe(false);
    },
  },
  {
    name: "dental: a dictated message that asks about new patients is kept as the message, not answered",
    template: "dental",
    steps: [
      ["I'd like to leave a message for Dr Lee", /What message/],
      ["can you tell her my sister wants to know if you are taking new patients", /name/],
    ],
  },
  {
    name: "dental: 'I need a new patient exam' is a booking, not the new-patients question",
    template: "dental",
    steps: [["I need a new patient exam", /What day/]],
  },
  {
    name: "dental: book a cleaning next Tuesday afternoon, pick the second time",
    template: "dental",
    steps: [
      ["Hi, I'd like to book a cleaning next Tuesday afternoon", /Tuesday, March 10 I have noon, 2 PM or 4 PM/],
      ["the second one", /name/],
      ["My name is Jane Smith", /phone number/],
      ["five five five, two one two, one two three four", /confirm: a cleaning with \w+ on Tuesday, March 10 at 2 PM, for Jane Smith/],
      ["yes please", /all set.*Tuesday, March 10 at 2 PM/],
      ["no that's all, thanks", /Goodbye/],
    ],
    async check(c) {
      const a = await onlyBooking(c);
      expect(a.local).toBe("Tue 2026-03-10 14:00");
      expect(a.customerPhone).toBe("+15552121234");
      expect(a.busyEnd).toBe("2026-03-10T15:15:00-04:00");
      expect(c.toolCalls("book_appointment")).toHaveLength(1);
      ended(c);
    },
  },
  {
    name: "dental: whitening on Monday at 10am goes to the only dentist who does it (after DST change)",
    template: "dental",
    steps: [
      ["Can I book a teeth whitening on Monday at 10am?", /name/],
      ["it's Omar Haddad", /phone/],
      ["212 555 0147", /whitening with Dr\. Patel on Monday, March 9 at 10 AM/],
      ["yes", /all set/],
    ],
    async check(c) {
      const a = await onlyBooking(c);
      expect(a.staffId).toBe("dr-patel");
      expect(a.start).toBe("2026-03-09T10:00:00-04:00");
    },
  },
  {
    name: "dental: correction at confirmation — 'no, Wednesday' keeps the time",
    template: "dental",
    steps: [
      ["I need a filling on Tuesday at 11", /name/],
      ["Lee Chen", /phone/],
      ["2125550111", /Tuesday, March 10 at 11 AM/],
      ["no, Wednesday", /Wednesday, March 11 at 11 AM/],
      ["yes", /all set/],
    ],
    async check(c) {
      expect((await onlyBooking(c)).local).toBe("Wed 2026-03-11 11:00");
    },
  },
  {
    name: "dental: requested time is taken, alternatives offered, first chosen",
    template: "dental",
    async setup(c) {
      await prebook(c, "cleaning", "2026-03-10T10:00:00-04:00", "+12125550001", "maria");
      await prebook(c, "cleaning", "2026-03-10T10:00:00-04:00", "+12125550002", "tom");
    },
    steps: [
      ["I'd like a cleaning Tuesday at 10", /10 AM on Tuesday, March 10 isn't available\. I have 8:30 AM or 11:30 AM/],
      ["the first one", /name/],
      ["Ana Lopez", /phone/],
      ["2125550100", /8:30 AM/],
      ["yes", /all set/],
    ],
    async check(c) {
      const booked = await c.booked();
      expect(booked).toHaveLength(3);
      expect(booked.some((a) => a.customerName === "Ana Lopez" && local(c, a.start) === "Tue 2026-03-10 08:30")).toBe(true);
    },
  },
  {
    name: "dental: asking for a closed day offers the next opening",
    template: "dental",
    steps: [
      ["I want to book an exam on Sunday", /closed on Sunday, March 8.*next opening is on Monday, March 9 at 8 AM/],
      ["yes that works", /name/],
      ["Priya Raman", /phone/],
      ["646 555 0123", /exam with Dr\. Lee on Monday, March 9 at 8 AM/],
      ["correct", /all set/],
    ],
    async check(c) {
      expect((await onlyBooking(c)).local).toBe("Mon 2026-03-09 08:00");
    },
  },
  {
    name: "dental: hours question then goodbye",
    template: "dental",
    steps: [
      ["What are your hours?", /Monday to Wednesday 8 AM to 5 PM.*Saturday 9 AM to 1 PM.*closed Sunday.*anything else/],
      ["no, bye", /Goodbye/],
    ],
    check: ended,
  },
  {
    name: "dental: insurance FAQ",
    template: "dental",
    steps: [["Do you take Delta Dental insurance?", /accept most PPO plans/]],
    async check(c) {
      expect(await c.booked()).toHaveLength(0);
    },
  },
  {
    name: "dental: price of a cleaning",
    template: "dental",
    steps: [["How much is a cleaning?", /Cleaning is \$120/]],
  },
  {
    name: "dental: where are you located",
    template: "dental",
    steps: [["Where are you located?", /120 Main Street, Suite 200 in Springfield, NY.*second floor/]],
  },
  {
    name: "dental: reschedule using the caller's number",
    template: "dental",
    caller: "+12125550177",
    async setup(c) {
      await prebook(c, "cleaning", "2026-03-10T09:00:00-04:00", "+12125550177");
    },
    steps: [
      ["Hi, I need to reschedule my appointment", /I see your cleaning on Tuesday, March 10 at 9 AM.*move it to/],
      ["Friday at 2pm", /move your cleaning to Friday, March 6 at 2 PM/],
      ["yes", /now tomorrow at 2 PM/],
    ],
    async check(c) {
      const a = await onlyBooking(c);
      expect(a.local).toBe("Fri 2026-03-06 14:00");
      expect(c.toolCalls("reschedule_appointment")[0]?.ok).toBe(true);
    },
  },
  {
    name: "dental: cancel, number given as spoken digits",
    template: "dental",
    async setup(c) {
      await prebook(c, "exam", "2026-03-11T15:00:00-04:00", "+12125550188");
    },
    steps: [
      ["I have to cancel my appointment", /phone number/],
      ["two one two five five five zero one double eight", /new patient exam on Wednesday, March 11 at 3 PM.*cancel it/],
      ["yes", /cancelled/],
      ["that's all", /Goodbye/],
    ],
    async check(c) {
      expect(await c.booked()).toHaveLength(0);
      expect((await c.calendar.listAppointments({ status: "cancelled" })).length).toBe(1);
    },
  },
  {
    name: "dental: caller asks for a person",
    template: "dental",
    steps: [["Can I talk to a real person please?", /transfer you/]],
    check: (c) => transferred(c, "+12125550199"),
  },
  {
    name: "dental: a caller who wants no more calls is listed and let go, even while a name is due",
    template: "dental",
    steps: [
      ["I'd like to book a cleaning for Friday at 10", /name/],
      ["Actually, just take me off your list, stop calling me", /calling list.*won't call you again.*Goodbye/],
    ],
    async check(c) {
      ended(c);
      expect(c.toolCalls("do_not_call")).toHaveLength(1);
      expect(c.toolCalls("book_appointment")).toHaveLength(0);
    },
  },
  {
    name: "dental: DTMF 0 transfers",
    template: "dental",
    steps: [[dtmf("0"), /transfer/]],
    check: (c) => transferred(c, "+12125550199"),
  },
  {
    name: "dental: silence three times ends the call",
    template: "dental",
    steps: [
      [silence, /still there/],
      [silence, /can't hear you/],
      [silence, /Goodbye/],
    ],
    async check(c) {
      ended(c);
      expect(c.toolCalls("end_call")).toHaveLength(1);
    },
  },
  {
    name: "dental: out-of-scope question, then a booking",
    template: "dental",
    steps: [
      ["What's the weather going to be like tomorrow?", /can't help with that.*book, move or cancel/],
      ["OK then, book me a checkup for tomorrow at 3", /name/],
      ["Bill Jones", /phone/],
      ["2125550155", /cleaning .* on Friday, March 6 at 3 PM/],
      ["yes", /all set/],
    ],
    async check(c) {
      expect((await onlyBooking(c)).local).toBe("Fri 2026-03-06 15:00");
    },
  },
  {
    name: "dental: repeated misunderstanding hands off to a person",
    template: "dental",
    steps: [
      ["blah blah", /can't help/],
      // Never the same sentence twice in a row: the second miss puts the choices differently.
      ["purple monkey dishwasher", /still didn't get that.*speak with someone/],
      ["hmm", /trouble understanding.*transfer/],
    ],
    check: (c) => transferred(c, "+12125550199"),
  },
  {
    name: "dental: message for Dr. Lee",
    template: "dental",
    steps: [
      ["I'd like to leave a message for Dr. Lee", /What message/],
      ["Please call me about my x-ray results", /name/],
      ["Maria Garcia", /phone/],
      ["917 555 0134", /passed your message on/],
      ["no thanks", /Goodbye/],
    ],
    check(c) {
      expect(c.messages.messages).toHaveLength(1);
      expect(c.messages.messages[0]).toMatchObject({
        callerName: "Maria Garcia",
        callbackNumber: "+19175550134",
        text: "Please call me about my x-ray results",
        urgency: "normal",
      });
    },
  },
  {
    name: "dental: first available filling",
    template: "dental",
    steps: [
      ["What's your first available for a filling?", /first opening is today at 11 AM/],
      ["sure", /name/],
      ["Kim Park", /phone/],
      ["2125550166", /Thursday, March 5 at 11 AM/],
      ["yes", /all set/],
    ],
    async check(c) {
      expect((await onlyBooking(c)).local).toBe("Thu 2026-03-05 11:00");
    },
  },
  // ── HVAC / plumbing (America/Chicago) ─────────────────────────────────
  {
    name: "hvac: book drain cleaning tomorrow morning",
    template: "home_services",
    steps: [
      ["My kitchen drain is clogged, can you send someone tomorrow morning?", /tomorrow I have 7 AM, 9 AM or 11 AM/i],
      ["9 works", /name/],
      ["Tom Baker", /phone/],
      ["three one two, five five five, zero one nine nine", /drain cleaning with \w+ on Friday, March 6 at 9 AM/],
      ["yes", /all set/],
    ],
    async check(c) {
      const a = await onlyBooking(c);
      expect(a.local).toBe("Fri 2026-03-06 09:00");
      expect(a.busyEnd).toBe("2026-03-06T11:00:00-06:00");
    },
  },
  {
    name: "hvac: urgent message is flagged high",
    template: "home_services",
    steps: [
      ["Please have someone call me back right away, my basement is flooding", /name/],
      ["Dave Miller", /phone/],
      ["312 555 0111", /as soon as possible/],
    ],
    check(c) {
      expect(c.messages.messages[0]).toMatchObject({ urgency: "high", callerName: "Dave Miller", callbackNumber: "+13125550111" });
      expect(c.messages.messages[0]?.text).toContain("flooding");
    },
  },
  {
    name: "hvac: what services do you offer",
    template: "home_services",
    steps: [["What services do you offer?", /diagnostic visit, drain cleaning, water heater repair, ac tune-up and furnace repair/]],
  },
  {
    name: "hvac: service area FAQ",
    template: "home_services",
    steps: [["What areas do you serve?", /Chicago and the nearby suburbs/]],
  },
  {
    name: "hvac: furnace repair price",
    template: "home_services",
    steps: [["How much does a furnace repair cost?", /Furnace repair starts at \$149/]],
  },
  {
    name: "hvac: reschedule with the number typed on the keypad",
    template: "home_services",
    async setup(c) {
      await prebook(c, "diagnostic", "2026-03-06T10:00:00-06:00", "+13125550188");
    },
    steps: [
      ["I need to move my appointment", /phone number/],
      [dtmf("3125550188#"), /diagnostic visit tomorrow at 10 AM.*move it to/],
      ["next Monday at 9", /Monday, March 9 at 9 AM/],
      ["yes", /Done/],
    ],
    async check(c) {
      expect((await onlyBooking(c)).local).toBe("Mon 2026-03-09 09:00");
    },
  },
  {
    name: "hvac: caller id number confirmed for an AC tune-up",
    template: "home_services",
    caller: "+13125550111",
    steps: [
      ["I'd like to schedule an AC tune-up for Monday at 1 pm", /name/],
      ["Rosa Diaz", /Is 3 1 2, 5 5 5, 0 1 1 1 the best number/],
      ["yes", /AC tune-up with \w+ on Monday, March 9 at 1 PM/i],
      ["yes", /all set/],
    ],
    async check(c) {
      expect((await onlyBooking(c)).customerPhone).toBe("+13125550111");
    },
  },
  {
    name: "hvac: appointment not found twice becomes a message",
    template: "home_services",
    steps: [
      ["I want to cancel my appointment", /phone number/],
      ["312 555 0100", /couldn't find.*again/],
      ["312 555 0100", /take a message.*name/],
      ["Eve Adams", /passed your message on/],
    ],
    check(c) {
      expect(c.messages.messages[0]?.text).toMatch(/cancel an appointment but it was not found/);
    },
  },
  // ── auto repair (America/Denver) ──────────────────────────────────────
  {
    name: "auto: oil change tomorrow at 8",
    template: "auto_repair",
    steps: [
      ["I need an oil change tomorrow at 8", /name/],
      ["Chris Nolan", /phone/],
      ["720 555 0101", /oil change with Bay One on Friday, March 6 at 8 AM/],
      ["yep", /all set/],
    ],
    async check(c) {
      expect((await onlyBooking(c)).start).toBe("2026-03-06T08:00:00-07:00");
    },
  },
  {
    name: "auto: change the time at confirmation",
    template: "auto_repair",
    steps: [
      ["Can I book a brake job on Tuesday at 9?", /name/],
      ["Pat Lee", /phone/],
      ["7205550102", /Tuesday, March 10 at 9 AM/],
      ["actually make it 1 pm", /Tuesday, March 10 at 1 PM/],
      ["yes", /all set/],
    ],
    async check(c) {
      expect((await onlyBooking(c)).local).toBe("Tue 2026-03-10 13:00");
    },
  },
  {
    name: "auto: emissions test goes to the bay that does it",
    template: "auto_repair",
    steps: [
      ["I need a smog check on Wednesday", /Wednesday, March 11 I have/],
      ["the last one", /name/],
      ["Lou Reed", /phone/],
      ["720 555 0103", /emissions inspection with Bay Two/],
      ["yes", /all set/],
    ],
    async check(c) {
      expect((await onlyBooking(c)).staffId).toBe("bay-2");
    },
  },
  {
    name: "auto: open on Saturday?",
    template: "auto_repair",
    steps: [["Are you open on Saturday?", /On Saturday, March 7 we're open 8 AM to noon/]],
  },
  {
    name: "auto: loaner car FAQ",
    template: "auto_repair",
    steps: [["Do you have a loaner car I could use?", /free shuttle.*loaner/]],
  },
  {
    name: "auto: cancel with caller id, then goodbye",
    template: "auto_repair",
    caller: "+17205550177",
    async setup(c) {
      await prebook(c, "tires", "2026-03-09T10:00:00-06:00", "+17205550177");
    },
    steps: [
      ["I'd like to cancel my appointment", /tire rotation on Monday, March 9 at 10 AM.*cancel it/],
      ["yes please", /cancelled/],
      ["no thank you", /Goodbye/],
    ],
    async check(c) {
      expect(await c.booked()).toHaveLength(0);
      ended(c);
    },
  },
  {
    name: "auto: cancel, then change of mind keeps the appointment",
    template: "auto_repair",
    caller: "+17205550178",
    async setup(c) {
      await prebook(c, "tires", "2026-03-09T10:00:00-06:00", "+17205550178");
    },
    steps: [
      ["cancel my appointment", /cancel it/],
      ["no", /leave your appointment/],
    ],
    async check(c) {
      expect(await c.booked()).toHaveLength(1);
      expect(c.toolCalls("cancel_appointment")).toHaveLength(0);
    },
  },
  {
    name: "auto: goodbye right away",
    template: "auto_repair",
    steps: [["Sorry, wrong number. Bye!", /Goodbye/]],
    check: ended,
  },
  // ── salon & spa (America/Los_Angeles, no escalation number) ────────────
  {
    name: "salon: haircut with Sofia on Saturday afternoon",
    template: "salon_spa",
    steps: [
      ["Hi! Could I book a haircut with Sofia on Saturday afternoon?", /Saturday, March 7 I have/],
      ["the first one", /name/],
      ["Zoe Kim", /phone/],
      ["415 555 0120", /haircut with Sofia on Saturday, March 7 at noon/],
      ["sounds good", /all set/],
    ],
    async check(c) {
      const a = await onlyBooking(c);
      expect(a.staffId).toBe("sofia");
      expect(a.local).toBe("Sat 2026-03-07 12:00");
    },
  },
  {
    name: "salon: asking for a person with no one available takes a message",
    template: "salon_spa",
    steps: [
      ["Can I speak to someone?", /no one is available.*What message/],
      ["I left my scarf there yesterday", /name/],
      ["Nina Simone", /phone/],
      ["4155550121", /passed your message on/],
    ],
    check(c) {
      expect(c.allEvents.some((e) => e.type === "transfer")).toBe(false);
      expect(c.messages.messages[0]?.text).toBe("I left my scarf there yesterday");
    },
  },
  {
    name: "salon: massage on Friday at 3",
    template: "salon_spa",
    steps: [
      ["I'd like a massage on Friday at 3", /name/],
      ["Sara Lee", /phone/],
      ["415 555 0122", /massage with Grace on Friday, March 6 at 3 PM/],
      ["yes", /all set/],
    ],
    async check(c) {
      expect((await onlyBooking(c)).staffId).toBe("grace");
    },
  },
  {
    name: "salon: Monday is closed",
    template: "salon_spa",
    steps: [
      ["Can I get a blowout on Monday?", /closed on Monday, March 9.*next opening is on Tuesday, March 10 at 10 AM/],
      ["no", /other day or time/],
      ["Wednesday at 4", /name/],
      ["Ida Wells", /phone/],
      ["4155550123", /Wednesday, March 11 at 4 PM/],
      ["yes", /all set/],
    ],
    async check(c) {
      expect((await onlyBooking(c)).local).toBe("Wed 2026-03-11 16:00");
    },
  },
  {
    name: "salon: gift card FAQ",
    template: "salon_spa",
    steps: [["Do you sell gift cards?", /gift cards are available/]],
  },
  {
    name: "salon: manicure price",
    template: "salon_spa",
    steps: [["How much is a manicure?", /Manicure is \$40/]],
  },
  {
    name: "salon: keypad 0 without escalation number takes a message",
    template: "salon_spa",
    steps: [[dtmf("0"), /What message/]],
    check(c) {
      expect(c.allEvents.some((e) => e.type === "transfer")).toBe(false);
      expect(c.session.expecting()).toBe("free_text");
    },
  },
  {
    name: "salon: reschedule with a correction",
    template: "salon_spa",
    caller: "+14155550199",
    async setup(c) {
      await prebook(c, "color", "2026-03-07T10:00:00-08:00", "+14155550199", "ana");
    },
    steps: [
      ["I need to reschedule", /color on Saturday, March 7 at 10 AM.*move it to/],
      ["Sunday at 11", /move your color to Sunday, March 8 at 11 AM/],
      ["no, Sunday at 1", /Sunday, March 8 at 1 PM/],
      ["yes", /Done/],
    ],
    async check(c) {
      const a = await onlyBooking(c);
      expect(a.local).toBe("Sun 2026-03-08 13:00");
      expect(a.start).toBe("2026-03-08T13:00:00-07:00");
    },
  },
  // ── generic (America/New_York, no staff) ──────────────────────────────
  {
    name: "generic: book a meeting",
    template: "generic",
    steps: [
      ["Hello, I'd like to book a meeting", /What day/],
      ["next Wednesday morning", /Wednesday, March 11 I have 9 AM, 10:30 AM or 11:30 AM/],
      ["ten thirty", /name/],
      ["Alex Morgan", /phone/],
      ["617 555 0170", /consultation on Wednesday, March 11 at 10:30 AM/],
      ["yes", /all set/],
    ],
    async check(c) {
      const a = await onlyBooking(c);
      expect(a.staffId).toBeNull();
      expect(a.local).toBe("Wed 2026-03-11 10:30");
    },
  },
  {
    name: "generic: which service? then follow-up on the 16th",
    template: "generic",
    steps: [
      ["I want to schedule something", /What would you like to book\? We offer consultation or follow-up meeting/],
      ["a follow-up meeting on the sixteenth at two thirty", /name/],
      ["Jo March", /phone/],
      ["6175550171", /follow-up meeting on Monday, March 16 at 2:30 PM/],
      ["yes", /all set/],
    ],
    async check(c) {
      expect((await onlyBooking(c)).local).toBe("Mon 2026-03-16 14:30");
    },
  },
  {
    name: "generic: is the first consultation free",
    template: "generic",
    steps: [["Is the first consultation free?", /first thirty-minute consultation is free/]],
  },
  {
    name: "generic: can we meet online",
    template: "generic",
    steps: [["Can we do this over zoom?", /video call/]],
  },
  {
    name: "generic: fully booked day offers the next opening",
    template: "generic",
    async setup(c) {
      for (let h = 9; h < 17; h++) {
        await prebook(c, "consultation", `2026-03-10T${String(h).padStart(2, "0")}:00:00-04:00`, "+16175550000");
      }
    },
    steps: [
      ["Can I book a consultation on Tuesday?", /fully booked on Tuesday, March 10.*next opening is on Wednesday, March 11 at 9 AM/],
      ["yes", /name/],
    ],
    async check(c) {
      expect(await c.booked()).toHaveLength(8);
    },
  },
  {
    name: "generic: keypad 1 confirms",
    template: "generic",
    steps: [
      ["book a consultation Friday at 11", /name/],
      ["Max Weber", /phone/],
      ["6175550172", /Shall I book it/],
      [dtmf("1"), /all set/],
    ],
    async check(c) {
      expect((await onlyBooking(c)).local).toBe("Fri 2026-03-06 11:00");
    },
  },
  {
    name: "generic: repeat the question, then a mid-flow question",
    template: "generic",
    steps: [
      ["I'd like a consultation", /What day/],
      ["sorry, can you repeat that?", /What day works best/],
      ["where are you located?", /1 Harbor Plaza.*What day works best/],
      ["Thursday at 3", /name/],
    ],
    check(c) {
      expect(c.session.expecting()).toBe("name");
    },
  },
];
