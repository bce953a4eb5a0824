import { DateTime } from "luxon";
import type { Service } from "@orbis/contracts";
import type { ToolCallRecord } from "@orbis/voice";
import { findService, openingIntervalsOn } from "../../availability.ts";
import type { Slot } from "../../availability.ts";
import type { Dialogue, SlotQuery } from "../dialogue.ts";
import { draftService } from "../draft.ts";
import type { Understanding } from "../nlu.ts";
import type { DayRequest } from "../phrases.ts";

/**
 * Turn the draft's day/time wishes into one chosen slot, or offer choices. True when a slot is chosen;
 * otherwise `question` (when there are no wishes yet) or an offer has been asked.
 */
export async function resolveSlot(dialogue: Dialogue, service: Service, question: string): Promise<boolean> {
  const { draft: d, phrases: p } = dialogue;
  if (!d.date && !d.time && !d.partOfDay && !d.firstAvailable) {
    dialogue.ask(question, "date");
    return false;
  }
  const base = {
    serviceId: service.id,
    ...(d.staffId ? { staffId: d.staffId } : {}),
    ...(d.partOfDay ? { partOfDay: d.partOfDay } : {}),
    ...(d.appointment ? { excludeAppointmentId: d.appointment.id } : {}),
  };
  const today = dialogue.now().toISODate() as string;
  if (!d.date) {
    const slots = await dialogue.freeSlots({ ...base, date: today, days: 14, limit: 1, ...(d.time ? { localTime: d.time } : {}) });
    const match = slots[0];
    if (!match) {
      dialogue.ask(p.nothingLikeThat(), "date");
      return false;
    }
    d.offered = [match];
    dialogue.ask(p.firstOpening(dialogue.when(match.start)), "slot_choice");
    return false;
  }
  const day = dialogue.at(d.date);
  const slots = await dialogue.freeSlots({ ...base, date: d.date, limit: 200 });
  if (d.time) {
    const exact = slots.find((s) => dialogue.at(s.start).toFormat("HH:mm") === d.time);
    if (exact) {
      d.slot = exact;
      return true;
    }
    const asked = dialogue.at(`${d.date}T${d.time}`);
    const wanted = asked.toMillis();
    const near = [...slots]
      .sort((a, b) => Math.abs(dialogue.at(a.start).toMillis() - wanted) - Math.abs(dialogue.at(b.start).toMillis() - wanted))
      .slice(0, 2)
      .sort((a, b) => a.start.localeCompare(b.start));
    if (near.length > 0) {
      d.offered = near;
      dialogue.ask(
        p.timeUnavailable(
          asked,
          dialogue.now(),
          near.map((s) => dialogue.at(s.start)),
        ),
        "slot_choice",
      );
      return false;
    }
    delete d.time;
    sayDayUnavailable(dialogue, d.date, { time: asked });
    return offerNextDays(dialogue, base, d.date);
  }
  if (slots.length > 0) {
    const picks = spread(slots, 3);
    d.offered = picks;
    dialogue.ask(
      p.timesOnDay(
        day,
        dialogue.now(),
        picks.map((s) => dialogue.at(s.start)),
      ),
      "slot_choice",
    );
    return false;
  }
  sayDayUnavailable(dialogue, d.date, d.partOfDay ? { partOfDay: d.partOfDay } : {});
  return offerNextDays(dialogue, base, d.date);
}

/** Nothing free on that day: the business is closed then, or fully booked. */
function sayDayUnavailable(dialogue: Dialogue, date: string, wanted: DayRequest): void {
  const { intervals } = openingIntervalsOn(dialogue.business, date);
  const day = dialogue.at(date);
  if (intervals.length === 0) dialogue.say(dialogue.phrases.dayHours(dialogue.business, day, dialogue.now()));
  else dialogue.say(dialogue.phrases.fullyBooked(day, dialogue.now(), wanted));
}

/** Offer the first free slot after the day asked for. Always false: nothing is chosen yet. */
async function offerNextDays(dialogue: Dialogue, base: SlotQuery, after: string): Promise<boolean> {
  const { draft: d, phrases: p } = dialogue;
  const next = dialogue.at(after).plus({ days: 1 }).toISODate() as string;
  const slots = await dialogue.freeSlots({ ...base, date: next, days: 14, limit: 1 });
  const first = slots[0];
  if (!first) {
    dialogue.ask(p.noOpenings(), "date");
    return false;
  }
  d.offered = [first];
  delete d.date;
  dialogue.ask(p.nextOpening(dialogue.when(first.start)), "slot_choice");
  return false;
}

/** The offered slot the caller picked: "the second one", "2 PM", or "yes" to a single offer. */
export function chooseOffered(dialogue: Dialogue, u: Understanding): Slot | null {
  const offered = dialogue.draft.offered;
  if (offered.length === 0) return null;
  if (u.ordinal !== null) return offered.at(u.ordinal) ?? null;
  const t = u.when.time;
  if (t && (!u.when.date || offered.some((s) => dialogue.at(s.start).toISODate() === u.when.date))) {
    const hit = offered.find((s) => dialogue.at(s.start).toFormat("HH:mm") === t);
    if (hit) return hit;
    // "ten" meant 10 AM even where the PM guess was made; match on the 12-hour clock too.
    const h12 = offered.find((s) => dialogue.at(s.start).toFormat("h:mm") === DateTime.fromFormat(t, "HH:mm").toFormat("h:mm"));
    if (h12) return h12;
  }
  if (offered.length === 1 && u.intents.has("yes") && !u.when.date && !u.when.time) return offered[0] ?? null;
  // "As soon as possible", "whatever's earliest": the first of those offered.
  if (u.intents.has("first_available") && !u.when.time) return offered[0] ?? null;
  return null;
}

/**
 * Booking or moving to the chosen slot failed. Taken in the meantime (or now too soon, or passed):
 * say so and offer other times on that day. Any other failure hands off.
 */
export async function retakeLostSlot(dialogue: Dialogue, rec: ToolCallRecord): Promise<void> {
  if (!(rec.error?.startsWith("conflict") || rec.error?.includes("too soon") || rec.error?.includes("passed"))) return dialogue.failTask();
  const { draft: d, phrases: p, business } = dialogue;
  dialogue.say(p.slotTaken());
  const service = draftService(business, d) ?? findService(business, d.appointment?.serviceId ?? "");
  if (d.slot) {
    d.date = dialogue.at(d.slot.start).toISODate() as string;
    delete d.time;
  }
  delete d.slot;
  if (service && (await resolveSlot(dialogue, service, p.askOtherDay()))) return dialogue.advance();
}

/** The caller said no to the appointment read back to them. */
export function askWhatToChange(dialogue: Dialogue): void {
  dialogue.ask(dialogue.phrases.whatToChange(), "correction");
}

/** Up to n slots spread over the day: first, middle, last. */
function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.round((i * (items.length - 1)) / (n - 1))] as T);
  return out;
}
