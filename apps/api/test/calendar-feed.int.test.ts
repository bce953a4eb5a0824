import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { booking, createAgentWithBusiness, localInstant } from "./bookings.fixtures.ts";
import { addMember, bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let owner: Account;
let staff: Account;
let other: Account;
let agentId: string;

beforeAll(async () => {
  t = await buildTestApp({ publicBaseUrl: "https://voice.example.com" });
  owner = await signup(t.app, "ical");
  staff = await addMember(t.app, owner, "staff");
  other = await signup(t.app, "ical-other");
  agentId = await createAgentWithBusiness(t.app, owner);
});
afterAll(() => t.close());

/** Unfolds continuation lines and splits into events of property → value. */
function parseIcs(text: string) {
  const lines = text.replace(/\r\n[ \t]/g, "").split("\r\n");
  const events: Record<string, string>[] = [];
  let current: Record<string, string> | null = null;
  for (const line of lines) {
    if (line === "BEGIN:VEVENT") current = {};
    else if (line === "END:VEVENT") {
      events.push(current!);
      current = null;
    } else if (current) {
      const i = line.indexOf(":");
      current[line.slice(0, i)] = line.slice(i + 1);
    }
  }
  return { lines, events };
}

describe("iCal feed", () => {
  it("admin gets a stable secret URL; the public .ics lists booked and cancelled appointments in UTC", async () => {
    const a = (
      await t.app.inject({
        method: "POST",
        url: "/v1/appointments",
        headers: bearer(staff.token),
        payload: booking(agentId, localInstant(2, "10:00"), { customerName: 'Ana, the "first"; client', notes: "Line one\nline two" }),
      })
    ).json();
    const b = (
      await t.app.inject({ method: "POST", url: "/v1/appointments", headers: bearer(staff.token), payload: booking(agentId, localInstant(2, "12:00")) })
    ).json();
    await t.app.inject({ method: "POST", url: `/v1/appointments/${b.id}/cancel`, headers: bearer(staff.token), payload: {} });

    const res = await t.app.inject({ method: "GET", url: "/v1/calendar/feed-url", headers: bearer(owner.token) });
    expect(res.statusCode).toBe(200);
    const { url } = res.json();
    expect(url).toMatch(/^https:\/\/voice\.example\.com\/v1\/calendar\/[A-Za-z0-9_-]{32}\.ics$/);
    expect((await t.app.inject({ method: "GET", url: "/v1/calendar/feed-url", headers: bearer(owner.token) })).json().url).toBe(url);

    const ics = await t.app.inject({ method: "GET", url: new URL(url).pathname });
    expect(ics.statusCode).toBe(200);
    expect(ics.headers["content-type"]).toMatch(/^text\/calendar/);
    const { lines, events } = parseIcs(ics.body);
    expect(lines[0]).toBe("BEGIN:VCALENDAR");
    expect(lines).toContain("VERSION:2.0");
    expect(lines.filter(Boolean).at(-1)).toBe("END:VCALENDAR");
    expect(ics.body.split("\r\n").every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    const ev = events.find((e) => e.UID === `${a.id}@orbisvoice`)!;
    const utc = (iso: string) =>
      new Date(iso)
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d{3}/, "");
    expect(ev).toMatchObject({ DTSTART: utc(a.start), DTEND: utc(a.end), STATUS: "CONFIRMED", SUMMARY: 'Hour visit: Ana\\, the "first"\\; client' });
    expect(ev.DTSTART).toMatch(/^\d{8}T\d{6}Z$/);
    expect(ev.DESCRIPTION).toContain("Line one\\nline two");
    expect(ev.DTSTAMP).toMatch(/^\d{8}T\d{6}Z$/);
    expect(events.find((e) => e.UID === `${b.id}@orbisvoice`)?.STATUS).toBe("CANCELLED");
  });

  it("rotating replaces the URL and the old one is 404; unknown tokens are 404", async () => {
    const old = (await t.app.inject({ method: "GET", url: "/v1/calendar/feed-url", headers: bearer(owner.token) })).json().url;
    const next = (await t.app.inject({ method: "POST", url: "/v1/calendar/feed-url/rotate", headers: bearer(owner.token) })).json().url;
    expect(next).not.toBe(old);
    expect((await t.app.inject({ method: "GET", url: new URL(old).pathname })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: new URL(next).pathname })).statusCode).toBe(200);
    expect((await t.app.inject({ method: "GET", url: "/v1/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics" })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: "/v1/calendar/short.ics" })).statusCode).toBe(422);
  });

  it("each workspace has its own feed: B's feed shows none of A's appointments; 401 and 403", async () => {
    const url = (await t.app.inject({ method: "GET", url: "/v1/calendar/feed-url", headers: bearer(other.token) })).json().url;
    const mine = (await t.app.inject({ method: "GET", url: "/v1/calendar/feed-url", headers: bearer(owner.token) })).json().url;
    expect(url).not.toBe(mine);
    const ics = await t.app.inject({ method: "GET", url: new URL(url).pathname });
    expect(parseIcs(ics.body).events).toEqual([]);
    expect((await t.app.inject({ method: "GET", url: "/v1/calendar/feed-url" })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "GET", url: "/v1/calendar/feed-url", headers: bearer(staff.token) })).statusCode).toBe(403);
  });
});
