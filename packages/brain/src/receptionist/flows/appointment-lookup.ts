import type { Dialogue } from "../dialogue.ts";
import type { FoundAppointment } from "../draft.ts";

/**
 * The caller's appointment, for moving or cancelling it: looked up under the number given, else the
 * number calling. Null while a number is being asked for; after two failed lookups of a given number
 * the task turns into a message for the team.
 */
export async function lookUpAppointment(dialogue: Dialogue): Promise<FoundAppointment | null> {
  const { draft: d, phrases: p } = dialogue;
  const fromCaller = !d.phone && dialogue.caller && !d.callerLookupTried;
  const phone = d.phone ?? (fromCaller ? dialogue.caller : undefined);
  if (!phone) {
    dialogue.ask(p.askBookedNumber(), "identify_phone");
    return null;
  }
  const rec = await dialogue.tool("find_appointments", { customerPhone: phone });
  const list = rec.ok ? ((rec.result as { appointments: FoundAppointment[] }).appointments ?? []) : [];
  const first = list[0];
  if (first) {
    d.appointment = first;
    d.phone = phone;
    d.name ??= first.customerName;
    if (d.date && d.date === dialogue.at(first.start).toISODate() && !d.time) delete d.date;
    if (!d.serviceId) d.serviceId = first.serviceId;
    if (first.staffId) d.staffId = first.staffId;
    return first;
  }
  if (fromCaller) {
    d.callerLookupTried = true;
    dialogue.ask(p.notFoundUnderCallerNumber(), "identify_phone");
    return null;
  }
  delete d.phone;
  d.lookupFailures++;
  if (d.lookupFailures < 2) {
    dialogue.ask(p.notFoundUnderNumber(), "identify_phone");
    return null;
  }
  dialogue.say(p.stillNotFound());
  d.phone = phone;
  d.message = p.notFoundNote(dialogue.task === "cancel" ? "cancel" : "reschedule", phone);
  await dialogue.continueAs("message");
  return null;
}
