import { DateTime, IANAZone } from "luxon";
import type { BusinessConfig, OpeningInterval, Service, Weekday } from "@orbis/contracts";
import { WEEKDAYS } from "@orbis/contracts";

/** An appointment-like thing that blocks time; cancelled ones are ignored. */
export interface ExistingBooking {
  id?: string;
  start: string;
  end: string;
  /** end + buffer; falls back to end. */
  busyEnd?: string;
  staffId: string | null;
  status?: string;
}

export interface Slot {
  start: string;
  end: string;
  staffId: string | null;
}

export interface AvailabilityParams {
  business: BusinessConfig;
  serviceId: string;
  staffId?: string;
  from: string | Date;
  to: string | Date;
  existing: readonly ExistingBooking[];
  now: string | Date;
  slotStepMin?: number;
  /** Stop after this many slots (the brain needs a handful, the API a page). */
  limit?: number;
  /** One slot per free staff member at each start instead of the first free one. */
  perStaff?: boolean;
  /** Only starts whose local time of day (minutes after midnight) is in [from, to). */
  localWindow?: { fromMin: number; toMin: number };
}

export type SlotRejection =
  | "unknown_service"
  | "unknown_staff"
  | "staff_cannot_do_service"
  | "not_bookable"
  | "in_past"
  | "too_soon"
  | "too_far_ahead"
  | "closed"
  | "holiday"
  | "outside_hours"
  | "conflict";

export type SlotValidation = { ok: true; slot: Slot & { busyEnd: string } } | { ok: false; reason: SlotRejection };

const MIN = 60_000;

export function findService(business: BusinessConfig, serviceId: string): Service | undefined {
  return business.services.find((s) => s.id === serviceId);
}

/** Staff who can do the service: listed on the service or listing it. Empty = the business itself. */
export function staffForService(business: BusinessConfig, service: Service): string[] {
  const ids = new Set(service.staffIds);
  for (const st of business.staff) if (st.serviceIds.includes(service.id)) ids.add(st.id);
  return business.staff.filter((s) => ids.has(s.id)).map((s) => s.id);
}

/** The opening intervals of one business-local date, holidays applied. */
export function openingIntervalsOn(business: BusinessConfig, isoDate: string): { intervals: OpeningInterval[]; closure: boolean } {
  const closure = business.closures.find((c) => c.date === isoDate);
  if (closure) return { intervals: closure.hours, closure: true };
  const [y = 0, m = 1, d = 1] = isoDate.split("-").map(Number);
  const weekday = WEEKDAYS[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7] as Weekday;
  return { intervals: business.hours[weekday], closure: false };
}

/**
 * Offsets of a zone, memoised per 15-minute bucket (every real DST rule switches on a quarter
 * hour). Intl-based lookups cost ~10 µs each; a 30-day query needs thousands.
 */
const offsetCache = new Map<string, Map<number, number>>();
function offsetMin(zone: string, ms: number): number {
  let cache = offsetCache.get(zone);
  if (!cache) offsetCache.set(zone, (cache = new Map()));
  const bucket = Math.floor(ms / (15 * MIN));
  let off = cache.get(bucket);
  if (off === undefined) {
    if (cache.size > 100_000) cache.clear();
    off = IANAZone.create(zone).offset(bucket * 15 * MIN);
    cache.set(bucket, off);
  }
  return off;
}

/** Wall-clock "HH:MM" on a business-local date → epoch ms (24:00 = next midnight; a time in a DST gap moves forward). */
function wallToMs(isoDate: string, hhmm: string, zone: string): number {
  const [y = 0, mo = 1, d = 1] = isoDate.split("-").map(Number);
  const [h = 0, mi = 0] = hhmm.split(":").map(Number);
  const local = Date.UTC(y, mo - 1, d, h, mi);
  const o1 = offsetMin(zone, local);
  let t = local - o1 * MIN;
  const o2 = offsetMin(zone, t);
  if (o2 !== o1) {
    t = local - o2 * MIN;
    if (offsetMin(zone, t) !== o2) t = local - Math.min(o1, o2) * MIN;
  }
  return t;
}

function localDate(ms: number, zone: string): string {
  return new Date(ms + offsetMin(zone, ms) * MIN).toISOString().slice(0, 10);
}

/** Instants carry their offset, so Date.parse reads them exactly (and ~20× faster than luxon). */
function toMs(v: string | Date): number {
  if (typeof v !== "string") return v.getTime();
  const ms = /(Z|[+-]\d\d:\d\d)$/.test(v) ? Date.parse(v) : NaN;
  return Number.isNaN(ms) ? DateTime.fromISO(v, { setZone: true }).toMillis() : ms;
}

/** Busy intervals of one resource, sorted by start, with a running max of ends for O(log n) overlap tests. */
class BusyIndex {
  private readonly starts: number[];
  private readonly maxEnds: number[];
  constructor(intervals: Array<[number, number]>) {
    intervals.sort((a, b) => a[0] - b[0]);
    this.starts = intervals.map((i) => i[0]);
    this.maxEnds = [];
    let max = -Infinity;
    for (const i of intervals) {
      max = Math.max(max, i[1]);
      this.maxEnds.push(max);
    }
  }
  /** Does [a, b) overlap any interval? Among intervals starting before b, one must end after a. */
  overlaps(a: number, b: number): boolean {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.starts[mid] as number) < b) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && (this.maxEnds[lo - 1] as number) > a;
  }
}

function indexBusy(existing: readonly ExistingBooking[], ignoreId?: string): Map<string, BusyIndex> {
  const byResource = new Map<string, Array<[number, number]>>();
  for (const e of existing) {
    if (e.status !== undefined && e.status !== "booked") continue;
    if (ignoreId !== undefined && e.id === ignoreId) continue;
    const key = e.staffId ?? "";
    let list = byResource.get(key);
    if (!list) byResource.set(key, (list = []));
    list.push([toMs(e.start), toMs(e.busyEnd ?? e.end)]);
  }
  const out = new Map<string, BusyIndex>();
  for (const [k, v] of byResource) out.set(k, new BusyIndex(v));
  return out;
}

function resolveCandidates(business: BusinessConfig, service: Service, staffId: string | undefined): Array<string | null> | SlotRejection {
  const capable = staffForService(business, service);
  if (staffId !== undefined) {
    if (!business.staff.some((s) => s.id === staffId)) return "unknown_staff";
    if (capable.length > 0 && !capable.includes(staffId)) return "staff_cannot_do_service";
    if (capable.length === 0) return "staff_cannot_do_service";
    return [staffId];
  }
  return capable.length > 0 ? capable : [null];
}

/**
 * Free start times for a service between `from` and `to`, in the business time zone. Starts sit on
 * a grid of `slotStepMin` counted from each opening time; they are stepped in absolute time, so on
 * DST change days a slot lasts its real duration and no wall-clock time is skipped or doubled
 * wrongly (spring forward has one hour fewer, fall back one more).
 */
export function computeAvailability(p: AvailabilityParams): Slot[] {
  const { business } = p;
  const service = findService(business, p.serviceId);
  if (!service || !service.bookable) return [];
  const candidates = resolveCandidates(business, service, p.staffId);
  if (typeof candidates === "string") return [];
  const zone = business.timezone;
  const step = (p.slotStepMin ?? business.booking.slotStepMin) * MIN;
  const duration = service.durationMin * MIN;
  const blockLen = (service.durationMin + service.bufferMin) * MIN;
  const nowMs = toMs(p.now);
  const earliest = Math.max(toMs(p.from), nowMs + business.booking.minNoticeMin * MIN);
  const latest = Math.min(toMs(p.to), nowMs + business.booking.maxDaysAhead * 24 * 60 * MIN);
  if (earliest >= latest) return [];
  const busy = indexBusy(p.existing);
  const limit = p.limit ?? Infinity;
  const win = p.localWindow;
  const out: Slot[] = [];
  const firstDay = localDate(earliest, zone);
  const lastDay = localDate(latest, zone);
  for (let i = 0; ; i++) {
    const [y = 0, m = 1, d = 1] = firstDay.split("-").map(Number);
    const isoDate = new Date(Date.UTC(y, m - 1, d + i)).toISOString().slice(0, 10);
    if (isoDate > lastDay) break;
    for (const interval of openingIntervalsOn(business, isoDate).intervals) {
      const open = wallToMs(isoDate, interval.open, zone);
      const close = wallToMs(isoDate, interval.close, zone);
      let t = open;
      if (t < earliest) t = open + Math.ceil((earliest - open) / step) * step;
      for (; t + duration <= close && t < latest; t += step) {
        if (win) {
          const minuteOfDay = (((Math.floor(t / MIN) + offsetMin(zone, t)) % 1440) + 1440) % 1440;
          if (minuteOfDay < win.fromMin || minuteOfDay >= win.toMin) continue;
        }
        for (const staffId of candidates) {
          if (busy.get(staffId ?? "")?.overlaps(t, t + blockLen)) continue;
          out.push({ start: isoIn(t, zone), end: isoIn(t + duration, zone), staffId });
          if (out.length >= limit) return out;
          if (!p.perStaff) break;
        }
      }
    }
  }
  return out;
}

/** ISO 8601 with the zone's offset at that instant, e.g. "2026-03-09T10:00:00-04:00" (luxon's toISO is ~10× slower). */
function isoIn(ms: number, zone: string): string {
  const offset = offsetMin(zone, ms);
  const wall = new Date(ms + offset * MIN).toISOString().slice(0, 19);
  if (offset === 0) return `${wall}Z`;
  const abs = Math.abs(offset);
  return `${wall}${offset < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

export interface ValidateSlotParams {
  business: BusinessConfig;
  serviceId: string;
  staffId?: string | null;
  start: string;
  existing: readonly ExistingBooking[];
  now: string | Date;
  /** The appointment being moved does not conflict with itself. */
  ignoreAppointmentId?: string;
}

/** Can this exact start be booked? Off-grid starts are fine (the dashboard may book 10:10). */
export function validateSlot(p: ValidateSlotParams): SlotValidation {
  const { business } = p;
  const service = findService(business, p.serviceId);
  if (!service) return { ok: false, reason: "unknown_service" };
  if (!service.bookable) return { ok: false, reason: "not_bookable" };
  const candidates = resolveCandidates(business, service, p.staffId ?? undefined);
  if (typeof candidates === "string") return { ok: false, reason: candidates };
  const zone = business.timezone;
  const start = toMs(p.start);
  const end = start + service.durationMin * MIN;
  const busyEnd = end + service.bufferMin * MIN;
  const nowMs = toMs(p.now);
  if (start < nowMs) return { ok: false, reason: "in_past" };
  if (start < nowMs + business.booking.minNoticeMin * MIN) return { ok: false, reason: "too_soon" };
  if (start > nowMs + business.booking.maxDaysAhead * 24 * 60 * MIN) return { ok: false, reason: "too_far_ahead" };
  const isoDate = localDate(start, zone);
  const { intervals, closure } = openingIntervalsOn(business, isoDate);
  if (intervals.length === 0) return { ok: false, reason: closure ? "holiday" : "closed" };
  const inside = intervals.some((i) => start >= wallToMs(isoDate, i.open, zone) && end <= wallToMs(isoDate, i.close, zone));
  if (!inside) return { ok: false, reason: "outside_hours" };
  const busy = indexBusy(p.existing, p.ignoreAppointmentId);
  const staffId = candidates.find((s) => !busy.get(s ?? "")?.overlaps(start, busyEnd));
  if (staffId === undefined) return { ok: false, reason: "conflict" };
  return { ok: true, slot: { start: isoIn(start, zone), end: isoIn(end, zone), busyEnd: isoIn(busyEnd, zone), staffId } };
}
