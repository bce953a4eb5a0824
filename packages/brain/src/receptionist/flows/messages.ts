import type { Dialogue, Flow } from "../dialogue.ts";
import { openingName } from "../nlu.ts";
import type { Understanding } from "../nlu.ts";
import { askPhone } from "./phone-number.ts";

const URGENT =
  /\b(urgent|emergency|asap|as soon as possible|right away|immediately|flood\w*|leak\w*|no heat|no water|gas smell|smell gas|bleeding|severe|swollen|broken down|stranded)\b/;

export function isUrgent(u: Understanding): boolean {
  return URGENT.test(u.norm);
}

async function advanceMessage(dialogue: Dialogue): Promise<void> {
  const { draft: d, phrases: p } = dialogue;
  if (!d.message) return dialogue.ask(p.askMessage(), "message");
  if (!d.name) return dialogue.ask(p.askNameForMessage(), "name");
  if (!d.phone) return askPhone(dialogue);
  const rec = await dialogue.tool("take_message", { callerName: d.name, callbackNumber: d.phone, text: d.message, urgency: d.urgency ?? "normal" });
  if (!rec.ok) return dialogue.failTask();
  dialogue.say(p.messageTaken(d.name, d.urgency === "high"));
  dialogue.finishTask();
}

/** Take a message: the message → name → phone → `take_message`. Nothing is read back to confirm. */
export const messages: Flow = {
  begin(dialogue, u) {
    if (isUrgent(u)) dialogue.draft.urgency = "high";
    // "Please have someone call me back, my basement is flooding" already is the message.
    if (u.messageBody) dialogue.draft.message = u.text.trim();
    // "Hi, this is Jane Back from Acme, could you pass along a message?": who it is from.
    const name = openingName(u);
    if (name && !dialogue.draft.name) dialogue.draft.name = name;
    if (u.phone && u.digits.length >= 10 && !dialogue.draft.phone) dialogue.draft.phone = u.phone;
  },
  advance: advanceMessage,
  confirmed: advanceMessage,
  declined(dialogue: Dialogue) {
    dialogue.ask(dialogue.phrases.whatToChangeInMessage(), "correction");
  },
};
