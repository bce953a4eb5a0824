import type { DateTime } from "luxon";
import type { BusinessConfig, Service } from "@orbis/contracts";
import {
  describeDayHours,
  describeLocation,
  describePrice,
  describeServices,
  describeWeeklyHours,
  spokenDate,
  spokenDay,
  spokenList,
  spokenTime,
} from "../knowledge.ts";
import type { PartOfDay } from "../tools/builtins.ts";
import { spokenPhone } from "./nlu.ts";

/** The day and time, or the part of the day, a caller asked for. */
export interface DayRequest {
  time?: DateTime;
  partOfDay?: PartOfDay;
}

/** "today", "tomorrow", "on Tuesday, March 10". */
function onDay(day: DateTime, now: DateTime): string {
  const spoken = spokenDay(day, now);
  return spoken === "today" || spoken === "tomorrow" ? spoken : `on ${spoken}`;
}

/** "cleaning"; "appointment" when the service is not known. */
function serviceWord(service: Service | undefined): string {
  return (service?.name ?? "appointment").toLowerCase();
}

function withStaff(staffName: string | null): string {
  return staffName ? ` with ${staffName}` : "";
}

/** "I see your cleaning tomorrow at 2 PM." */
function foundAppointment(service: Service | undefined, when: string): string {
  return `I see your ${serviceWord(service)} ${when}.`;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function timeChoices(times: readonly DateTime[]): string {
  return spokenList(times.map(spokenTime), "or");
}

/**
 * Every sentence the receptionist says, in English; what the business wrote itself (its greeting,
 * FAQ answers) is said as written. Another language is another object of the same type (`Phrases`).
 * Fragments (`when`) and the sentences built on them belong together: a language decides its own
 * word order.
 */
export const englishPhrases = {
  // ── greeting, small talk, goodbye ─────────────────────────────────────────
  greeting: (businessName: string) => `Thanks for calling ${businessName}. How can I help you today?`,
  howCanIHelp: () => "How can I help you today?",
  whatCanIHelpWith: () => "Sure, what can I help you with?",
  anythingElse: () => "Is there anything else I can help you with?",
  youreWelcome: () => "You're welcome. Is there anything else I can help you with?",
  goodbye: (businessName: string) => `Thanks for calling ${businessName}. Have a great day. Goodbye.`,

  // ── repair: silence, keypad, not understood ───────────────────────────────
  stillThere: () => "Are you still there?",
  cantHear: () => "Sorry, I can't hear you.",
  noResponseGoodbye: (businessName: string) => `I haven't heard anything, so I'll let you go. Thanks for calling ${businessName}. Goodbye.`,
  pressZero: () => "You can press 0 at any time to speak with a person.",
  didNotCatch: () => "Sorry, I didn't catch that.",
  cannotHelp: () => "Sorry, I can't help with that.",
  whatICanDo: () => "I can book, move or cancel appointments, answer questions about our hours, prices and location, or take a message.",
  troubleUnderstanding: () => "I'm sorry, I'm having trouble understanding.",
  somethingWentWrong: () => "I'm sorry, something went wrong on my side.",

  // ── a person, or a message instead ────────────────────────────────────────
  transferring: () => "Of course. Let me transfer you to someone now. Please hold.",
  noOneAvailable: () => "I'm sorry, no one is available to take your call right now.",
  canTakeMessage: () => "I can take a message and have someone call you back.",
  takingMessage: () => "Let me take a message and have someone call you back.",

  // ── days and times ────────────────────────────────────────────────────────
  /** "tomorrow at 2 PM", "on Tuesday, March 10 at 9 AM". */
  when: (at: DateTime, now: DateTime) => `${onDay(at, now)} at ${spokenTime(at)}`,
  askDay: () => "What day works best for you?",
  askNewDay: () => "What day would you like to move it to?",
  askOtherDay: () => "What other day works for you?",
  askOtherDayOrTime: () => "No problem. What other day or time would work for you?",
  askDayAndTime: () => "Sure. What day and time would you prefer?",
  nothingLikeThat: () => "I'm sorry, I don't see anything like that in the next two weeks. Is there another day or time that could work?",
  noOpenings: () => "I don't see any openings in the next two weeks. Is there another day that could work?",
  firstOpening: (when: string) => `The first opening is ${when}. Would that work?`,
  nextOpening: (when: string) => `The next opening is ${when}. Would that work?`,
  /** `asked`: the day and time the caller asked for; `near`: the free times closest to it. */
  timeUnavailable: (asked: DateTime, now: DateTime, near: readonly DateTime[]) =>
    `Sorry, ${spokenTime(asked)} ${onDay(asked, now)} isn't available. I have ${timeChoices(near)}. Would one of those work?`,
  timesOnDay: (day: DateTime, now: DateTime, times: readonly DateTime[]) =>
    `${capitalize(onDay(day, now))} I have ${timeChoices(times)}. Which works best for you?`,
  fullyBooked: (day: DateTime, now: DateTime, wanted: DayRequest) =>
    `I'm sorry, we're fully booked ${
      wanted.time ? `${spokenTime(wanted.time)} ${onDay(day, now)}` : wanted.partOfDay ? `${onDay(day, now)} in the ${wanted.partOfDay}` : onDay(day, now)
    }.`,
  slotTaken: () => "I'm sorry, that time was just taken.",

  // ── name and phone number ─────────────────────────────────────────────────
  askName: () => "Great. Can I get your name, please?",
  askNameAgain: () => "Sure. What name should I put it under?",
  askPhone: () => "And what's the best phone number to reach you?",
  askOtherPhone: () => "What's the best number to reach you?",
  askPhoneAgain: () => "Sure. What's the best number to reach you?",
  isCallerNumberBest: (e164: string, country: string) => `Is ${spokenPhone(e164, country)} the best number to reach you?`,
  phoneIncomplete: () => "Sorry, I didn't get the whole number. Could you say it again, with the area code?",

  // ── booking ───────────────────────────────────────────────────────────────
  whatToBook: (offered: readonly Service[]) => `Sure. What would you like to book? We offer ${spokenList(offered.map(serviceWord), "or")}.`,
  confirmBooking: (service: Service, staffName: string | null, start: DateTime, customerName: string) =>
    `Just to confirm: ${article(service.name)} ${serviceWord(service)}${withStaff(staffName)} on ${spokenDate(start)} at ${spokenTime(start)}, for ${customerName}. Shall I book it?`,
  booked: (service: Service | undefined, staffName: string | null, when: string) =>
    `You're all set. Your ${serviceWord(service)}${withStaff(staffName)} is booked ${when}.`,
  whatToChange: () => "No problem. What would you like to change: the day, the time, or something else?",

  // ── finding the caller's appointment ──────────────────────────────────────
  askBookedNumber: () => "Sure. What's the phone number the appointment was booked under?",
  notFoundUnderCallerNumber: () => "I couldn't find an appointment under the number you're calling from. What number was it booked under?",
  notFoundUnderNumber: () => "I couldn't find an appointment under that number. Could you say the number again?",
  stillNotFound: () => "I'm sorry, I still can't find that appointment. I'll take a message so the team can sort it out.",
  /** Not spoken: the message left for the team when the appointment could not be found. */
  notFoundNote: (wanted: "reschedule" | "cancel", phone: string) => `Caller wants to ${wanted} an appointment but it was not found under ${phone}.`,
  foundAppointment,

  // ── rescheduling and cancelling ───────────────────────────────────────────
  confirmMove: (service: Service, start: DateTime) =>
    `Just to confirm: move your ${serviceWord(service)} to ${spokenDate(start)} at ${spokenTime(start)}. Is that right?`,
  moved: (when: string) => `Done. Your appointment is now ${when}.`,
  confirmCancel: (service: Service | undefined, when: string) => `${foundAppointment(service, when)} Would you like me to cancel it?`,
  cancelled: () => "Your appointment has been cancelled.",
  keptAppointment: () => "Okay, I'll leave your appointment as it is.",

  // ── messages ──────────────────────────────────────────────────────────────
  askMessage: () => "Sure. What message would you like me to pass on?",
  askNameForMessage: () => "And may I have your name, please?",
  whatToChangeInMessage: () => "What would you like to change?",
  messageTaken: (callerName: string, urgent: boolean) =>
    `Thanks, ${callerName.split(" ")[0] ?? callerName}. I've passed your message on, and someone will call you back${urgent ? " as soon as possible" : ""}.`,

  // ── questions about the business ──────────────────────────────────────────
  weeklyHours: describeWeeklyHours,
  dayHours: describeDayHours,
  price: describePrice,
  prices: (priced: readonly Service[]) => (priced.length ? priced.map(describePrice).join(" ") : "Prices depend on the job; we'll give you a quote."),
  location: (business: BusinessConfig) => describeLocation(business) ?? `Please call us at ${business.phone} for directions.`,
  services: describeServices,
};

/** The receptionist's sentences in one language. */
export type Phrases = typeof englishPhrases;
