import { DateTime } from "luxon";
import type { AppointmentDto } from "@orbis/contracts";
import type { AppointmentRow } from "@orbis/db";

/** An instant in a zone with its offset, seconds precision: "2026-03-09T10:00:00-04:00" (or "…Z"). */
export function isoInZone(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISO({ suppressMilliseconds: true }) ?? at.toISOString();
}

/** Only ids of real calls are stored as call ids; a chat conversation is not a call. */
export const callIdOrNull = (id: string | null | undefined): string | null => (id && id.startsWith("call_") ? id : null);

export function toAppointmentDto(row: AppointmentRow): AppointmentDto {
  const zone = row.timezone;
  return {
    id: row.id,
    agentId: row.agentId,
    callId: row.callId,
    serviceId: row.serviceId,
    staffId: row.staffId,
    start: isoInZone(row.startAt, zone),
    end: isoInZone(row.endAt, zone),
    busyEnd: isoInZone(row.busyEndAt, zone),
    status: row.status,
    customerName: row.customerName,
    customerPhone: row.customerPhone,
    customerEmail: row.customerEmail,
    notes: row.notes,
    source: row.source,
    createdAt: isoInZone(row.createdAt, zone),
    updatedAt: isoInZone(row.updatedAt, zone),
  };
}
