import { DateTime } from "luxon";
import type { BusinessConfig, Service } from "@orbis/contracts";
import { findService, staffForService } from "../availability.ts";
import type { Slot } from "../availability.ts";
import type { PartOfDay } from "../tools/builtins.ts";
import type { Understanding } from "./nlu.ts";

/** An appointment of the caller's, as `find_appointments` returns it. */
export interface FoundAppointment {
  id: string;
  serviceId: string;
  staffId: string | null;
  start: string;
  customerName: string;
}

/** What the current task has gathered so far. */
export interface Draft {
  serviceId?: string;
  staffId?: string;
  /** Business-local ISO date and "HH:mm" time the caller asked for. */
  date?: string;
  time?: string;
  partOfDay?: Exclude<PartOfDay, "any">;
  firstAvailable?: boolean;
  /** The chosen free slot. */
  slot?: Slot;
  /** The slots just offered, for "the second one". */
  offered: Slot[];
  name?: string;
  phone?: string;
  /** The caller's own number was offered as the callback number. */
  callerOffered?: boolean;
  callerLookupTried?: boolean;
  lookupFailures: number;
  appointment?: FoundAppointment;
  message?: string;
  urgency?: "low" | "normal" | "high";
  /** Digits of a number given in pieces ("two one two… five five five…"), until it is complete. */
  phoneDigits?: string;
  /** The services a described problem fitted equally, offered as a choice. */
  serviceChoices?: string[];
  /** What was taken on weak evidence (inferred, pieced together, spelled): read back one by one. */
  weak: WeakSlot[];
}

type WeakSlot = "service" | "name" | "phone";

/** A new task's draft: the caller's name and number carry over, nothing else. */
export function freshDraft(previous?: Draft): Draft {
  return {
    offered: [],
    lookupFailures: 0,
    weak: (previous?.weak ?? []).filter((w) => w !== "service"),
    ...(previous?.name ? { name: previous.name } : {}),
    ...(previous?.phone ? { phone: previous.phone } : {}),
  };
}

/** Note that a slot was taken on weak evidence, or (weak = false) on firm evidence. */
export function markWeak(d: Draft, slot: WeakSlot, weak: boolean): void {
  d.weak = d.weak.filter((w) => w !== slot);
  if (weak) d.weak.push(slot);
}

export function draftService(business: BusinessConfig, d: Draft): Service | undefined {
  return d.serviceId ? findService(business, d.serviceId) : undefined;
}

/** Take the staff member named, if they do the service. True when it changed the draft. */
export function applyStaff(business: BusinessConfig, d: Draft, u: Understanding): boolean {
  if (!u.staff) return false;
  const service = draftService(business, d);
  if (service && !staffForService(business, service).includes(u.staff.id)) return false;
  d.staffId = u.staff.id;
  return true;
}

/** Copy date/time words into the draft; a new day keeps the time asked for unless a new one is said. */
export function applyWhen(business: BusinessConfig, d: Draft, u: Understanding): boolean {
  const w = u.when;
  if (!w.date && !w.time && !w.partOfDay && !u.intents.has("first_available")) return false;
  if (w.date) d.date = w.date;
  if (w.time) {
    d.time = w.time;
    delete d.partOfDay;
  } else if (w.partOfDay) {
    d.partOfDay = w.partOfDay;
    delete d.time;
  } else if (w.date && d.slot && !d.time) {
    d.time = DateTime.fromISO(d.slot.start, { zone: business.timezone }).toFormat("HH:mm");
  }
  d.firstAvailable = u.intents.has("first_available") && !w.date;
  delete d.slot;
  d.offered = [];
  return true;
}

/** The service, staff member and day or time a booking request names. */
export function applyBookingRequest(business: BusinessConfig, d: Draft, u: Understanding): void {
  if (u.service) d.serviceId = u.service.id;
  applyStaff(business, d, u);
  applyWhen(business, d, u);
}
