import { createHash } from "node:crypto";
import type * as GoogleCalendarApi from "googleapis/build/src/apis/calendar/index.js";
import { apiError, CalendarAuthError, type BusyTime, type CalendarVendor, type ExternalCalendar, type ExternalEvent, type OAuthTokens } from "./vendor.ts";

export interface GoogleCalendarConfig {
  clientId: string;
  clientSecret: string;
  authUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  /** The Google APIs root (`https://www.googleapis.com/`), an emulator in tests. */
  apiUrl: string;
}

/** Read free/busy and write events; nothing else of the account. */
const GOOGLE_SCOPES = ["https://www.googleapis.com/auth/calendar.readonly", "https://www.googleapis.com/auth/calendar.events"];

// googleapis as a whole takes ~0.8 s to load; the Calendar API alone ~0.2 s, and only once a Google calendar is used.
type GoogleModule = typeof GoogleCalendarApi;
let loaded: Promise<GoogleModule> | undefined;
const googleModule = () => (loaded ??= import("googleapis/build/src/apis/calendar/index.js"));

const statusOf = (err: unknown): number | undefined => {
  const e = err as { status?: unknown; response?: { status?: unknown }; code?: unknown };
  const s = e?.response?.status ?? e?.status ?? (typeof e?.code === "number" ? e.code : undefined);
  return typeof s === "number" ? s : undefined;
};
const detailOf = (err: unknown) => (err instanceof Error ? err.message.slice(0, 200) : undefined);

/** Google's event ids are base32hex (a–v, 0–9), 5–1024 characters: hex of a hash is one. */
const googleEventId = (key: string) => createHash("sha256").update(key).digest("hex").slice(0, 40);

export function googleCalendarVendor(config: GoogleCalendarConfig): CalendarVendor {
  async function oauthClient(redirectUri?: string) {
    const { auth } = await googleModule();
    return new auth.OAuth2({
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      ...(redirectUri ? { redirectUri } : {}),
      endpoints: { oauth2AuthBaseUrl: config.authUrl, oauth2TokenUrl: config.tokenUrl, oauth2RevokeUrl: config.revokeUrl },
    });
  }
  async function api(accessToken: string) {
    const { calendar } = await googleModule();
    const client = await oauthClient();
    client.setCredentials({ access_token: accessToken });
    return calendar({ version: "v3", auth: client, rootUrl: config.apiUrl, retry: false });
  }
  const tokensOf = (t: { access_token?: string | null; refresh_token?: string | null; expiry_date?: number | null }): OAuthTokens => {
    if (!t.access_token) throw new CalendarAuthError("Google answered without an access token");
    return { accessToken: t.access_token, refreshToken: t.refresh_token ?? undefined, expiresAt: t.expiry_date ? new Date(t.expiry_date) : null };
  };
  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw apiError(`Google ${what}`, statusOf(err), detailOf(err));
    }
  }
  const body = (e: ExternalEvent) => ({
    summary: e.summary,
    description: e.description,
    start: { dateTime: e.start.toISOString(), timeZone: e.timezone },
    end: { dateTime: e.end.toISOString(), timeZone: e.timezone },
    // Our own bookings must not come back as busy time through free/busy (staff members share the business calendar).
    transparency: "transparent",
    extendedProperties: { private: { orbisKey: e.key } },
  });

  return {
    id: "google",
    async authorizationUrl({ state, codeChallenge, redirectUri }) {
      const client = await oauthClient(redirectUri);
      return client.generateAuthUrl({
        access_type: "offline",
        prompt: "consent",
        scope: GOOGLE_SCOPES,
        state,
        code_challenge: codeChallenge,
        code_challenge_method: "S256" as never,
      });
    },
    async exchangeCode({ code, codeVerifier, redirectUri }) {
      const client = await oauthClient(redirectUri);
      const { tokens } = await call("token exchange", () => client.getToken({ code, codeVerifier, redirect_uri: redirectUri }));
      return tokensOf(tokens);
    },
    async refresh(refreshToken) {
      const client = await oauthClient();
      client.setCredentials({ refresh_token: refreshToken });
      try {
        const { credentials } = await client.refreshAccessToken();
        return tokensOf(credentials);
      } catch (err) {
        const status = statusOf(err);
        if (status === 400 || status === 401)
          throw new CalendarAuthError(`Google refused the refresh token (${detailOf(err) ?? status}): connect the calendar again`);
        throw apiError("Google token refresh", status, detailOf(err));
      }
    },
    async revoke(refreshToken) {
      const client = await oauthClient();
      await call("revocation", () => client.revokeToken(refreshToken));
      return true;
    },
    async accountEmail(accessToken) {
      const cal = await api(accessToken);
      const { data } = await call("primary calendar", () => cal.calendars.get({ calendarId: "primary" }));
      return data.id ?? "";
    },
    async listCalendars(accessToken): Promise<ExternalCalendar[]> {
      const cal = await api(accessToken);
      const { data } = await call("calendar list", () => cal.calendarList.list({ minAccessRole: "reader", maxResults: 250 }));
      return (data.items ?? []).filter((c) => c.id).map((c) => ({ id: c.id!, name: c.summaryOverride ?? c.summary ?? c.id!, primary: c.primary === true }));
    },
    async busy(accessToken, { calendarIds, from, to }): Promise<BusyTime[]> {
      if (calendarIds.length === 0) return [];
      const cal = await api(accessToken);
      const { data } = await call("free/busy", () =>
        cal.freebusy.query({ requestBody: { timeMin: from.toISOString(), timeMax: to.toISOString(), items: calendarIds.map((id) => ({ id })) } }),
      );
      const out: BusyTime[] = [];
      for (const entry of Object.values(data.calendars ?? {})) {
        if (entry.errors?.length) throw apiError("Google free/busy", undefined, entry.errors.map((e) => e.reason).join(", "));
        for (const b of entry.busy ?? []) if (b.start && b.end) out.push({ start: new Date(b.start), end: new Date(b.end) });
      }
      return out;
    },
    async writeEvent(accessToken, { calendarId, eventId, event }) {
      const cal = await api(accessToken);
      if (eventId) {
        try {
          const { data } = await cal.events.patch({ calendarId, eventId, requestBody: body(event) });
          return data.id ?? eventId;
        } catch (err) {
          const status = statusOf(err);
          if (status !== 404 && status !== 410) throw apiError("Google event update", status, detailOf(err));
          // Deleted there: written again under the same id below is refused (410), so under a new one.
          event = { ...event, key: `${event.key}:${Date.now()}` };
        }
      }
      const id = googleEventId(event.key);
      try {
        const { data } = await cal.events.insert({ calendarId, requestBody: { ...body(event), id } });
        return data.id ?? id;
      } catch (err) {
        // 409: a previous run created it before it could record the id: update that one.
        if (statusOf(err) !== 409) throw apiError("Google event create", statusOf(err), detailOf(err));
        const { data } = await call("event update", () => cal.events.patch({ calendarId, eventId: id, requestBody: body(event) }));
        return data.id ?? id;
      }
    },
    async deleteEvent(accessToken, { calendarId, eventId }) {
      const cal = await api(accessToken);
      try {
        await cal.events.delete({ calendarId, eventId });
      } catch (err) {
        const status = statusOf(err);
        if (status !== 404 && status !== 410) throw apiError("Google event delete", status, detailOf(err));
      }
    },
  };
}
