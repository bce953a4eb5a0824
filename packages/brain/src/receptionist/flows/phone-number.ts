import type { Dialogue } from "../dialogue.ts";

/** Ask for the callback number, offering the number calling first when it is known. */
export function askPhone(dialogue: Dialogue): void {
  const { draft: d, phrases: p, caller } = dialogue;
  if (caller && !d.callerOffered) {
    d.callerOffered = true;
    dialogue.ask(p.isCallerNumberBest(caller, dialogue.business.country), "phone_confirm");
    return;
  }
  dialogue.ask(p.askPhone(), "phone");
}
