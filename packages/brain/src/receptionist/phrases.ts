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
  whatICanDo: () =>
    "I can book, move or cancel appointments, answer questions about our hours, prices and location, take a message, or put you through to someone.",
  /** The second miss in a row where a request was expected: the choices, put differently. */
  stillNotClear: () => "Sorry, I still didn't get that. Would you like to book an appointment, leave a message, or speak with someone?",
  offerTransfer: () => "Would you like me to put you through to someone?",
  /** A question matched on weak evidence is checked before it is answered. */
  checkQuestion: (question: string) => `Just to check, are you asking: ${question.replace(/\?*$/, "?")}`,
  yesOrNo: () => "Sorry, was that a yes or a no?",
  troubleUnderstanding: () => "I'm sorry, I'm having trouble understanding.",
  somethingWentWrong: () => "I'm sorry, something went wrong on my side.",

  /** After "take me off your list": the number goes on the do-not-call list and the call ends. */
  doNotCall: (businessName: string) =>
    `Understood. I've taken your number off our calling list, and ${businessName} won't call you again. Sorry for the trouble. Goodbye.`,

  // ── a person, or a message instead ────────────────────────────────────────
  transferring: () => "Of course. Let me transfer you to someone now. Please hold.",
  noOneAvailable: () => "I'm sorry, no one is available to take your call right now.",
  canTakeMessage: () => "I can take a message and have someone call you back.",
  takingMessage: () => "Let me take a message and have someone call you back.",
  urgentTransferring: () => "That sounds urgent. Let me put you through to someone right away. Please hold.",
  /** A website call cannot be put through to a phone: the number to ring, and a message for a call back. */
  webCannotTransfer: (phone: string, country: string) =>
    `I can't put you through from the website, but you can call us at ${spokenPhone(phone, country)}. Or I can take a message and have someone call you back.`,
  webUrgent: (phone: string, country: string) =>
    `That sounds urgent. Please call us right away at ${spokenPhone(phone, country)}. I'll also take a message and flag it so someone calls you back as soon as possible.`,
  urgentMessage: () => "That sounds urgent. I'll take a message and flag it so someone calls you back as soon as possible.",
  cannotPlaceService: () => "I'm not sure which of our services that is, so let me get someone from the team to help.",

  // ── days and times ────────────────────────────────────────────────────────
  /** "tomorrow at 2 PM", "on Tuesday, March 10 at 9 AM". */
  when: (at: DateTime, now: DateTime) => `${onDay(at, now)} at ${spokenTime(at)}`,
  askDay: () => "What day works best for you?",
  askNewDay: () => "What day would you like to move it to?",
  askOtherDay: () => "What other day works for you?",
  askOtherDayOrTime: () => "No problem. What other day or time would work for you?",
  dayAgain: () => "Sorry, I didn't catch the day. Which day suits you, for example tomorrow or next Monday?",
  morningOrAfternoon: () => "Would a morning or an afternoon suit you better? Or I can find you the first opening.",
  whichOfThose: () => "Sorry, which of those times would you like? You can say the first one or the last one.",
  changeNoted: () => "No problem, I've changed that.",
  /** A service worked out from the problem described. */
  soundsLike: (service: Service) => `That sounds like ${article(service.name)} ${serviceWord(service)}.`,
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
  nameAgain: () => "Sorry, I didn't catch your name. Could you say it again?",
  spellName: () => "Could you spell your name for me, letter by letter?",
  phoneAgain: () => "Sorry, I didn't get the number. What's the best number to reach you, starting with the area code?",
  phoneDigitByDigit: () => "Could you say the number one digit at a time?",
  /** A piece of a number came through: wait for the rest (two wordings, never the same twice in a row). */
  phoneGoOn: (piece: number) => (piece % 2 === 1 ? "Got it. Go on." : "Okay, and the rest?"),
  phoneReadBack: (e164: string, country: string) => `I have ${spokenPhone(e164, country)}.`,
  thanksName: (name: string) => `Thanks, ${name.split(" ")[0] ?? name}.`,
  askNameAfterNumber: () => "Thanks, I've got your number. And your name, please?",

  // ── booking ───────────────────────────────────────────────────────────────
  whatToBook: (offered: readonly Service[]) => `Sure. What would you like to book? We offer ${spokenList(offered.map(serviceWord), "or")}.`,
  confirmBooking: (service: Service, staffName: string | null, start: DateTime, customerName: string) =>
    `Just to confirm: ${article(service.name)} ${serviceWord(service)}${withStaff(staffName)} on ${spokenDate(start)} at ${spokenTime(start)}, for ${customerName}. Shall I book it?`,
  booked: (service: Service | undefined, staffName: string | null, when: string) =>
    `You're all set. Your ${serviceWord(service)}${withStaff(staffName)} is booked ${when}.`,
  whatToChange: () => "No problem. What would you like to change: the day, the time, or something else?",
  whatToChangeAgain: () => "Sorry, what should I change: the day, the time, or the name?",
  goAheadAgain: () => "Sorry, shall I go ahead? Please say yes, or tell me what to change.",
  goAheadOrChange: () => "If everything is right, just say yes. Otherwise tell me the day, the time or the name to change.",
  /** Several services fit what the caller described. */
  whichService: (choices: readonly Service[]) =>
    `Is that for ${spokenList(
      choices.map((s) => `${article(s.name)} ${serviceWord(s)}`),
      "or",
    )}?`,
  serviceAgain: (offered: readonly Service[]) => `Sorry, I didn't catch which service you need. Is it ${spokenList(offered.map(serviceWord), "or")}?`,
  /** The day or name was given while the service was asked for: keep it, ask for the service again. */
  notedAskService: (offered: readonly Service[]) => `Thanks, I've noted that. And which service is it for: ${spokenList(offered.map(serviceWord), "or")}?`,
  /** The read-back when something was taken on weak evidence: each detail on its own. */
  confirmEach: (service: Service, staffName: string | null, start: DateTime, customerName: string, phone: string | null, country: string) =>
    [
      "Let me read that back to make sure I have it right.",
      `The appointment: ${article(service.name)} ${serviceWord(service)}${withStaff(staffName)}.`,
      `The day: ${spokenDate(start)} at ${spokenTime(start)}.`,
      `The name: ${customerName}.`,
      ...(phone ? [`The number: ${spokenPhone(phone, country)}.`] : []),
      "Is all of that right?",
    ].join(" "),

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
  askMessageAgain: () => "And what would you like me to pass on?",
  messageAgain: () => "Sorry, what would you like me to tell the team?",
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
