import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { overlaps, s256, serve, type EmulatedAnswer, type EmulatedRequest } from "./emulator-http.ts";

export interface GraphEvent {
  id: string;
  calendarId: string;
  subject: string;
  start: Date;
  end: Date;
  showAs: string;
  transactionId: string | undefined;
}

const graphError = (status: number, code: string): EmulatedAnswer => ({ status, json: { error: { code, message: code } } });
const token = (prefix: string) => `${prefix}${randomBytes(12).toString("hex")}`;
/** Graph's dateTimeTimeZone in UTC: no offset in the string. */
const fromGraph = (t: unknown) => new Date(`${String((t as { dateTime: string }).dateTime).replace(/Z$/, "")}Z`);
const toGraph = (d: Date) => ({ dateTime: d.toISOString().replace("Z", "0000"), timeZone: "UTC" });

/**
 * A loopback Microsoft identity platform (v2.0 authorize with PKCE, token: code and refresh grants,
 * rotating refresh tokens) and the Microsoft Graph calls OrbisVoice makes (/me, /me/calendars,
 * /me/calendar/getSchedule, calendarView, events create/update/delete with transactionId).
 */
export class MicrosoftEmulator {
  readonly email = "reception@contoso.example";
  readonly calendars = [
    { id: "AAMkCal-default", name: "Calendar", isDefaultCalendar: true },
    { id: "AAMkCal-holidays", name: "Holidays", isDefaultCalendar: false },
  ];
  readonly busyBlocks: { calendarId: string; start: Date; end: Date }[] = [];
  readonly events = new Map<string, GraphEvent>();
  readonly tokenRequests: { grant_type: string }[] = [];
  private readonly codes = new Map<string, { challenge: string; redirectUri: string }>();
  private readonly refreshTokens = new Set<string>();
  private readonly accessTokens = new Map<string, number>();
  private constructor(
    readonly url: string,
    private readonly server: Server,
    readonly requests: EmulatedRequest[],
    readonly client: { id: string; secret: string; tenant: string },
  ) {}

  static async start(client = { id: "00000000-aaaa-bbbb-cccc-000000000001", secret: "ms-client-secret", tenant: "common" }): Promise<MicrosoftEmulator> {
    const ref: { emu?: MicrosoftEmulator } = {};
    const { server, url, requests } = await serve([(req) => ref.emu!.route(req)]);
    ref.emu = new MicrosoftEmulator(url, server, requests, client);
    return ref.emu;
  }
  expireAccessTokens() {
    for (const t of this.accessTokens.keys()) this.accessTokens.set(t, 0);
  }
  eventsIn(calendarId: string) {
    return [...this.events.values()].filter((e) => e.calendarId === calendarId);
  }
  close() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private route(req: EmulatedRequest): EmulatedAnswer | undefined {
    const identity = `/${this.client.tenant}/oauth2/v2.0`;
    if (req.method === "GET" && req.path === `${identity}/authorize`) {
      const q = req.query;
      if (q.get("client_id") !== this.client.id || q.get("code_challenge_method") !== "S256" || !q.get("code_challenge"))
        return { status: 400, json: { error: "invalid_request" } };
      if (!(q.get("scope") ?? "").split(" ").includes("offline_access")) return { status: 400, json: { error: "invalid_scope" } };
      const code = token("M.C5_");
      this.codes.set(code, { challenge: q.get("code_challenge")!, redirectUri: q.get("redirect_uri")! });
      const back = new URL(q.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", q.get("state") ?? "");
      return { status: 302, location: back.toString() };
    }
    if (req.method === "POST" && req.path === `${identity}/token`) return this.token(req.body as Record<string, string>);
    if (!req.path.startsWith("/v1.0/")) return undefined;
    const expiry = req.bearer ? this.accessTokens.get(req.bearer) : undefined;
    if (!expiry || expiry < Date.now()) return graphError(401, "InvalidAuthenticationToken");
    return this.graph(req, req.path.slice("/v1.0".length));
  }

  private token(body: Record<string, string>): EmulatedAnswer {
    this.tokenRequests.push({ grant_type: body.grant_type ?? "" });
    if (body.client_id !== this.client.id || body.client_secret !== this.client.secret) return { status: 401, json: { error: "invalid_client" } };
    const issue = () => {
      const access = token("eyJ0eXAi.");
      const refresh = token("M.R3_");
      this.accessTokens.set(access, Date.now() + 3600_000);
      this.refreshTokens.add(refresh);
      return { status: 200, json: { token_type: "Bearer", scope: body.scope, expires_in: 3600, access_token: access, refresh_token: refresh } };
    };
    if (body.grant_type === "authorization_code") {
      const pending = this.codes.get(body.code ?? "");
      this.codes.delete(body.code ?? "");
      if (!pending || pending.redirectUri !== body.redirect_uri || !body.code_verifier || s256(body.code_verifier) !== pending.challenge) {
        return {
          status: 400,
          json: {
            error: "invalid_grant",
            error_description: "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.",
          },
        };
      }
      return issue();
    }
    if (body.grant_type === "refresh_token") {
      // Refresh tokens rotate: the old one stops working once a new one is given.
      if (!this.refreshTokens.delete(body.refresh_token ?? "")) return { status: 400, json: { error: "invalid_grant" } };
      return issue();
    }
    return { status: 400, json: { error: "unsupported_grant_type" } };
  }

  private graph(req: EmulatedRequest, path: string): EmulatedAnswer {
    const { method, body } = req;
    if (method === "GET" && path === "/me") return { status: 200, json: { id: "user-1", mail: this.email, userPrincipalName: this.email } };
    if (method === "GET" && path === "/me/calendars") return { status: 200, json: { value: this.calendars } };
    if (method === "POST" && path === "/me/calendar/getSchedule") {
      const from = fromGraph(body.startTime);
      const to = fromGraph(body.endTime);
      const defaultId = this.calendars.find((c) => c.isDefaultCalendar)!.id;
      const items = [...this.busyBlocks.filter((b) => b.calendarId === defaultId).map((b) => ({ ...b, showAs: "busy" })), ...this.eventsIn(defaultId)]
        .filter((b) => overlaps(b, from, to))
        .map((b) => ({ status: b.showAs, start: toGraph(b.start), end: toGraph(b.end) }));
      return {
        status: 200,
        json: { value: ((body.schedules as string[]) ?? []).map((scheduleId) => ({ scheduleId, scheduleItems: scheduleId === this.email ? items : [] })) },
      };
    }
    const view = /^\/me\/calendars\/([^/]+)\/calendarView$/.exec(path);
    if (method === "GET" && view) {
      const calendarId = decodeURIComponent(view[1]!);
      const from = new Date(req.query.get("startDateTime")!);
      const to = new Date(req.query.get("endDateTime")!);
      const items = [...this.busyBlocks.filter((b) => b.calendarId === calendarId).map((b) => ({ ...b, showAs: "busy" })), ...this.eventsIn(calendarId)].filter(
        (b) => overlaps(b, from, to),
      );
      return { status: 200, json: { value: items.map((b) => ({ showAs: b.showAs, start: toGraph(b.start), end: toGraph(b.end) })) } };
    }
    const create = /^\/me\/calendars\/([^/]+)\/events$/.exec(path);
    const json = (e: GraphEvent) => ({
      id: e.id,
      subject: e.subject,
      showAs: e.showAs,
      start: toGraph(e.start),
      end: toGraph(e.end),
      transactionId: e.transactionId,
    });
    if (method === "POST" && create) {
      const calendarId = decodeURIComponent(create[1]!);
      if (!this.calendars.some((c) => c.id === calendarId)) return graphError(404, "ErrorItemNotFound");
      const again = [...this.events.values()].find((e) => e.transactionId && e.transactionId === body.transactionId);
      if (again) return { status: 201, json: json(again) };
      const event: GraphEvent = {
        id: token("AAMkEv"),
        calendarId,
        subject: String(body.subject ?? ""),
        start: fromGraph(body.start),
        end: fromGraph(body.end),
        showAs: String(body.showAs ?? "busy"),
        transactionId: body.transactionId as string | undefined,
      };
      this.events.set(event.id, event);
      return { status: 201, json: json(event) };
    }
    const one = /^\/me\/events\/([^/]+)$/.exec(path);
    const existing = one ? this.events.get(decodeURIComponent(one[1]!)) : undefined;
    if (!one) return graphError(400, "BadRequest");
    if (!existing) return graphError(404, "ErrorItemNotFound");
    if (method === "PATCH") {
      const event: GraphEvent = {
        ...existing,
        subject: body.subject === undefined ? existing.subject : String(body.subject),
        start: body.start ? fromGraph(body.start) : existing.start,
        end: body.end ? fromGraph(body.end) : existing.end,
        showAs: body.showAs === undefined ? existing.showAs : String(body.showAs),
      };
      this.events.set(event.id, event);
      return { status: 200, json: json(event) };
    }
    if (method === "DELETE") {
      this.events.delete(existing.id);
      return { status: 204 };
    }
    return graphError(405, "MethodNotAllowed");
  }
}
