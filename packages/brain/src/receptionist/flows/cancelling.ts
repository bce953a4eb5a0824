import { findService } from "../../availability.ts";
import type { Dialogue, Flow } from "../dialogue.ts";
import { lookUpAppointment } from "./appointment-lookup.ts";

/** Cancel an appointment: find it → confirm → `cancel_appointment`. */
export const cancelling: Flow = {
  async advance(dialogue: Dialogue) {
    const appointment = dialogue.draft.appointment ?? (await lookUpAppointment(dialogue));
    if (!appointment) return;
    dialogue.ask(dialogue.phrases.confirmCancel(findService(dialogue.business, appointment.serviceId), dialogue.when(appointment.start)), "confirm");
  },

  async confirmed(dialogue: Dialogue) {
    const rec = await dialogue.tool("cancel_appointment", { appointmentId: dialogue.draft.appointment?.id, reason: "cancelled by caller" });
    if (!rec.ok) return dialogue.failTask();
    dialogue.say(dialogue.phrases.cancelled());
    dialogue.finishTask();
  },

  declined(dialogue: Dialogue) {
    dialogue.say(dialogue.phrases.keptAppointment());
    dialogue.finishTask();
  },
};
