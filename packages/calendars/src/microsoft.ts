import { Client, GraphError, HTTPMessageHandler, RetryHandler, RetryHandlerOptions, type Middleware } from "@microsoft/microsoft-graph-client";
import { apiError, CalendarAuthError, type BusyTime, type CalendarVendor, type ExternalCalendar, type ExternalEvent, type OAuthTokens } from "./vendor.ts";

export interface MicrosoftCalendarConfig {
  clientId: string;
  clientSecret: string;
  /** `common`, `organizations`, `consumers` or a tenant id. */
  tenant: string;
  /** https://login.microsoftonline.com, an emulator in tests. */
  loginUrl: string;
  /** https://graph.microsoft.com, an emulator in tests. */
  graphUrl: string;
}

/** Free/busy and events of the signed-in user's calendars, and a refresh token (offline_access). */
const MICROSOFT_SCOPES = ["offline_access", "User.Read", "Calendars.ReadWrite"];

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  error?: string;
  error_description?: string;
}

/** Graph answers times without an offset, in the zone asked for (UTC here). */
const utc = (t: { dateTime?: string | null } | undefined | null) => new Date(`${(t?.dateTime ?? "").replace(/Z$/, "")}Z`);
const graphTime = (d: Date) => ({ dateTime: d.toISOString().replace(/Z$/, ""), timeZone: "UTC" });

export function microsoftCalendarVendor(config: MicrosoftCalendarConfig): CalendarVendor {
  const identity = `${config.loginUrl}/${encodeURIComponent(config.tenant)}/oauth2/v2.0`;

  async function token(params: Record<string, string>, what: string): Promise<OAuthTokens> {
    let res: Response;
    try {
      res = await fetch(`${identity}/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({ client_id: config.clientId, client_secret: config.clientSecret, scope: MICROSOFT_SCOPES.join(" "), ...params }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw apiError(`Microsoft ${what}`, undefined, err instanceof Error ? err.message : String(err));
    }
    const answer = (await res.json().catch(() => ({}))) as TokenAnswer;
    if (res.status === 400 || res.status === 401)
      throw new CalendarAuthError(`Microsoft refused the ${what} (${answer.error ?? res.status}): connect the calendar again`);
    if (!res.ok || !answer.access_token) throw apiError(`Microsoft ${what}`, res.status, answer.error);
    return {
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token,
      expiresAt: answer.expires_in ? new Date(Date.now() + answer.expires_in * 1000) : null,
    };
  }

  /**
   * The SDK's own AuthenticationHandler sends the token only to https Graph hosts (and strips it
   * elsewhere): a middleware of ours sets it instead, so a national cloud or an emulator given as
   * MICROSOFT_GRAPH_URL gets it too. Then the SDK's retry (429/503/504, Retry-After) and its fetch.
   */
  function graph(accessToken: string) {
    const retry = new RetryHandler(new RetryHandlerOptions(1, 2));
    retry.setNext(new HTTPMessageHandler());
    const bearer: Middleware = {
      async execute(context) {
        context.options = {
          ...context.options,
          headers: { ...(context.options?.headers as Record<string, string> | undefined), Authorization: `Bearer ${accessToken}` },
        };
        await retry.execute(context);
      },
    };
    const client = Client.initWithMiddleware({ baseUrl: config.graphUrl, defaultVersion: "v1.0", middleware: bearer });
    return (path: string) => client.api(path);
  }
  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw apiError(
        `Microsoft Graph ${what}`,
        err instanceof GraphError ? err.statusCode : undefined,
        err instanceof Error ? err.message.slice(0, 200) : undefined,
      );
    }
  }
  const body = (e: ExternalEvent) => ({
    subject: e.summary,
    body: { contentType: "text", content: e.description },
    start: graphTime(e.start),
    end: graphTime(e.end),
    // Our own bookings must not come back as busy time through getSchedule.
    showAs: "free",
    transactionId: e.key,
  });

  return {
    id: "microsoft",
    async authorizationUrl({ state, codeChallenge, redirectUri }) {
      const q = new URLSearchParams({
        client_id: config.clientId,
        response_type: "code",
        redirect_uri: redirectUri,
        response_mode: "query",
        scope: MICROSOFT_SCOPES.join(" "),
        state,
        code_challenge: codeChallenge,
        code_challenge_method: "S256",
        prompt: "select_account",
      });
      return `${identity}/authorize?${q}`;
    },
    exchangeCode: ({ code, codeVerifier, redirectUri }) =>
      token({ grant_type: "authorization_code", code, code_verifier: codeVerifier, redirect_uri: redirectUri }, "authorization code"),
    refresh: (refreshToken) => token({ grant_type: "refresh_token", refresh_token: refreshToken }, "refresh token"),
    // The identity platform has no endpoint revoking one app's refresh token (revokeSignInSessions would sign the user out everywhere).
    revoke: async () => false,
    async accountEmail(accessToken) {
      const me = (await call("profile", () => graph(accessToken)("/me").select("mail,userPrincipalName").get())) as {
        mail?: string;
        userPrincipalName?: string;
      };
      return me.mail ?? me.userPrincipalName ?? "";
    },
    async listCalendars(accessToken): Promise<ExternalCalendar[]> {
      const res = (await call("calendar list", () => graph(accessToken)("/me/calendars").select("id,name,isDefaultCalendar").top(100).get())) as {
        value?: { id: string; name?: string; isDefaultCalendar?: boolean }[];
      };
      return (res.value ?? []).map((c) => ({ id: c.id, name: c.name ?? c.id, primary: c.isDefaultCalendar === true }));
    },
    async busy(accessToken, { calendarIds, from, to, accountEmail, defaultCalendarId }): Promise<BusyTime[]> {
      const req = graph(accessToken);
      const out: BusyTime[] = [];
      // The mailbox's default calendar through getSchedule (its free/busy view); other chosen calendars through their calendarView.
      if (defaultCalendarId && calendarIds.includes(defaultCalendarId)) {
        const res = (await call("getSchedule", () =>
          req("/me/calendar/getSchedule").post({ schedules: [accountEmail], startTime: graphTime(from), endTime: graphTime(to), availabilityViewInterval: 15 }),
        )) as { value?: { scheduleItems?: { status?: string; start?: { dateTime?: string }; end?: { dateTime?: string } }[]; error?: { message?: string } }[] };
        for (const s of res.value ?? []) {
          if (s.error) throw apiError("Microsoft Graph getSchedule", undefined, s.error.message);
          for (const item of s.scheduleItems ?? []) if (item.status !== "free") out.push({ start: utc(item.start), end: utc(item.end) });
        }
      }
      for (const id of calendarIds) {
        if (id === defaultCalendarId) continue;
        const res = (await call("calendarView", () =>
          req(`/me/calendars/${encodeURIComponent(id)}/calendarView`)
            .query({ startDateTime: from.toISOString(), endDateTime: to.toISOString() })
            .select("showAs,start,end")
            .top(500)
            .get(),
        )) as { value?: { showAs?: string; start?: { dateTime?: string }; end?: { dateTime?: string } }[] };
        for (const e of res.value ?? []) if (e.showAs !== "free") out.push({ start: utc(e.start), end: utc(e.end) });
      }
      return out;
    },
    async writeEvent(accessToken, { calendarId, eventId, event }) {
      const req = graph(accessToken);
      if (eventId) {
        try {
          const updated = (await req(`/me/events/${encodeURIComponent(eventId)}`).patch(body(event))) as { id?: string } | undefined;
          return updated?.id ?? eventId;
        } catch (err) {
          if (!(err instanceof GraphError) || err.statusCode !== 404)
            throw apiError("Microsoft Graph event update", err instanceof GraphError ? err.statusCode : undefined);
          event = { ...event, key: `${event.key}:${Date.now()}` }; // deleted there: create it anew
        }
      }
      // transactionId makes a create that is repeated (a retry after a lost answer) land on one event.
      const created = (await call("event create", () => req(`/me/calendars/${encodeURIComponent(calendarId)}/events`).post(body(event)))) as { id: string };
      return created.id;
    },
    async deleteEvent(accessToken, { eventId }) {
      try {
        await graph(accessToken)(`/me/events/${encodeURIComponent(eventId)}`).delete();
      } catch (err) {
        if (!(err instanceof GraphError) || err.statusCode !== 404)
          throw apiError("Microsoft Graph event delete", err instanceof GraphError ? err.statusCode : undefined);
      }
    },
  };
}
