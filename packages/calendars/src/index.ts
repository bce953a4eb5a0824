export { CALENDAR_PROVIDERS, CalendarApiError, CalendarAuthError, type CalendarProviderId, type ExternalCalendar } from "./vendor.ts";
export { createCalendarConnections, providerName, type CalendarConnections, type CalendarsConfig, type ExternalBusyTime } from "./connections.ts";
export { createOAuthState, createPkcePair } from "./pkce.ts";
export { connectionWantsAppointment, syncEventLink } from "./sync.ts";
