import type { AppointmentDto, AppointmentStatus } from "@orbis/contracts";

export type Appointment = AppointmentDto;

/** A time during which one resource (a staff member, or the business when staffId is null) is taken. */
export interface BusyInterval {
  start: string;
  /** Exclusive; includes the booked service's buffer. */
  end: string;
  staffId: string | null;
  appointmentId?: string;
}

export interface NewAppointment {
  agentId: string | null;
  callId: string | null;
  serviceId: string;
  staffId: string | null;
  start: string;
  end: string;
  busyEnd: string;
  customerName: string;
  customerPhone: string;
  customerEmail?: string;
  notes?: string;
  source: Appointment["source"];
}

export interface AppointmentPatch {
  start?: string;
  end?: string;
  busyEnd?: string;
  staffId?: string | null;
  serviceId?: string;
  customerName?: string;
  customerPhone?: string;
  notes?: string;
  status?: Extract<AppointmentStatus, "completed" | "no_show">;
}

export interface AppointmentFilter {
  from?: string;
  to?: string;
  customerPhone?: string;
  status?: AppointmentStatus;
}

/**
 * Where one business's appointments live (built-in calendar in Postgres, later Google/Outlook).
 * One instance is scoped to one workspace (and its business); ids from another workspace are not found.
 *
 * Contract the implementations keep (the shared conformance suite `calendarConformance` checks it):
 * - `createAppointment` / `updateAppointment` throw `AppError("conflict")` when the new
 *   `[start, busyEnd)` overlaps a booked appointment of the same resource (same staffId; null is
 *   its own resource) — atomically, so concurrent requests for one slot yield exactly one booking.
 *   Postgres: `EXCLUDE USING gist (workspace_id WITH =, coalesce(staff_id,'') WITH =,
 *   tstzrange(start_at, busy_end_at) WITH &&) WHERE (status = 'booked')`.
 * - Unknown ids throw `AppError("not_found")`; cancelling a cancelled appointment is a no-op.
 * Business rules (hours, holidays, staff skills) are checked before, by `validateSlot`.
 */
export interface CalendarProvider {
  listBusy(range: { from: string; to: string }): Promise<BusyInterval[]>;
  listAppointments(filter: AppointmentFilter): Promise<Appointment[]>;
  getAppointment(id: string): Promise<Appointment | null>;
  createAppointment(input: NewAppointment): Promise<Appointment>;
  updateAppointment(id: string, patch: AppointmentPatch): Promise<Appointment>;
  cancelAppointment(id: string, reason?: string): Promise<Appointment>;
}
