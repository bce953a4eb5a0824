import { DateTime } from "luxon";
import type { Awaiting, Dialogue, Flow } from "./dialogue.ts";
import { applyBookingRequest, applyStaff, applyWhen, markWeak } from "./draft.ts";
import { isUrgent } from "./flows/messages.ts";
import { asksQuestion } from "./flows/questions.ts";
import { booking } from "./flows/booking.ts";
import { chooseOffered } from "./flows/slots.ts";
import { extractName, extractPhone, extractWhen, lastNameSaid, normalize } from "./nlu.ts";
import type { Understanding } from "./nlu.ts";

/**
 * Read the caller's words as the answer to what the current task (`flow`) asked for — by what the
 * words are, not by which question came last: a name, a number or a change of day is taken wherever
 * it comes. True when the turn was consumed; false leaves the words to be read as a question, a new
 * request or not understood.
 */
export async function fill(dialogue: Dialogue, flow: Flow, u: Understanding): Promise<boolean> {
  if (await takeChangeOfDay(dialogue, u)) return true;
  switch (dialogue.awaiting) {
    case "service":
      return takeService(dialogue, u);
    case "date":
    case "slot_choice":
      return takeDayOrTime(dialogue, u);
    case "name":
      return takeName(dialogue, u);
    case "phone":
    case "identify_phone":
      return takePhone(dialogue, u);
    case "phone_confirm":
      return confirmCallerNumber(dialogue, u);
    case "message":
      return takeMessage(dialogue, u);
    case "confirm":
    case "correction":
      return takeConfirmation(dialogue, flow, u);
    default:
      return false;
  }
}

/** The answer is noted: ask for what comes next. */
async function advanced(dialogue: Dialogue, ...before: string[]): Promise<true> {
  dialogue.say(...before);
  await dialogue.advance();
  return true;
}

/** Booking or moving, and the slot is not yet taken: the day, time, service or staff may still change. */
function canChangeAppointment(dialogue: Dialogue): boolean {
  return dialogue.task === "book" || (dialogue.task === "reschedule" && dialogue.draft.appointment !== undefined);
}

/**
 * "Actually, can we do Wednesday instead?" while the name or number is asked for: the change is made
 * and the flow goes on from there. The day and time questions and the read-back handle their own.
 */
async function takeChangeOfDay(dialogue: Dialogue, u: Understanding): Promise<boolean> {
  const at = dialogue.awaiting;
  if (!canChangeAppointment(dialogue) || !["name", "phone", "phone_confirm"].includes(at)) return false;
  const when = u.when.date || u.when.time || u.when.partOfDay;
  if (!when && !(u.correction && (u.staff || (u.service && dialogue.task === "book")))) return false;
  // "Jane, Wednesday works": both are taken. A bare day is a change only with a correction word or
  // no name in it ("Friday" is nobody's name here).
  if (!u.correction && at === "name" && !u.when.date && !u.when.time) return false;
  // "My name is James Eighth" (or April Jones): the day word is in the name the caller gave, not a change.
  if (!u.correction && at === "name" && !whenOutsideName(dialogue, u)) return false;
  const d = dialogue.draft;
  // The day and time already chosen, said again ("yes, Tuesday at ten"): nothing to change.
  const serviceChange = dialogue.task === "book" && !!u.service && u.service.id !== d.serviceId;
  if (!serviceChange && !u.staff && restatesChosen(dialogue, u)) return false;
  if (at === "name" && u.introduced?.firm) d.name = u.introduced.name;
  if (dialogue.task === "book" && u.service && u.service.id !== d.serviceId) {
    d.serviceId = u.service.id;
    markWeak(d, "service", false);
    delete d.slot;
  }
  const staffChanged = applyStaff(dialogue.business, d, u);
  if (!applyWhen(dialogue.business, d, u) && staffChanged) delete d.slot;
  return advanced(dialogue, dialogue.phrases.changeNoted());
}

/** The words name only the day and time already chosen (or asked for), and no part of the day. */
function restatesChosen(dialogue: Dialogue, u: Understanding): boolean {
  const d = dialogue.draft;
  const zone = dialogue.business.timezone;
  const chosen = d.slot ? DateTime.fromISO(d.slot.start, { zone }) : undefined;
  const date = chosen?.toISODate() ?? d.date;
  const time = chosen?.toFormat("HH:mm") ?? d.time;
  if (u.when.partOfDay && !u.when.time) return false;
  return (!u.when.date || u.when.date === date) && (!u.when.time || u.when.time === time) && !!(u.when.date || u.when.time);
}

/** A day or time said outside the name the caller firmly introduced; true too when there is no such name. */
function whenOutsideName(dialogue: Dialogue, u: Understanding): boolean {
  if (!u.introduced?.firm) return true;
  const words = u.introduced.name.split(" ").map((w) => w.replace(/[^a-z']/gi, ""));
  const inName = new RegExp(`\\b${words.join("\\W+")}\\b`, "i");
  if (!inName.test(u.text)) return true;
  const rest = u.text.replace(inName, " ");
  const when = extractWhen(normalize(rest), dialogue.business.timezone, dialogue.now().toJSDate(), { business: dialogue.business });
  return !!(when.date || when.time || when.partOfDay);
}

async function takeService(dialogue: Dialogue, u: Understanding): Promise<boolean> {
  const { business, draft: d } = dialogue;
  const choices = (d.serviceChoices ?? []).map((id) => business.services.find((s) => s.id === id)).filter((s) => s !== undefined);
  const picked = u.service ?? (u.ordinal !== null ? choices.at(u.ordinal) : undefined) ?? (choices.length > 0 && u.intents.has("yes") ? choices[0] : undefined);
  if (picked) {
    delete d.serviceChoices;
    applyBookingRequest(business, d, { ...u, service: picked });
    markWeak(d, "service", false);
    return advanced(dialogue);
  }
  return takeDescribedProblem(dialogue, u) || notedWhileServiceDue(dialogue, u);
}

/** "My sink is backed up": the service the problem points to, or a question when two fit. */
function takeDescribedProblem(dialogue: Dialogue, u: Understanding): Promise<boolean> | false {
  if (u.problemServices.length === 0) return false;
  booking.begin?.(dialogue, u);
  return advanced(dialogue);
}

/**
 * Not a service, but perhaps the day or the caller's name: kept, and the service asked for once more
 * in other words. The second miss hands the call to a person (or a message) rather than looping.
 */
async function notedWhileServiceDue(dialogue: Dialogue, u: Understanding): Promise<boolean> {
  const { business, draft: d, phrases: p } = dialogue;
  if (asksQuestion(u) || u.intents.has("transfer") || u.intents.has("goodbye")) return false;
  if (u.phone && u.digits.length >= 10) d.phone = u.phone;
  const noted = [applyWhen(business, d, u), takeIntroducedName(dialogue, u), !!(u.phone && u.digits.length >= 10)].some(Boolean);
  if (dialogue.failedAgain() || dialogue.failures >= 2) {
    dialogue.say(p.cannotPlaceService());
    await dialogue.handOff();
    return true;
  }
  const offered = business.services.filter((s) => s.bookable).slice(0, 5);
  dialogue.ask(noted ? p.notedAskService(offered) : p.serviceAgain(offered), "service");
  return true;
}

/** "This is Jane calling": the name is kept whatever was asked. True when one was taken. */
function takeIntroducedName(dialogue: Dialogue, u: Understanding): boolean {
  const name = u.introduced?.firm ? u.introduced.name : u.nameWithNumber;
  if (!name) return false;
  dialogue.draft.name = name;
  markWeak(dialogue.draft, "name", false);
  return true;
}

async function takeDayOrTime(dialogue: Dialogue, u: Understanding): Promise<boolean> {
  const { business, draft: d } = dialogue;
  if (u.service && u.service.id !== d.serviceId && dialogue.task === "book") d.serviceId = u.service.id;
  const staffChanged = applyStaff(business, d, u);
  takeIntroducedName(dialogue, u);
  if (u.phone && u.digits.length >= 10) d.phone = u.phone;
  if (dialogue.awaiting === "slot_choice") {
    const chosen = chooseOffered(dialogue, u);
    if (chosen) {
      d.slot = chosen;
      return advanced(dialogue);
    }
  }
  if (applyWhen(business, d, u) || staffChanged) return advanced(dialogue);
  if (u.intents.has("no") && dialogue.awaiting === "slot_choice" && !u.intents.has("goodbye")) {
    d.offered = [];
    dialogue.ask(dialogue.phrases.askOtherDayOrTime(), "date");
    return true;
  }
  return false;
}

async function takeName(dialogue: Dialogue, u: Understanding): Promise<boolean> {
  const asking = /\?|\b(what|how|where|when|do you|are you|can i|is there|is it)\b/.test(u.text.toLowerCase());
  if (asking && asksQuestion(u)) return false;
  const d = dialogue.draft;
  // A number where the name was asked for is the number ("two one two…"), never the name.
  const tookNumber = u.digits.length >= 3 ? takeDigits(dialogue, u) : "none";
  const name = lastNameSaid(u.text) ?? u.introduced?.name ?? u.nameWithNumber ?? extractName(u.text, true);
  if (name) {
    d.name = name;
    // Spelled out letter by letter: weak, read back on its own.
    markWeak(d, "name", !u.introduced && /\b[b-hj-z]\b/i.test(u.text));
    return advanced(dialogue, ...(tookNumber === "complete" ? [dialogue.phrases.phoneReadBack(d.phone as string, dialogue.business.country)] : []));
  }
  if (tookNumber === "complete") {
    dialogue.say(dialogue.phrases.phoneReadBack(d.phone as string, dialogue.business.country));
    dialogue.ask(dialogue.phrases.askNameAfterNumber(), "name");
    return true;
  }
  if (tookNumber === "partial") {
    askForRestOfNumber(dialogue, "phone");
    return true;
  }
  return false;
}

/**
 * Digits said, added to any said before: "complete" once they make a whole number (ten digits, or a
 * possible international one), "partial" while more are due, "none" without digits or when the pieces
 * make no number (they are dropped).
 */
function takeDigits(dialogue: Dialogue, u: Understanding): "complete" | "partial" | "none" {
  const d = dialogue.draft;
  const country = dialogue.business.country;
  if (u.phone && (u.digits.length >= 10 || /\+|\bplus\b/i.test(u.text))) {
    d.phone = u.phone;
    delete d.phoneDigits;
    markWeak(d, "phone", false);
    return "complete";
  }
  if (!u.digits || !isNumberPiece(u)) return "none";
  const international = /\+|\bplus\b/i.test(u.text) || d.phoneDigits?.startsWith("+");
  const sofar = (d.phoneDigits ?? "").replace(/^\+/, "") + u.digits;
  const phone = sofar.length >= 10 ? extractPhone(`${international ? "+" : ""}${sofar}`, country) : null;
  if (phone) {
    d.phone = phone;
    delete d.phoneDigits;
    // Pieced together from several answers: weak, read back on its own before booking.
    markWeak(d, "phone", sofar !== u.digits);
    return "complete";
  }
  if (sofar.length > 15) {
    delete d.phoneDigits;
    return "none";
  }
  d.phoneDigits = `${international ? "+" : ""}${sofar}`;
  return "partial";
}

/** Words around digits that still make the answer a piece of a number ("my number is", "area code"). */
const NUMBER_TALK =
  /\b(zero|oh|o|one|two|three|four|five|six|seven|eight|nine|ten|double|triple|plus|my|number|is|it's|its|the|area|code|and|then|um|uh|ok|okay|so|yes|yeah|sure|no|sorry|that's|it)\b/g;

/** Mostly digits: a piece of a number, not a sentence with a number in it ("change the time to 2"). */
function isNumberPiece(u: Understanding): boolean {
  const rest = u.text
    .toLowerCase()
    .replace(/[\d().+-]/g, " ")
    .replace(NUMBER_TALK, " ")
    .replace(/[^a-z]+/g, " ")
    .trim();
  return rest.split(" ").filter(Boolean).length <= 1;
}

/** Part of a number came through: wait for the rest, in other words than last time. */
function askForRestOfNumber(dialogue: Dialogue, awaiting: Awaiting): void {
  const p = dialogue.phrases;
  dialogue.ask(dialogue.lastPrompt === p.phoneGoOn(1) ? p.phoneGoOn(2) : p.phoneGoOn(1), awaiting);
}

async function takePhone(dialogue: Dialogue, u: Understanding): Promise<boolean> {
  const d = dialogue.draft;
  const before = d.phoneDigits;
  const took = takeDigits(dialogue, u);
  if (took === "complete") {
    takeIntroducedName(dialogue, u);
    // Pieced together from several answers: read back in groups before going on.
    return before ? advanced(dialogue, dialogue.phrases.phoneReadBack(d.phone as string, dialogue.business.country)) : advanced(dialogue);
  }
  if (took === "partial") {
    askForRestOfNumber(dialogue, dialogue.awaiting);
    return true;
  }
  if (u.digits.length > 15) {
    // The pieces made no number: start again, digit by digit.
    if (dialogue.failedAgain()) {
      await dialogue.handOff();
      return true;
    }
    dialogue.ask(dialogue.phrases.phoneIncomplete(), dialogue.awaiting);
    return true;
  }
  if (takeIntroducedName(dialogue, u)) {
    dialogue.ask(`${dialogue.phrases.thanksName(d.name as string)} ${dialogue.phrases.askOtherPhone()}`, dialogue.awaiting);
    return true;
  }
  return false;
}

/** "Is 2 1 2… the best number to reach you?": yes, no, or another number. */
async function confirmCallerNumber(dialogue: Dialogue, u: Understanding): Promise<boolean> {
  const d = dialogue.draft;
  if (u.phone) {
    d.phone = u.phone;
  } else if (u.intents.has("yes")) {
    d.phone = dialogue.caller;
  } else if (u.intents.has("no")) {
    if (u.digits.length >= 3) {
      d.phoneDigits = u.digits;
      askForRestOfNumber(dialogue, "phone");
      return true;
    }
    dialogue.ask(dialogue.phrases.askOtherPhone(), "phone");
    return true;
  } else if (u.digits.length >= 3) {
    return takePhone(dialogue, u);
  } else return false;
  return advanced(dialogue);
}

/**
 * The message. A name or a number on its own ("it's Jane Back", "two one two…") is the name or the
 * number, not the message: it is kept and the message asked for again.
 */
async function takeMessage(dialogue: Dialogue, u: Understanding): Promise<boolean> {
  const d = dialogue.draft;
  const p = dialogue.phrases;
  const wordCount = u.text.trim().split(/\s+/).length;
  const digitsOnly = u.digits.length >= 3 && isNumberPiece(u);
  if (digitsOnly) {
    const took = takeDigits(dialogue, u);
    if (took === "partial") askForRestOfNumber(dialogue, "phone");
    else dialogue.ask(p.askMessageAgain(), "message");
    return true;
  }
  if (u.nameWithNumber && isNumberPiece({ ...u, text: u.text.replace(/^[^,\d]*?(?=,|\d)/, " ") })) {
    // "Jane Back, 212 555 0142" where the message was asked for: the name and number, not the message.
    d.name = u.nameWithNumber;
    markWeak(d, "name", false);
    const took = takeDigits(dialogue, u);
    if (took === "partial") askForRestOfNumber(dialogue, "phone");
    else dialogue.ask(`${p.thanksName(d.name)} ${p.askMessageAgain()}`, "message");
    return true;
  }
  const bareName = !u.introduced && wordCount <= 2 && !d.name ? extractName(u.text, true) : null;
  if (u.introduced?.only || bareName) {
    d.name = u.introduced?.name ?? (bareName as string);
    markWeak(d, "name", false);
    dialogue.ask(`${p.thanksName(d.name)} ${p.askMessageAgain()}`, "message");
    return true;
  }
  if (wordCount < 2 && !u.intents.has("yes")) return false;
  d.message = u.text.trim();
  if (u.introduced?.firm && !d.name) d.name = u.introduced.name;
  if (u.phone && !d.phone) d.phone = u.phone;
  if (isUrgent(u)) d.urgency = "high";
  return advanced(dialogue);
}

/** Yes or no to the read-back, or a change to it ("no, Thursday"). */
async function takeConfirmation(dialogue: Dialogue, flow: Flow, u: Understanding): Promise<boolean> {
  const corrected = applyCorrection(dialogue, u);
  if (corrected === "prompted") return true;
  if (corrected === "changed") return advanced(dialogue);
  if (dialogue.awaiting !== "confirm") return false;
  if (u.intents.has("yes")) {
    await flow.confirmed(dialogue);
    return true;
  }
  if (u.intents.has("no")) {
    flow.declined(dialogue);
    return true;
  }
  return false;
}

/** "No, Thursday", "make it 3 PM", "it's Jane", "my number is…": change what was said. */
function applyCorrection(dialogue: Dialogue, u: Understanding): "changed" | "prompted" | "none" {
  const { business, draft: d, phrases: p, task } = dialogue;
  let changed = false;
  if (task === "book" && u.service && u.service.id !== d.serviceId) {
    d.serviceId = u.service.id;
    markWeak(d, "service", false);
    delete d.slot;
    changed = true;
  }
  if (task === "book" || task === "reschedule") {
    if (applyStaff(business, d, u)) {
      delete d.slot;
      changed = true;
    }
    if (applyWhen(business, d, u)) changed = true;
  }
  if (u.phone && u.phone !== d.phone) {
    d.phone = u.phone;
    markWeak(d, "phone", false);
    changed = true;
  }
  const name = /\b(name|spell|it's|it is|i'm|i am)\b/.test(u.norm) && !u.when.date && !u.when.time ? extractName(u.text, false) : null;
  if (name) {
    d.name = name;
    markWeak(d, "name", false);
    changed = true;
  }
  if (changed) return "changed";
  if (dialogue.awaiting !== "correction") return "none";
  if (/\b(day|date|time)\b/.test(u.norm)) {
    delete d.slot;
    delete d.date;
    delete d.time;
    dialogue.ask(p.askDayAndTime(), "date");
    return "prompted";
  }
  if (/\bname\b/.test(u.norm)) {
    delete d.name;
    dialogue.ask(p.askNameAgain(), "name");
    return "prompted";
  }
  if (/\b(number|phone)\b/.test(u.norm)) {
    delete d.phone;
    delete d.phoneDigits;
    d.callerOffered = true;
    dialogue.ask(p.askPhoneAgain(), "phone");
    return "prompted";
  }
  if (/\b(message)\b/.test(u.norm) && task === "message") {
    delete d.message;
    dialogue.ask(p.askMessage(), "message");
    return "prompted";
  }
  return "none";
}
