import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { overlaps, s256, serve, type EmulatedAnswer, type EmulatedRequest } from "./emulator-http.ts";

export interface GoogleEvent {
  id: string;
  calendarId: string;
  summary: string;
  start: Date;
  end: Date;
  transparency: string | undefined;
}

const unauthorized: EmulatedAnswer = {
  status: 401,
  json: { error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" } },
};
const oauthError = (error: string): EmulatedAnswer => ({ status: 400, json: { error, error_description: error } });
const token = (prefix: string) => `${prefix}.${randomBytes(12).toString("hex")}`;

/**
 * A loopback Google: the OAuth 2.0 endpoints (authorization with PKCE, token, revoke) and the parts
 * of Calendar API v3 OrbisVoice uses (calendars.get, calendarList.list, freebusy.query, events
 * insert/patch/delete), with their documented shapes and errors. The consent page agrees at once.
 */
export class GoogleEmulator {
  readonly email = "frontdesk@riverside.example";
  readonly calendars = [
    { id: this.email, summary: "Front desk", primary: true },
    { id: "team@group.calendar.google.com", summary: "Team", primary: false },
  ];
  /** Busy blocks put in a calendar by hand (their own meetings). */
  readonly busyBlocks: { calendarId: string; start: Date; end: Date }[] = [];
  readonly events = new Map<string, GoogleEvent>();
  readonly revoked: string[] = [];
  readonly tokenRequests: { grant_type: string }[] = [];
  private readonly codes = new Map<string, { challenge: string; redirectUri: string; clientId: string }>();
  private readonly refreshTokens = new Set<string>();
  private readonly accessTokens = new Map<string, number>();
  private constructor(
    readonly url: string,
    private readonly server: Server,
    readonly requests: EmulatedRequest[],
    readonly client: { id: string; secret: string },
  ) {}

  static async start(client = { id: "google-client-id.apps.googleusercontent.com", secret: "google-client-secret" }): Promise<GoogleEmulator> {
    const ref: { emu?: GoogleEmulator } = {};
    const { server, url, requests } = await serve([(req) => ref.emu!.route(req)]);
    ref.emu = new GoogleEmulator(url, server, requests, client);
    return ref.emu;
  }

  /** Every access token given so far stops working (as an hour later). */
  expireAccessTokens() {
    for (const t of this.accessTokens.keys()) this.accessTokens.set(t, 0);
  }
  eventsIn(calendarId: string) {
    return [...this.events.values()].filter((e) => e.calendarId === calendarId);
  }
  close() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private issue(): { access_token: string; expires_in: number; token_type: string; scope: string } {
    const access = token("ya29");
    this.accessTokens.set(access, Date.now() + 3600_000);
    return { access_token: access, expires_in: 3599, token_type: "Bearer", scope: "https://www.googleapis.com/auth/calendar.events" };
  }

  private route(req: EmulatedRequest): EmulatedAnswer | undefined {
    const { method, path } = req;
    if (method === "GET" && path === "/o/oauth2/v2/auth") {
      const q = req.query;
      if (q.get("client_id") !== this.client.id) return oauthError("invalid_client");
      if (q.get("code_challenge_method") !== "S256" || !q.get("code_challenge")) return oauthError("invalid_request");
      if (q.get("access_type") !== "offline") return oauthError("invalid_request");
      const code = token("4/0A");
      this.codes.set(code, { challenge: q.get("code_challenge")!, redirectUri: q.get("redirect_uri")!, clientId: q.get("client_id")! });
      const back = new URL(q.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", q.get("state") ?? "");
      back.searchParams.set("scope", q.get("scope") ?? "");
      return { status: 302, location: back.toString() };
    }
    if (method === "POST" && path === "/token") return this.token(req.body as Record<string, string>);
    if (method === "POST" && path === "/revoke") {
      const t = req.query.get("token") ?? String(req.body.token ?? "");
      if (!this.refreshTokens.delete(t) && !this.accessTokens.delete(t)) return oauthError("invalid_token");
      this.revoked.push(t);
      return { status: 200, json: {} };
    }
    if (!path.startsWith("/calendar/v3/")) return undefined;
    const expiry = req.bearer ? this.accessTokens.get(req.bearer) : undefined;
    if (!expiry || expiry < Date.now()) return unauthorized;
    return this.calendarApi(req, path.slice("/calendar/v3".length));
  }

  private token(body: Record<string, string>): EmulatedAnswer {
    this.tokenRequests.push({ grant_type: body.grant_type ?? "" });
    if (body.client_id !== this.client.id || body.client_secret !== this.client.secret) return { status: 401, json: { error: "invalid_client" } };
    if (body.grant_type === "authorization_code") {
      const pending = this.codes.get(body.code ?? "");
      this.codes.delete(body.code ?? "");
      if (!pending || pending.redirectUri !== body.redirect_uri) return oauthError("invalid_grant");
      if (!body.code_verifier || s256(body.code_verifier) !== pending.challenge) return oauthError("invalid_grant");
      const refresh = token("1//0g");
      this.refreshTokens.add(refresh);
      return { status: 200, json: { ...this.issue(), refresh_token: refresh } };
    }
    if (body.grant_type === "refresh_token") {
      if (!this.refreshTokens.has(body.refresh_token ?? "")) return oauthError("invalid_grant");
      return { status: 200, json: this.issue() };
    }
    return oauthError("unsupported_grant_type");
  }

  private calendarApi(req: EmulatedRequest, path: string): EmulatedAnswer {
    const { method, body } = req;
    if (method === "GET" && path === "/calendars/primary") return { status: 200, json: { kind: "calendar#calendar", id: this.email, summary: "Front desk" } };
    if (method === "GET" && path === "/users/me/calendarList") {
      return {
        status: 200,
        json: { kind: "calendar#calendarList", items: this.calendars.map((c) => ({ kind: "calendar#calendarListEntry", ...c, accessRole: "owner" })) },
      };
    }
    if (method === "POST" && path === "/freeBusy") {
      const from = new Date(String(body.timeMin));
      const to = new Date(String(body.timeMax));
      const items = (body.items as { id: string }[] | undefined) ?? [];
      const calendars: Record<string, { busy: { start: string; end: string }[] }> = {};
      for (const { id } of items) {
        const blocks = [...this.busyBlocks.filter((b) => b.calendarId === id), ...this.eventsIn(id).filter((e) => e.transparency !== "transparent")].filter(
          (b) => overlaps(b, from, to),
        );
        calendars[id] = { busy: blocks.map((b) => ({ start: b.start.toISOString(), end: b.end.toISOString() })) };
      }
      return { status: 200, json: { kind: "calendar#freeBusy", timeMin: from.toISOString(), timeMax: to.toISOString(), calendars } };
    }
    const m = /^\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/.exec(path);
    if (!m) return { status: 404, json: { error: { code: 404, message: "Not Found" } } };
    const calendarId = decodeURIComponent(m[1]!);
    const eventId = m[2] ? decodeURIComponent(m[2]) : undefined;
    if (!this.calendars.some((c) => c.id === calendarId)) return { status: 404, json: { error: { code: 404, message: "Not Found" } } };
    const read = (e: Record<string, unknown>, before?: GoogleEvent): GoogleEvent => ({
      id: before?.id ?? String(e.id),
      calendarId,
      summary: e.summary === undefined ? (before?.summary ?? "") : String(e.summary),
      start: e.start ? new Date((e.start as { dateTime: string }).dateTime) : before!.start,
      end: e.end ? new Date((e.end as { dateTime: string }).dateTime) : before!.end,
      transparency: e.transparency === undefined ? before?.transparency : String(e.transparency),
    });
    const json = (e: GoogleEvent) => ({
      kind: "calendar#event",
      id: e.id,
      status: "confirmed",
      summary: e.summary,
      start: { dateTime: e.start.toISOString() },
      end: { dateTime: e.end.toISOString() },
    });
    if (method === "POST" && !eventId) {
      const id = String(body.id ?? token("ev").replace(/[^a-v0-9]/g, ""));
      if (!/^[a-v0-9]{5,1024}$/.test(id)) return { status: 400, json: { error: { code: 400, message: "Invalid resource id value." } } };
      if (this.events.has(id)) return { status: 409, json: { error: { code: 409, message: "The requested identifier already exists." } } };
      const event = read({ ...body, id });
      this.events.set(id, event);
      return { status: 200, json: json(event) };
    }
    const existing = eventId ? this.events.get(eventId) : undefined;
    if (!existing || existing.calendarId !== calendarId) return { status: 404, json: { error: { code: 404, message: "Not Found" } } };
    if (method === "PATCH") {
      const event = read(body, existing);
      this.events.set(existing.id, event);
      return { status: 200, json: json(event) };
    }
    if (method === "DELETE") {
      this.events.delete(existing.id);
      return { status: 204 };
    }
    return { status: 405, json: { error: { code: 405, message: "Method Not Allowed" } } };
  }
}
