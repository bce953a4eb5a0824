import type { AppointmentRow, CalendarConnectionRow, CalendarEventLinkRow, TenantScope } from "@orbis/db";
import type { CalendarConnections } from "./connections.ts";

/** Whether this connection's booking calendar should hold the appointment. */
export function connectionWantsAppointment(
  connection: Pick<CalendarConnectionRow, "bookingCalendarId" | "staffId" | "status">,
  appointment: Pick<AppointmentRow, "status" | "staffId">,
): boolean {
  return (
    connection.status === "active" &&
    connection.bookingCalendarId !== null &&
    appointment.status === "booked" &&
    (connection.staffId === null || connection.staffId === appointment.staffId)
  );
}

function eventOf(appointment: AppointmentRow, connectionId: string) {
  const lines = [
    `Service: ${appointment.serviceId}`,
    appointment.customerPhone ? `Phone: ${appointment.customerPhone}` : "",
    appointment.customerEmail ? `Email: ${appointment.customerEmail}` : "",
    appointment.notes ? `Notes: ${appointment.notes}` : "",
    `Booked through OrbisVoice (${appointment.id})`,
  ];
  return {
    key: `${appointment.id}:${connectionId}`,
    summary: `${appointment.customerName || "Appointment"} — ${appointment.serviceId}`,
    description: lines.filter(Boolean).join("\n"),
    start: appointment.startAt,
    end: appointment.endAt,
    timezone: appointment.timezone,
  };
}

/**
 * Brings one appointment's event in one connection's calendar in line with the appointment as it is
 * now (not as the event that caused the job said): booked → created or updated; cancelled, moved to
 * another staff member, or the calendar no longer chosen → deleted. Running it twice changes nothing.
 */
export async function syncEventLink(
  calendars: CalendarConnections,
  tenant: TenantScope,
  link: CalendarEventLinkRow,
  appointment: AppointmentRow | undefined,
  connection: CalendarConnectionRow,
): Promise<"synced" | "removed"> {
  const wanted = appointment !== undefined && connectionWantsAppointment(connection, appointment);
  let eventId = link.externalEventId;
  if (eventId && link.calendarId && (!wanted || link.calendarId !== connection.bookingCalendarId)) {
    const calendarId = link.calendarId;
    const id = eventId;
    await calendars.withAccess(tenant, connection, (token, vendor) => vendor.deleteEvent(token, { calendarId, eventId: id }));
    eventId = null;
  }
  if (!wanted) {
    await tenant.calendarConnections.updateLink(link.id, { status: "removed", externalEventId: null, lastError: null, claimedUntil: null });
    return "removed";
  }
  const calendarId = connection.bookingCalendarId!;
  const written = await calendars.withAccess(tenant, connection, (token, vendor) =>
    vendor.writeEvent(token, { calendarId, eventId, event: eventOf(appointment, connection.id) }),
  );
  await tenant.calendarConnections.updateLink(link.id, { status: "synced", calendarId, externalEventId: written, lastError: null, claimedUntil: null });
  return "synced";
}
