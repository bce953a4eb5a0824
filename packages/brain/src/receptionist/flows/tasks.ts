import type { Flow, Task } from "../dialogue.ts";
import type { Understanding } from "../nlu.ts";
import { booking } from "./booking.ts";
import { cancelling } from "./cancelling.ts";
import { messages } from "./messages.ts";
import { asksQuestion } from "./questions.ts";
import { rescheduling } from "./rescheduling.ts";

export const FLOWS: Record<Task, Flow> = { book: booking, reschedule: rescheduling, cancel: cancelling, message: messages };

/** The task the caller's words ask for, if any. */
export function taskIntent(u: Understanding): Task | null {
  const I = u.intents;
  // "I need to reschedule… can someone call me back?": the caller asks for a call back, not to do it now.
  if (I.has("message") && /\b(call me back|call me|callback|call back|leave a message)\b/.test(u.norm) && (I.has("reschedule") || I.has("cancel")))
    return "message";
  if (I.has("reschedule")) return "reschedule";
  const question = asksQuestion(u);
  // "What's your cancellation policy?", "How much to come out and look?": a question about the
  // business, answered — not a task, unless a day or time says the caller wants one.
  if (u.question && question && (I.has("prices") || u.faqStrong) && !u.when.date && !u.when.time && !/\b(book|schedule|appointment)\b/.test(u.norm)) {
    return null;
  }
  if (I.has("cancel") && !I.has("no")) return "cancel";
  if (I.has("book") || (I.has("book_weak") && u.service && !question)) return "book";
  if (I.has("message")) return "message";
  return null;
}
