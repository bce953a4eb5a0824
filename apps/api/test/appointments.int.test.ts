import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { booking, createAgentWithBusiness, localInstant, testBusiness } from "./bookings.fixtures.ts";
import { addMember, bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let owner: Account;
let staff: Account;
let viewer: Account;
let other: Account;
let agentId: string;
let otherAgentId: string;

beforeAll(async () => {
  t = await buildTestApp();
  owner = await signup(t.app, "apt");
  staff = await addMember(t.app, owner, "staff");
  viewer = await addMember(t.app, owner, "viewer");
  other = await signup(t.app, "apt-other");
  agentId = await createAgentWithBusiness(t.app, owner);
  otherAgentId = await createAgentWithBusiness(t.app, other);
});
afterAll(() => t.close());

const inject = (account: Account | null, method: "GET" | "POST" | "PATCH", url: string, payload?: object) =>
  t.app.inject({ method, url, ...(account ? { headers: bearer(account.token) } : {}), ...(payload ? { payload } : {}) });

describe("/v1/appointments", () => {
  it("staff books, viewer lists by day and range, the list is in start order", async () => {
    const start = localInstant(3, "10:00");
    const created = await inject(staff, "POST", "/v1/appointments", booking(agentId, start));
    expect(created.statusCode, created.body).toBe(201);
    const apt = created.json();
    expect(apt).toMatchObject({ agentId, serviceId: "hour", staffId: null, start, status: "booked", source: "dashboard", customerName: "Pat Doe" });
    expect(apt.id).toMatch(/^apt_/);
    await inject(staff, "POST", "/v1/appointments", booking(agentId, localInstant(3, "09:00")));

    const day = start.slice(0, 10);
    const byDay = await inject(viewer, "GET", `/v1/appointments?day=${day}&agentId=${agentId}`);
    expect(byDay.statusCode).toBe(200);
    expect(byDay.json().data.map((a: { start: string }) => a.start)).toEqual([localInstant(3, "09:00"), start]);

    const range = await inject(
      viewer,
      "GET",
      `/v1/appointments?from=${encodeURIComponent(start)}&to=${encodeURIComponent(localInstant(4, "00:00"))}&status=booked`,
    );
    expect(range.json().data.map((a: { id: string }) => a.id)).toEqual([apt.id]);
    expect((await inject(viewer, "GET", `/v1/appointments/${apt.id}`)).json()).toEqual(apt);
  });

  it("pages with a cursor", async () => {
    const day = localInstant(3, "00:00").slice(0, 10);
    const first = (await inject(viewer, "GET", `/v1/appointments?day=${day}&limit=1`)).json();
    expect(first.data).toHaveLength(1);
    expect(first.nextCursor).toBeTruthy();
    const second = (await inject(viewer, "GET", `/v1/appointments?day=${day}&limit=1&cursor=${first.nextCursor}`)).json();
    expect(second.data).toHaveLength(1);
    expect(second.data[0].id).not.toBe(first.data[0].id);
  });

  it("a taken slot is 409; outside opening hours is 422 with the reason", async () => {
    const start = localInstant(5, "11:00");
    expect((await inject(staff, "POST", "/v1/appointments", booking(agentId, start))).statusCode).toBe(201);
    const clash = await inject(staff, "POST", "/v1/appointments", booking(agentId, localInstant(5, "11:00")));
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.code).toBe("conflict");
    const late = await inject(staff, "POST", "/v1/appointments", booking(agentId, localInstant(5, "20:00")));
    expect(late.statusCode).toBe(422);
    expect(late.json().error.details).toEqual({ reason: "outside_hours" });
  });

  it("concurrent bookings of one slot through the API: exactly one 201", async () => {
    const start = localInstant(6, "14:00");
    const results = await Promise.all(Array.from({ length: 8 }, () => inject(staff, "POST", "/v1/appointments", booking(agentId, start))));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
  });

  it("PATCH moves (re-checking the rules), edits and marks completed; cancel is idempotent and frees the slot", async () => {
    const a = (await inject(staff, "POST", "/v1/appointments", booking(agentId, localInstant(7, "10:00")))).json();
    const moved = await inject(staff, "PATCH", `/v1/appointments/${a.id}`, { start: localInstant(7, "13:00"), notes: "moved by phone" });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ start: localInstant(7, "13:00"), end: localInstant(7, "14:00"), notes: "moved by phone" });
    const closed = await inject(staff, "PATCH", `/v1/appointments/${a.id}`, { start: localInstant(7, "18:00") });
    expect(closed.statusCode).toBe(422);

    const b = (await inject(staff, "POST", "/v1/appointments", booking(agentId, localInstant(7, "15:00"), { serviceId: "cut" }))).json();
    expect(b.staffId).toBe("ann");
    const toBob = await inject(staff, "PATCH", `/v1/appointments/${b.id}`, { staffId: "bob" });
    expect(toBob.json().staffId).toBe("bob");

    const cancelled = await inject(staff, "POST", `/v1/appointments/${a.id}/cancel`, { reason: "sick" });
    expect(cancelled.json()).toMatchObject({ status: "cancelled" });
    expect(cancelled.json().notes).toContain("sick");
    expect((await inject(staff, "POST", `/v1/appointments/${a.id}/cancel`, {})).json().status).toBe("cancelled");
    expect((await inject(staff, "PATCH", `/v1/appointments/${a.id}`, { notes: "x" })).statusCode).toBe(409);
    expect((await inject(staff, "POST", "/v1/appointments", booking(agentId, localInstant(7, "13:00")))).statusCode).toBe(201);

    const done = await inject(staff, "PATCH", `/v1/appointments/${b.id}`, { status: "completed" });
    expect(done.json().status).toBe("completed");
  });

  it("availability: free starts skip booked ones, in the business zone", async () => {
    const from = localInstant(8, "00:00");
    const to = localInstant(9, "00:00");
    await inject(staff, "POST", "/v1/appointments", booking(agentId, localInstant(8, "10:00")));
    const res = await inject(
      viewer,
      "GET",
      `/v1/appointments/availability?agentId=${agentId}&serviceId=hour&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.timezone).toBe(testBusiness.timezone);
    const starts = body.slots.map((s: { start: string }) => s.start);
    expect(starts).toContain(localInstant(8, "09:00"));
    expect(starts).not.toContain(localInstant(8, "10:00"));
    expect(starts).toContain(localInstant(8, "16:00"));
    expect(starts).toHaveLength(7);
    const unknown = await inject(
      viewer,
      "GET",
      `/v1/appointments/availability?agentId=${agentId}&serviceId=nope&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    );
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.details[0].path).toBe("query.serviceId");
  });

  it("422 with the path of the bad field", async () => {
    const res = await inject(staff, "POST", "/v1/appointments", { ...booking(agentId, "tomorrow at ten"), customerName: "" });
    expect(res.statusCode).toBe(422);
    const paths = res.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toContain("body.start");
    expect(paths).toContain("body.customerName");
    const q = await inject(viewer, "GET", "/v1/appointments?status=maybe");
    expect(q.json().error.details[0].path).toBe("querystring.status");
  });

  it("401 without credentials, 403 for a viewer booking or cancelling", async () => {
    expect((await inject(null, "GET", "/v1/appointments")).statusCode).toBe(401);
    expect(
      (await inject(null, "GET", `/v1/appointments/availability?agentId=${agentId}&serviceId=hour&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`))
        .statusCode,
    ).toBe(401);
    const v = await inject(viewer, "POST", "/v1/appointments", booking(agentId, localInstant(10, "10:00")));
    expect(v.statusCode).toBe(403);
    const any = (await inject(viewer, "GET", "/v1/appointments")).json().data[0];
    expect((await inject(viewer, "POST", `/v1/appointments/${any.id}/cancel`, {})).statusCode).toBe(403);
    expect((await inject(viewer, "PATCH", `/v1/appointments/${any.id}`, { notes: "x" })).statusCode).toBe(403);
  });

  it("foreign ids are 404 and change nothing: B's appointment, B's agent", async () => {
    const theirs = (await inject(other, "POST", "/v1/appointments", booking(otherAgentId, localInstant(3, "10:00")))).json();
    expect(theirs.status).toBe("booked");
    for (const [method, url, payload] of [
      ["GET", `/v1/appointments/${theirs.id}`],
      ["PATCH", `/v1/appointments/${theirs.id}`, { notes: "mine now" }],
      ["POST", `/v1/appointments/${theirs.id}/cancel`, {}],
      ["POST", "/v1/appointments", booking(otherAgentId, localInstant(11, "10:00"))],
      [
        "GET",
        `/v1/appointments/availability?agentId=${otherAgentId}&serviceId=hour&from=${encodeURIComponent(localInstant(3, "00:00"))}&to=${encodeURIComponent(localInstant(4, "00:00"))}`,
      ],
    ] as const) {
      const res = await inject(owner, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await inject(other, "GET", `/v1/appointments/${theirs.id}`)).json()).toEqual(theirs);
    const mine = (await inject(owner, "GET", "/v1/appointments?limit=500")).body;
    expect(mine).not.toContain(theirs.id);
  });
});
