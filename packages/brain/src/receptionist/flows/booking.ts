import type { BusinessConfig } from "@orbis/contracts";
import { openingIntervalsOn } from "../../availability.ts";
import type { Slot } from "../../availability.ts";
import type { Dialogue, Flow } from "../dialogue.ts";
import { openingName } from "../nlu.ts";
import { applyBookingRequest, draftService, markWeak } from "../draft.ts";
import { askPhone } from "./phone-number.ts";
import { askWhatToChange, resolveSlot, retakeLostSlot } from "./slots.ts";

function staffName(business: BusinessConfig, id: string | null | undefined): string | null {
  if (!id) return null;
  return business.staff.find((s) => s.id === id)?.name ?? null;
}

/** Book an appointment: service → day and time → name → phone → confirm → `book_appointment`. */
export const booking: Flow = {
  begin(dialogue, u) {
    const d = dialogue.draft;
    applyBookingRequest(dialogue.business, d, u);
    // "My sink is backed up": the service the problem points to (weak: read back), or a choice.
    const fits = u.service ? [] : u.problemServices;
    const only = fits.length === 1 ? fits[0] : undefined;
    if (only) {
      d.serviceId = only.id;
      markWeak(d, "service", true);
      dialogue.say(dialogue.phrases.soundsLike(only));
    } else if (fits.length > 1) d.serviceChoices = fits.slice(0, 3).map((s) => s.id);
    // "How much is whitening?" … "Can I book it for Saturday?": the service just asked about.
    else if (!u.service && dialogue.topicServiceId) d.serviceId = dialogue.topicServiceId;
    // "Hi, this is Jane Back, my number's 212…": who is calling and their number, said up front.
    const name = openingName(u);
    if (name && !d.name) {
      d.name = name;
      markWeak(d, "name", false);
    }
    if (u.phone && u.digits.length >= 10 && !d.phone) d.phone = u.phone;
  },

  async advance(dialogue: Dialogue) {
    const { business, draft: d, phrases: p } = dialogue;
    const bookable = business.services.filter((s) => s.bookable);
    if (!d.serviceId && bookable.length === 1) d.serviceId = bookable[0]?.id;
    const service = draftService(business, d);
    const choices = bookable.filter((s) => d.serviceChoices?.includes(s.id));
    if (!service && d.date && openingIntervalsOn(business, d.date).intervals.length === 0) {
      // "Can I come in on Saturday?" where Saturday is closed: said now, not after the service is known.
      dialogue.say(p.dayHours(business, dialogue.at(d.date), dialogue.now()));
      delete d.date;
      delete d.time;
    }
    if (!service) return dialogue.ask(choices.length > 1 ? p.whichService(choices) : p.whatToBook(bookable.slice(0, 5)), "service");
    if (!d.slot && !(await resolveSlot(dialogue, service, p.askDay()))) return;
    if (!d.name) return dialogue.ask(p.askName(), "name");
    if (!d.phone) return askPhone(dialogue);
    const slot = d.slot as Slot;
    const staff = staffName(business, slot.staffId);
    dialogue.ask(
      d.weak.length > 0
        ? p.confirmEach(service, staff, dialogue.at(slot.start), d.name, d.weak.includes("phone") ? d.phone : null, business.country)
        : p.confirmBooking(service, staff, dialogue.at(slot.start), d.name),
      "confirm",
    );
  },

  async confirmed(dialogue: Dialogue) {
    const { business, draft: d } = dialogue;
    const slot = d.slot as Slot;
    const rec = await dialogue.tool("book_appointment", {
      serviceId: d.serviceId,
      start: slot.start,
      staffId: slot.staffId,
      customerName: d.name,
      customerPhone: d.phone,
    });
    if (!rec.ok) return retakeLostSlot(dialogue, rec);
    dialogue.say(dialogue.phrases.booked(draftService(business, d), staffName(business, slot.staffId), dialogue.when(slot.start)));
    dialogue.finishTask();
  },

  declined: askWhatToChange,
};
