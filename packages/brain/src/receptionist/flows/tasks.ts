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
  if (I.has("reschedule")) return "reschedule";
  if (I.has("cancel") && !I.has("no")) return "cancel";
  const question = asksQuestion(u);
  if (I.has("book") || (I.has("book_weak") && u.service && !question)) return "book";
  if (I.has("message")) return "message";
  return null;
}
