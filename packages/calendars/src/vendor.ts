/** The two calendar providers a workspace can connect (docs/calendars.md). */
export const CALENDAR_PROVIDERS = ["google", "microsoft"] as const;
export type CalendarProviderId = (typeof CALENDAR_PROVIDERS)[number];

export interface OAuthTokens {
  accessToken: string;
  /** Absent when the provider kept the one it gave before (a refresh that does not rotate it). */
  refreshToken?: string | undefined;
  expiresAt: Date | null;
}

export interface ExternalCalendar {
  id: string;
  name: string;
  primary: boolean;
}

export interface BusyTime {
  start: Date;
  end: Date;
}

/** An appointment as it is written into their calendar. */
export interface ExternalEvent {
  /** Stable per (appointment, connection): what makes a repeated create land on one event. */
  key: string;
  summary: string;
  description: string;
  start: Date;
  end: Date;
  timezone: string;
}

/** The provider refused the token (revoked, expired refresh token): the connection must be connected again. */
export class CalendarAuthError extends Error {
  override name = "CalendarAuthError";
}

/** A provider call that failed; `retryable` when trying again later may work (5xx, 429, network). */
export class CalendarApiError extends Error {
  override name = "CalendarApiError";
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** What OrbisVoice does with one provider, through its official client. */
export interface CalendarVendor {
  readonly id: CalendarProviderId;
  authorizationUrl(p: { state: string; codeChallenge: string; redirectUri: string }): Promise<string>;
  exchangeCode(p: { code: string; codeVerifier: string; redirectUri: string }): Promise<OAuthTokens>;
  refresh(refreshToken: string): Promise<OAuthTokens>;
  /** Revokes the grant at the provider; false when the provider has no revocation endpoint. */
  revoke(refreshToken: string): Promise<boolean>;
  accountEmail(accessToken: string): Promise<string>;
  listCalendars(accessToken: string): Promise<ExternalCalendar[]>;
  busy(
    accessToken: string,
    p: { calendarIds: string[]; from: Date; to: Date; accountEmail: string; defaultCalendarId: string | undefined },
  ): Promise<BusyTime[]>;
  /** Creates the event, or updates it when `eventId` is set (and creates it again if it was deleted there); returns its id. */
  writeEvent(accessToken: string, p: { calendarId: string; eventId: string | null; event: ExternalEvent }): Promise<string>;
  /** Deletes the event; one already gone is fine. */
  deleteEvent(accessToken: string, p: { calendarId: string; eventId: string }): Promise<void>;
}

/** Classifies an HTTP status from a provider. */
export function apiError(what: string, status: number | undefined, detail?: string): Error {
  if (status === 401) return new CalendarAuthError(`${what}: the provider refused the access token`);
  const retryable = status === undefined || status === 429 || status >= 500;
  return new CalendarApiError(`${what} failed${status ? ` (HTTP ${status})` : ""}${detail ? `: ${detail}` : ""}`, status, retryable);
}
