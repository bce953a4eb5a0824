import { createCalendarConnections } from "@orbis/calendars";
import { loadConfig, testConfig } from "@orbis/config";
import { tenantScope } from "@orbis/db";
import { createJobQueue, type JobQueue } from "@orbis/jobs";
import { calendarSyncConsumer, startWorker } from "@orbis/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, buildTestApp, signup, type Account, type TestApp } from "../../apps/api/test/helpers.ts";
import { booking, createAgentWithBusiness, localInstant } from "../../apps/api/test/bookings.fixtures.ts";
import { GoogleEmulator } from "./google-emulator.ts";
import { MicrosoftEmulator } from "./microsoft-emulator.ts";

/**
 * Google Calendar and Microsoft 365 through the official clients (googleapis, the Graph SDK) against
 * loopback emulators: the OAuth code flow with PKCE, refresh, busy time blocking availability and
 * bookings, our bookings written, moved and deleted there by the worker, disconnect, tenancy.
 */
const PUBLIC = "https://app.example.test";
let google: GoogleEmulator;
let microsoft: MicrosoftEmulator;
let t: TestApp;
let queue: JobQueue;
let worker: Awaited<ReturnType<typeof startWorker>>;
let owner: Account;
let agentId: string;

const inject = (account: Account, method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", url: string, payload?: object) =>
  t.app.inject({ method, url, headers: bearer(account.token), ...(payload ? { payload } : {}) });

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Dashboard → provider consent (agrees at once) → back to our callback with the code and state. */
async function authorize(account: Account, provider: "google" | "microsoft", body: object = {}) {
  const start = await inject(account, "POST", `/v1/calendar-connections/${provider}/start`, body);
  expect(start.statusCode).toBe(200);
  const consent = await fetch(start.json().authorizationUrl, { redirect: "manual" });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get("location")!);
  expect(`${back.origin}${back.pathname}`).toBe(`${PUBLIC}/v1/calendar-connections/${provider}/callback`);
  return `${back.pathname}${back.search}`;
}
async function connect(account: Account, provider: "google" | "microsoft", body: object = {}): Promise<string> {
  const callback = await authorize(account, provider, body);
  const done = await t.app.inject({ method: "GET", url: callback, headers: bearer(account.token) });
  expect(done.statusCode, done.body).toBe(303);
  const landing = new URL(done.headers.location as string);
  expect(landing.pathname).toBe("/dashboard/calendars");
  return landing.searchParams.get("connected")!;
}
const slotsOn = async (account: Account, daysAhead: number) => {
  const res = await inject(
    account,
    "GET",
    `/v1/appointments/availability?agentId=${agentId}&serviceId=hour&from=${encodeURIComponent(localInstant(daysAhead, "00:00"))}&to=${encodeURIComponent(localInstant(daysAhead, "23:59"))}`,
  );
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().slots as { start: string }[]).map((s) => s.start);
};
const linksOf = (appointmentId: string) => tenantScope(t.db, owner.workspaceId).calendarConnections.linksOf(appointmentId);

beforeAll(async () => {
  google = await GoogleEmulator.start();
  microsoft = await MicrosoftEmulator.start();
  // Through the environment, as an operator configures it.
  const { calendars } = loadConfig("all", {
    NODE_ENV: "test",
    GOOGLE_CLIENT_ID: google.client.id,
    GOOGLE_CLIENT_SECRET: google.client.secret,
    GOOGLE_OAUTH_URL: google.url,
    GOOGLE_API_URL: google.url,
    MICROSOFT_CLIENT_ID: microsoft.client.id,
    MICROSOFT_CLIENT_SECRET: microsoft.client.secret,
    MICROSOFT_LOGIN_URL: microsoft.url,
    MICROSOFT_GRAPH_URL: microsoft.url,
  });
  t = await buildTestApp({ calendars, publicBaseUrl: PUBLIC });
  queue = createJobQueue({ connection: t.db.jobs, pollingIntervalSec: 0.5 });
  const consumer = calendarSyncConsumer({ db: t.db, calendars: createCalendarConnections({ config: calendars, encryptionKey: testConfig().encryptionKey }) });
  worker = await startWorker({ db: t.db, queue, consumers: [consumer], relayPollMs: 200 });
  owner = await signup(t.app, "calendars");
  agentId = await createAgentWithBusiness(t.app, owner);
});
afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await google?.close();
  await microsoft?.close();
});

describe("calendar connections", () => {
  it("answers 409 naming the variables when the provider is not configured", async () => {
    const bare = await buildTestApp({ publicBaseUrl: PUBLIC }, { db: t.db, cache: t.cache });
    try {
      const res = await bare.app.inject({ method: "POST", url: "/v1/calendar-connections/google/start", headers: bearer(owner.token), payload: {} });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.message).toMatch(/GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET/);
      const list = await bare.app.inject({ method: "GET", url: "/v1/calendar-connections", headers: bearer(owner.token) });
      expect(list.json().providers).toEqual([
        { id: "google", name: "Google Calendar", configured: false },
        { id: "microsoft", name: "Microsoft 365 calendar", configured: false },
      ]);
    } finally {
      await bare.app.close();
    }
  });

  it("connects Google with PKCE, seals the tokens, lets busy times block availability and writes, moves and deletes our bookings there", async () => {
    // Their own meeting on day 3, 10:00–11:00 business time.
    google.busyBlocks.push({ calendarId: google.email, start: new Date(localInstant(3, "10:00")), end: new Date(localInstant(3, "11:00")) });
    const id = await connect(owner, "google");
    expect(google.tokenRequests.filter((r) => r.grant_type === "authorization_code")).toHaveLength(1);

    const row = (await tenantScope(t.db, owner.workspaceId).calendarConnections.get(id))!;
    expect(row.tokens).toMatch(/^v1\./);
    expect(row.tokens).not.toMatch(/1\/\/0g|ya29/);
    const list = (await inject(owner, "GET", "/v1/calendar-connections")).json();
    expect(list.connections).toEqual([
      expect.objectContaining({ id, provider: "google", accountEmail: google.email, status: "active", bookingCalendarId: google.email, staffId: null }),
    ]);
    expect(JSON.stringify(list)).not.toMatch(/ya29|1\/\/0g/);
    const calendars = (await inject(owner, "GET", `/v1/calendar-connections/${id}/calendars`)).json();
    expect(calendars.calendars).toEqual([
      { id: google.email, name: "Front desk", primary: true, blocks: true },
      { id: "team@group.calendar.google.com", name: "Team", primary: false, blocks: false },
    ]);

    // The state is used once.
    const replay = await t.app.inject({
      method: "GET",
      url: `/v1/calendar-connections/google/callback?state=${"x".repeat(43)}&code=abc`,
      headers: bearer(owner.token),
    });
    expect(replay.statusCode).toBe(422);

    const day3 = await slotsOn(owner, 3);
    expect(day3).not.toContain(localInstant(3, "10:00"));
    expect(day3).toContain(localInstant(3, "11:00"));
    expect(day3).toContain(localInstant(3, "09:00"));

    // Booking → an event in their primary calendar (transparent: it never comes back as busy time).
    const created = await inject(owner, "POST", "/v1/appointments", booking(agentId, localInstant(4, "11:00")));
    expect(created.statusCode, created.body).toBe(201);
    const appointmentId = created.json().id as string;
    const event = await until(() => google.eventsIn(google.email)[0]);
    expect(event.start.toISOString()).toBe(new Date(localInstant(4, "11:00")).toISOString());
    expect(event.transparency).toBe("transparent");
    expect(event.summary).toContain("Pat Doe");
    await until(async () => ((await linksOf(appointmentId))[0]?.status === "synced" ? true : undefined));
    expect((await linksOf(appointmentId))[0]).toMatchObject({ externalEventId: event.id, calendarId: google.email });

    // Refresh: the provider expired the access token early (401) → refreshed once, then the move goes through.
    google.expireAccessTokens();
    const moved = await inject(owner, "PATCH", `/v1/appointments/${appointmentId}`, { start: localInstant(4, "13:00") });
    expect(moved.statusCode, moved.body).toBe(200);
    await until(() => (google.events.get(event.id)?.start.toISOString() === new Date(localInstant(4, "13:00")).toISOString() ? true : undefined));
    expect(google.eventsIn(google.email)).toHaveLength(1);
    expect(google.tokenRequests.filter((r) => r.grant_type === "refresh_token").length).toBeGreaterThanOrEqual(1);

    const cancelled = await inject(owner, "POST", `/v1/appointments/${appointmentId}/cancel`, { reason: "sick" });
    expect(cancelled.statusCode).toBe(200);
    await until(() => (google.events.has(event.id) ? undefined : true));
    await until(async () => ((await linksOf(appointmentId))[0]?.status === "removed" ? true : undefined));

    // Became busy there after it was offered: refused at booking time, nothing booked, nothing written.
    expect(await slotsOn(owner, 5)).toContain(localInstant(5, "14:00"));
    google.busyBlocks.push({ calendarId: google.email, start: new Date(localInstant(5, "14:00")), end: new Date(localInstant(5, "15:00")) });
    const refused = await inject(owner, "POST", "/v1/appointments", booking(agentId, localInstant(5, "14:00")));
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe("conflict");
    expect((await inject(owner, "GET", `/v1/appointments?day=${localInstant(5, "00:00").slice(0, 10)}&agentId=${agentId}`)).json().data).toEqual([]);
    expect(await slotsOn(owner, 5)).not.toContain(localInstant(5, "14:00"));

    // Choosing no blocking calendar lifts the block; disconnecting revokes the grant at Google.
    const none = await inject(owner, "PUT", `/v1/calendar-connections/${id}`, { blockingCalendarIds: [] });
    expect(none.statusCode).toBe(200);
    expect(await slotsOn(owner, 3)).toContain(localInstant(3, "10:00"));
    const gone = await inject(owner, "DELETE", `/v1/calendar-connections/${id}`);
    expect(gone.json()).toEqual({ revoked: true });
    expect(google.revoked).toHaveLength(1);
    expect((await inject(owner, "GET", "/v1/calendar-connections")).json().connections).toEqual([]);
  });

  it("refuses a code whose PKCE verifier does not match (the emulator checks it) and a state of another user", async () => {
    const callback = await authorize(owner, "google");
    const state = new URL(callback, PUBLIC).searchParams.get("state")!;
    const key = `calendar-oauth:${state}`;
    const pending = JSON.parse((await t.cache.get(key))!);
    await t.cache.set(key, JSON.stringify({ ...pending, verifier: "x".repeat(64) }), 600);
    const res = await t.app.inject({ method: "GET", url: callback, headers: bearer(owner.token) });
    expect(res.statusCode).toBe(409);
    expect((await inject(owner, "GET", "/v1/calendar-connections")).json().connections).toEqual([]);

    const other = await signup(t.app, "intruder");
    const theirs = await authorize(owner, "google");
    const stolen = await t.app.inject({ method: "GET", url: theirs, headers: bearer(other.token) });
    expect(stolen.statusCode).toBe(422);
  });

  it("connects Microsoft 365: getSchedule blocks, events are written free, refresh tokens rotate, no revocation endpoint", async () => {
    const account = await signup(t.app, "outlook");
    const agent = await createAgentWithBusiness(t.app, account);
    microsoft.busyBlocks.push({ calendarId: "AAMkCal-default", start: new Date(localInstant(6, "09:00")), end: new Date(localInstant(6, "10:00")) });
    const id = await connect(account, "microsoft");
    const res = await t.app.inject({
      method: "GET",
      url: `/v1/appointments/availability?agentId=${agent}&serviceId=hour&from=${encodeURIComponent(localInstant(6, "00:00"))}&to=${encodeURIComponent(localInstant(6, "23:59"))}`,
      headers: bearer(account.token),
    });
    const slots = (res.json().slots as { start: string }[]).map((s) => s.start);
    expect(slots).not.toContain(localInstant(6, "09:00"));
    expect(slots).toContain(localInstant(6, "10:00"));
    expect(microsoft.requests.some((r) => r.path === "/v1.0/me/calendar/getSchedule")).toBe(true);

    // The stored access token is past its time: refreshed before use, and the rotated refresh token is kept.
    await tenantScope(t.db, account.workspaceId).calendarConnections.update(id, { accessExpiresAt: new Date(0) });
    const created = await t.app.inject({
      method: "POST",
      url: "/v1/appointments",
      headers: bearer(account.token),
      payload: booking(agent, localInstant(6, "11:00")),
    });
    expect(created.statusCode, created.body).toBe(201);
    const event = await until(() => microsoft.eventsIn("AAMkCal-default")[0]);
    expect(event).toMatchObject({ showAs: "free", start: new Date(localInstant(6, "11:00")) });
    expect(microsoft.tokenRequests.filter((r) => r.grant_type === "refresh_token").length).toBeGreaterThanOrEqual(1);
    const again = await t.app.inject({
      method: "POST",
      url: "/v1/appointments",
      headers: bearer(account.token),
      payload: booking(agent, localInstant(6, "14:00")),
    });
    expect(again.statusCode).toBe(201);
    await until(() => (microsoft.eventsIn("AAMkCal-default").length === 2 ? true : undefined));

    const gone = await t.app.inject({ method: "DELETE", url: `/v1/calendar-connections/${id}`, headers: bearer(account.token) });
    expect(gone.json()).toEqual({ revoked: false });
  });

  it("the dashboard's tool runs see the connected calendar like a call does: a business busy time, then a staff member's", async () => {
    const account = await signup(t.app, "tools");
    const agent = await createAgentWithBusiness(t.app, account);
    const invoke = (tool: string, args: object) => inject(account, "POST", `/v1/agents/${agent}/tools/${tool}/invoke`, { args });
    const day = localInstant(8, "00:00").slice(0, 10);
    const startsOf = async (args: object) => {
      const res = await invoke("check_availability", { date: day, limit: 20, ...args });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().ok, res.body).toBe(true);
      return (res.json().result.slots as { start: string }[]).map((s) => s.start);
    };
    // Before any connection the slot is offered through the tools endpoint.
    expect(await startsOf({ serviceId: "hour" })).toContain(localInstant(8, "10:00"));

    google.busyBlocks.push({ calendarId: google.email, start: new Date(localInstant(8, "10:00")), end: new Date(localInstant(8, "11:00")) });
    const id = await connect(account, "google");
    const business = await startsOf({ serviceId: "hour" });
    expect(business).not.toContain(localInstant(8, "10:00"));
    expect(business).toContain(localInstant(8, "11:00"));
    // Booking the busy slot through the tool is refused by the re-check (nothing is written).
    const refused = await invoke("book_appointment", {
      serviceId: "hour",
      start: localInstant(8, "10:00"),
      customerName: "Lee",
      customerPhone: "+12125550111",
    });
    expect(refused.json()).toMatchObject({ ok: false });
    expect(refused.json().error).toMatch(/^conflict/);
    expect((await inject(account, "GET", `/v1/appointments?day=${day}&agentId=${agent}`)).json().data).toEqual([]);

    // Attached to Ann: it blocks Ann's slots only.
    expect((await inject(account, "PUT", `/v1/calendar-connections/${id}`, { staffId: "ann" })).statusCode).toBe(200);
    expect(await startsOf({ serviceId: "cut", staffId: "ann" })).not.toContain(localInstant(8, "10:00"));
    expect(await startsOf({ serviceId: "cut", staffId: "bob" })).toContain(localInstant(8, "10:00"));
    expect(await startsOf({ serviceId: "hour" })).toContain(localInstant(8, "10:00"));
    await inject(account, "DELETE", `/v1/calendar-connections/${id}`);
  });

  it("keeps a workspace's connections to itself and answers bad input with 422", async () => {
    const id = await connect(owner, "google");
    const other = await signup(t.app, "other");
    expect((await inject(other, "GET", "/v1/calendar-connections")).json().connections).toEqual([]);
    expect((await inject(other, "GET", `/v1/calendar-connections/${id}/calendars`)).statusCode).toBe(404);
    expect((await inject(other, "PUT", `/v1/calendar-connections/${id}`, { bookingCalendarId: null })).statusCode).toBe(404);
    expect((await inject(other, "DELETE", `/v1/calendar-connections/${id}`)).statusCode).toBe(404);
    expect(await tenantScope(t.db, other.workspaceId).calendarConnections.get(id)).toBeUndefined();

    const bad = async (method: "POST" | "PUT" | "GET", url: string, payload?: object) => {
      const res = await inject(owner, method, url, payload);
      expect(res.statusCode, `${method} ${url} ${res.body}`).toBe(422);
      return res.json().error;
    };
    await bad("POST", "/v1/calendar-connections/yahoo/start", {});
    await bad("POST", "/v1/calendar-connections/google/start", { staffId: "Not A Staff Id!" });
    // A staff id must be one of the business settings' staff members, which the list offers.
    expect((await inject(owner, "GET", "/v1/calendar-connections")).json().staff).toEqual([
      { id: "ann", name: "Ann", agents: ["Front desk"] },
      { id: "bob", name: "Bob", agents: ["Front desk"] },
    ]);
    expect((await inject(other, "GET", "/v1/calendar-connections")).json().staff).toEqual([]);
    expect((await bad("POST", "/v1/calendar-connections/google/start", { staffId: "dr-nobody" })).details[0].path).toBe("body.staffId");
    expect((await bad("PUT", `/v1/calendar-connections/${id}`, { staffId: "dr-nobody" })).details[0].path).toBe("body.staffId");
    await bad("POST", "/v1/calendar-connections/google/start", { extra: true });
    await bad("GET", "/v1/calendar-connections/calc_nope!/calendars");
    await bad("PUT", `/v1/calendar-connections/${id}`, {});
    expect((await bad("PUT", `/v1/calendar-connections/${id}`, { bookingCalendarId: "someone-else@example.com" })).details[0].path).toBe(
      "body.bookingCalendarId",
    );
    expect((await bad("PUT", `/v1/calendar-connections/${id}`, { blockingCalendarIds: [google.email, "nope"] })).details[0].path).toBe(
      "body.blockingCalendarIds.1",
    );
    await bad("GET", "/v1/calendar-connections/google/callback?code=abc");

    const staffOnly = await inject(owner, "PUT", `/v1/calendar-connections/${id}`, { staffId: "ann", bookingCalendarId: "team@group.calendar.google.com" });
    expect(staffOnly.json()).toMatchObject({ staffId: "ann", bookingCalendarId: "team@group.calendar.google.com" });
    await inject(owner, "DELETE", `/v1/calendar-connections/${id}`);
  });
});
