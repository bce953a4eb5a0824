import { findService } from "../../availability.ts";
import type { Slot } from "../../availability.ts";
import type { Dialogue, Flow } from "../dialogue.ts";
import { applyWhen } from "../draft.ts";
import { lookUpAppointment } from "./appointment-lookup.ts";
import { askWhatToChange, resolveSlot, retakeLostSlot } from "./slots.ts";

/** Move an appointment: find it → new day and time → confirm → `reschedule_appointment`. */
export const rescheduling: Flow = {
  begin(dialogue, u) {
    applyWhen(dialogue.business, dialogue.draft, u);
  },

  async advance(dialogue: Dialogue) {
    const { business, draft: d, phrases: p } = dialogue;
    let appointment = d.appointment ?? null;
    if (!appointment) {
      appointment = await lookUpAppointment(dialogue);
      if (!appointment) return;
      dialogue.say(p.foundAppointment(findService(business, appointment.serviceId), dialogue.when(appointment.start)));
    }
    const service = findService(business, appointment.serviceId);
    if (!service) return dialogue.handOff();
    if (!d.slot && !(await resolveSlot(dialogue, service, p.askNewDay()))) return;
    const slot = d.slot as Slot;
    dialogue.ask(p.confirmMove(service, dialogue.at(slot.start)), "confirm");
  },

  async confirmed(dialogue: Dialogue) {
    const d = dialogue.draft;
    const slot = d.slot as Slot;
    const rec = await dialogue.tool("reschedule_appointment", { appointmentId: d.appointment?.id, start: slot.start, staffId: slot.staffId });
    if (!rec.ok) return retakeLostSlot(dialogue, rec);
    dialogue.say(dialogue.phrases.moved(dialogue.when(slot.start)));
    dialogue.finishTask();
  },

  declined: askWhatToChange,
};
