import type { Service } from "@orbis/contracts";
import type { Dialogue } from "../dialogue.ts";
import { matchService } from "../nlu.ts";
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

/**
 * Answer a question about hours, prices, location, services or an FAQ. The service it was about (named
 * in the question, or in the answer given) is remembered for "can I book it?".
 */
export function answer(dialogue: Dialogue, u: Understanding): void {
  const said = answerText(dialogue, u);
  if (!said) return;
  dialogue.say(said);
  const about = u.service ?? onlyServiceNamed(dialogue, said);
  if (about) dialogue.topicServiceId = about.id;
}

/** The one bookable service an answer speaks of ("The diagnostic visit is $89…"); null for none or several. */
function onlyServiceNamed(dialogue: Dialogue, said: string): Service | null {
  const named = dialogue.business.services.filter((s) => s.bookable && matchService({ ...dialogue.business, services: [s] }, said.toLowerCase()));
  return named.length === 1 ? (named[0] as Service) : null;
}

/** "What does a consultation cost?" where the price is not set but an FAQ speaks of that service ("Is the first consultation free?"). */
function faqAboutPrice(dialogue: Dialogue, service: Service): string | null {
  if (service.priceCents !== null) return null;
  const name = service.name.toLowerCase();
  return dialogue.business.faqs.find((f) => f.question.toLowerCase().includes(name) && /\b(free|cost|price|charge|pay)\b/i.test(f.question))?.answer ?? null;
}

function answerText(dialogue: Dialogue, u: Understanding): string | null {
  const I = u.intents;
  const { business: b, phrases: p } = dialogue;
  const topic = I.has("hours") || I.has("prices") || I.has("location") || I.has("services");
  if (u.faqAnswer && ((u.faqByKeyword && u.faqStrong) || !topic) && !(I.has("prices") && u.service)) return u.faqAnswer;
  if (I.has("hours")) return u.when.date ? p.dayHours(b, dialogue.at(u.when.date), dialogue.now()) : p.weeklyHours(b);
  if (I.has("prices") && u.service) return faqAboutPrice(dialogue, u.service) ?? p.price(u.service);
  if (I.has("prices")) return u.service ? p.price(u.service) : p.prices(b.services.filter((s) => s.priceCents !== null).slice(0, 4));
  if (I.has("location")) return p.location(b);
  if (I.has("services")) return p.services(b);
  return u.faqAnswer;
}
