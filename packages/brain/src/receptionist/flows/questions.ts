import type { Dialogue } from "../dialogue.ts";
import type { Understanding } from "../nlu.ts";

const QUESTION_INTENTS = ["hours", "prices", "location", "services", "faq"] as const;

const YES_NO_QUESTION =
  /^((hi|hello|hey|sorry|and|so|um|uh|oh|ok|okay|also|just|quick question|one more thing)\b,? ?)*(do|does|are|is|can|could|will|would) (you|they|y all|there|it)\b/;

/**
 * The caller asks something the brain answers from the business facts. An FAQ matched only by shared
 * words (no keyword) does not count when the words name a service: "I need a new patient exam" is a
 * request for the exam, not the question "are you taking new patients?".
 */
export function asksQuestion(u: Understanding): boolean {
  return QUESTION_INTENTS.some((q) => u.intents.has(q) && (q !== "faq" || u.faqByKeyword || !u.service));
}

/** "Are you accepting new patients right now?": a yes/no question that an FAQ answers by keyword. */
export function isFaqYesNoQuestion(u: Understanding): boolean {
  return u.faqByKeyword && YES_NO_QUESTION.test(u.norm);
}

/** Answer a question about hours, prices, location, services or an FAQ. */
export function answer(dialogue: Dialogue, u: Understanding): void {
  const I = u.intents;
  const { business: b, phrases: p } = dialogue;
  const topic = I.has("hours") || I.has("prices") || I.has("location") || I.has("services");
  if (u.faqAnswer && ((u.faqByKeyword && u.faqStrong) || !topic) && !(I.has("prices") && u.service)) return dialogue.say(u.faqAnswer);
  if (I.has("hours")) return dialogue.say(u.when.date ? p.dayHours(b, dialogue.at(u.when.date), dialogue.now()) : p.weeklyHours(b));
  if (I.has("prices")) return dialogue.say(u.service ? p.price(u.service) : p.prices(b.services.filter((s) => s.priceCents !== null).slice(0, 4)));
  if (I.has("location")) return dialogue.say(p.location(b));
  if (I.has("services")) return dialogue.say(p.services(b));
  if (u.faqAnswer) dialogue.say(u.faqAnswer);
}
