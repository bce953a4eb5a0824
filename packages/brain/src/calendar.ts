import { DateTime } from "luxon";
import { AppError, createId } from "@orbis/contracts";
import type { MessageDto } from "@orbis/contracts";
import { findService, validateSlot } from "./availability.ts";
import type { SlotRejection } from "./availability.ts";
import type { BusinessConfig } from "@orbis/contracts";
import type {
  Appointment,
  AppointmentFilter,
  AppointmentPatch,
  BusyInterval,
  CalendarProvider,
  WallClock as Clock,
  MessageSink,
  NewAppointment,
  NewMessage,
} from "@orbis/ports";
import { systemWallClock as systemClock } from "@orbis/ports";

const ms = (iso: string) => DateTime.fromISO(iso, { setZone: true }).toMillis();

/**
 * The calendar in memory: tests, benchmarks and the text channel's dry runs. Check and insert run
 * in one synchronous step (no await between them), so concurrent bookings of one slot cannot both
 * pass — the same guarantee the Postgres exclusion constraint gives.
 */
export class InMemoryCalendar implements CalendarProvider {
  private readonly items = new Map<string, Appointment>();
  constructor(private readonly clock: Clock = systemClock) {}

  async listBusy(range: { from: string; to: string }): Promise<BusyInterval[]> {
    const from = ms(range.from);
    const to = ms(range.to);
    const out: BusyInterval[] = [];
    for (const a of this.items.values()) {
      if (a.status !== "booked") continue;
      if (ms(a.start) < to && ms(a.busyEnd) > from) out.push({ start: a.start, end: a.busyEnd, staffId: a.staffId, appointmentId: a.id });
    }
    return out;
  }

  async listAppointments(filter: AppointmentFilter): Promise<Appointment[]> {
    const from = filter.from === undefined ? -Infinity : ms(filter.from);
    const to = filter.to === undefined ? Infinity : ms(filter.to);
    const phone = filter.customerPhone === undefined ? undefined : digitsOf(filter.customerPhone);
    return [...this.items.values()]
      .filter((a) => ms(a.start) >= from && ms(a.start) < to)
      .filter((a) => filter.status === undefined || a.status === filter.status)
      .filter((a) => phone === undefined || samePhone(digitsOf(a.customerPhone), phone))
      .sort((a, b) => ms(a.start) - ms(b.start))
      .map((a) => ({ ...a }));
  }

  async getAppointment(id: string): Promise<Appointment | null> {
    const a = this.items.get(id);
    return a ? { ...a } : null;
  }

  async createAppointment(input: NewAppointment): Promise<Appointment> {
    this.assertFree(input.staffId, input.start, input.busyEnd);
    const now = this.clock.now().toISOString();
    const a: Appointment = {
      id: createId("appointment"),
      agentId: input.agentId,
      callId: input.callId,
      serviceId: input.serviceId,
      staffId: input.staffId,
      start: input.start,
      end: input.end,
      busyEnd: input.busyEnd,
      status: "booked",
      customerName: input.customerName,
      customerPhone: input.customerPhone,
      customerEmail: input.customerEmail ?? "",
      notes: input.notes ?? "",
      source: input.source,
      createdAt: now,
      updatedAt: now,
    };
    this.items.set(a.id, a);
    return { ...a };
  }

  async updateAppointment(id: string, patch: AppointmentPatch): Promise<Appointment> {
    const current = this.items.get(id);
    if (!current) throw new AppError("not_found", "appointment not found");
    const next: Appointment = { ...current, ...patch, updatedAt: this.clock.now().toISOString() };
    if (next.status === "booked") this.assertFree(next.staffId, next.start, next.busyEnd, id);
    this.items.set(id, next);
    return { ...next };
  }

  async cancelAppointment(id: string, reason?: string): Promise<Appointment> {
    const current = this.items.get(id);
    if (!current) throw new AppError("not_found", "appointment not found");
    if (current.status === "cancelled") return { ...current };
    const notes = reason ? [current.notes, `Cancelled: ${reason}`].filter(Boolean).join("\n") : current.notes;
    const next: Appointment = { ...current, status: "cancelled", notes, updatedAt: this.clock.now().toISOString() };
    this.items.set(id, next);
    return { ...next };
  }

  private assertFree(staffId: string | null, start: string, busyEnd: string, ignoreId?: string): void {
    const a = ms(start);
    const b = ms(busyEnd);
    for (const x of this.items.values()) {
      if (x.id === ignoreId || x.status !== "booked" || x.staffId !== staffId) continue;
      if (ms(x.start) < b && ms(x.busyEnd) > a) throw new AppError("conflict", "that time is already booked", { appointmentId: x.id });
    }
  }
}

export class InMemoryMessageSink implements MessageSink {
  readonly messages: MessageDto[] = [];
  constructor(private readonly clock: Clock = systemClock) {}
  async saveMessage(m: NewMessage): Promise<MessageDto> {
    const dto: MessageDto = { id: `msg_${this.messages.length + 1}`, ...m, status: "new", createdAt: this.clock.now().toISOString() };
    this.messages.push(dto);
    return { ...dto };
  }
}

function digitsOf(phone: string): string {
  return phone.replace(/\D/g, "");
}
/** Numbers match when their last ten digits do (+1 555… vs 555…). */
function samePhone(a: string, b: string): boolean {
  return a.length >= 7 && b.length >= 7 && a.slice(-10) === b.slice(-10);
}

export const REJECTION_TEXT: Record<SlotRejection, string> = {
  unknown_service: "unknown service",
  unknown_staff: "unknown staff member",
  staff_cannot_do_service: "that staff member does not offer this service",
  not_bookable: "this service cannot be booked",
  in_past: "that time has passed",
  too_soon: "that is too soon to book",
  too_far_ahead: "that is too far ahead to book",
  closed: "the business is closed that day",
  holiday: "the business is closed for a holiday",
  outside_hours: "that is outside opening hours",
  conflict: "that time is already booked",
};

export interface BookingDeps {
  business: BusinessConfig;
  calendar: CalendarProvider;
  clock: Clock;
}

export interface BookInput {
  serviceId: string;
  staffId?: string | null;
  start: string;
  customerName: string;
  customerPhone: string;
  customerEmail?: string;
  notes?: string;
  agentId?: string | null;
  callId?: string | null;
  source?: Appointment["source"];
}

function rejection(reason: SlotRejection): AppError {
  return new AppError(reason === "conflict" ? "conflict" : "validation_failed", REJECTION_TEXT[reason], { reason });
}

async function busyAround(calendar: CalendarProvider, start: string) {
  const t = ms(start);
  const day = 24 * 3600_000;
  return calendar.listBusy({ from: new Date(t - day).toISOString(), to: new Date(t + day).toISOString() });
}

/**
 * Validate against the business rules, then let the calendar insert atomically. Throws AppError.
 * When no staff member was asked for and the chosen one is taken by a concurrent booking, the next
 * free one is tried, so two callers asking for 10:00 with two hygienists both get booked.
 */
export async function bookAppointment(deps: BookingDeps, input: BookInput): Promise<Appointment> {
  for (let attempt = 0; ; attempt++) {
    const busy = await busyAround(deps.calendar, input.start);
    const v = validateSlot({
      business: deps.business,
      serviceId: input.serviceId,
      staffId: input.staffId ?? null,
      start: input.start,
      existing: busy.map((b) => ({ start: b.start, end: b.end, staffId: b.staffId, ...(b.appointmentId ? { id: b.appointmentId } : {}) })),
      now: deps.clock.now(),
    });
    if (!v.ok) throw rejection(v.reason);
    try {
      return await deps.calendar.createAppointment({
        agentId: input.agentId ?? null,
        callId: input.callId ?? null,
        serviceId: input.serviceId,
        staffId: v.slot.staffId,
        start: v.slot.start,
        end: v.slot.end,
        busyEnd: v.slot.busyEnd,
        customerName: input.customerName,
        customerPhone: input.customerPhone,
        ...(input.customerEmail ? { customerEmail: input.customerEmail } : {}),
        ...(input.notes ? { notes: input.notes } : {}),
        source: input.source ?? "agent",
      });
    } catch (err) {
      const retry = err instanceof AppError && err.code === "conflict" && !input.staffId && attempt < deps.business.staff.length;
      if (!retry) throw err;
    }
  }
}

export async function rescheduleAppointment(deps: BookingDeps, input: { appointmentId: string; start: string; staffId?: string | null }): Promise<Appointment> {
  const current = await deps.calendar.getAppointment(input.appointmentId);
  if (!current || current.status !== "booked") throw new AppError("not_found", "appointment not found");
  if (!findService(deps.business, current.serviceId)) throw rejection("unknown_service");
  const busy = await busyAround(deps.calendar, input.start);
  const v = validateSlot({
    business: deps.business,
    serviceId: current.serviceId,
    staffId: input.staffId === undefined ? current.staffId : input.staffId,
    start: input.start,
    existing: busy.map((b) => ({ start: b.start, end: b.end, staffId: b.staffId, ...(b.appointmentId ? { id: b.appointmentId } : {}) })),
    now: deps.clock.now(),
    ignoreAppointmentId: current.id,
  });
  if (!v.ok) throw rejection(v.reason);
  return deps.calendar.updateAppointment(current.id, { start: v.slot.start, end: v.slot.end, busyEnd: v.slot.busyEnd, staffId: v.slot.staffId });
}
