import type { Dialogue, Flow } from "./dialogue.ts";
import { applyBookingRequest, applyStaff, applyWhen } from "./draft.ts";
import { isUrgent } from "./flows/messages.ts";
import { asksQuestion } from "./flows/questions.ts";
import { chooseOffered } from "./flows/slots.ts";
import { extractName } from "./nlu.ts";
import type { Understanding } from "./nlu.ts";

/**
 * Read the caller's words as the answer to what the current task (`flow`) asked for. True when the
 * turn was consumed; false leaves the words to be read as a question, a new request or not understood.
 */
export async function fill(dialogue: Dialogue, flow: Flow, u: Understanding): Promise<boolean> {
  switch (dialogue.awaiting) {
    case "service":
      if (!u.service) return false;
      applyBookingRequest(dialogue.business, dialogue.draft, u);
      return advanced(dialogue);
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
async function advanced(dialogue: Dialogue): Promise<true> {
  await dialogue.advance();
  return true;
}

async function takeDayOrTime(dialogue: Dialogue, u: Understanding): Promise<boolean> {
  const { business, draft: d } = dialogue;
  if (u.service && u.service.id !== d.serviceId && dialogue.task === "book") d.serviceId = u.service.id;
  const staffChanged = applyStaff(business, d, u);
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
  const name = extractName(u.text, true);
  if (!name) return false;
  dialogue.draft.name = name;
  return advanced(dialogue);
}

async function takePhone(dialogue: Dialogue, u: Understanding): Promise<boolean> {
  if (u.phone) {
    dialogue.draft.phone = u.phone;
    return advanced(dialogue);
  }
  const digits = u.text.replace(/\D/g, "").length;
  if (digits > 0 || /\b(zero|oh|one|two|three|four|five|six|seven|eight|nine)\b/.test(u.norm)) {
    // Part of a number came through.
    if (dialogue.failedAgain()) {
      await dialogue.handOff();
      return true;
    }
    dialogue.ask(dialogue.phrases.phoneIncomplete(), dialogue.awaiting);
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
    dialogue.ask(dialogue.phrases.askOtherPhone(), "phone");
    return true;
  } else return false;
  return advanced(dialogue);
}

async function takeMessage(dialogue: Dialogue, u: Understanding): Promise<boolean> {
  if (u.text.split(/\s+/).length < 2 && !u.intents.has("yes")) return false;
  dialogue.draft.message = u.text.trim();
  if (isUrgent(u)) dialogue.draft.urgency = "high";
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
    changed = true;
  }
  const name = /\b(name|spell|it's|it is|i'm|i am)\b/.test(u.norm) && !u.when.date && !u.when.time ? extractName(u.text, false) : null;
  if (name) {
    d.name = name;
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
