import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schema, type DomainEventRow } from "@orbis/db";
import { eq } from "@orbis/db/testing";
import { booking, createAgentWithBusiness, localInstant } from "./bookings.fixtures.ts";
import { addMember, bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

/** Every state change that matters writes its domain event in the change's transaction, and only then. */
let t: TestApp;
let owner: Account;
let agentId: string;

beforeAll(async () => {
  t = await buildTestApp({ providerKeys: { anthropic: { apiKey: "sk-ant-platform" } } });
  owner = await signup(t.app, "events");
  agentId = await createAgentWithBusiness(t.app, owner);
});
afterAll(() => t.close());

const as = (account: Account, method: "GET" | "POST" | "PATCH" | "PUT", url: string, payload?: object) =>
  t.app.inject({ method, url, headers: bearer(account.token), ...(payload === undefined ? {} : { payload }) });

/** The workspace's events of a type, oldest first (read on the system connection, as the relay does). */
async function events(workspaceId: string, type?: string): Promise<DomainEventRow[]> {
  const rows = await t.db.system.select().from(schema.domainEvents).where(eq(schema.domainEvents.workspaceId, workspaceId));
  return rows.filter((r) => !type || r.type === type).sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id.localeCompare(b.id));
}
const allOfType = async (type: string) => (await t.db.system.select().from(schema.domainEvents).where(eq(schema.domainEvents.type, type))) as DomainEventRow[];

describe("signup", () => {
  it("writes user.created and workspace.created in the signup transaction; a refused signup writes none", async () => {
    const a = await signup(t.app, "ev-signup");
    // One transaction, one now(): both rows have the same occurred_at, so they are compared by type.
    const created = (await events(a.workspaceId)).sort((x, y) => x.type.localeCompare(y.type));
    expect(created.map((e) => [e.type, e.version])).toEqual([
      ["user.created", 1],
      ["workspace.created", 1],
    ]);
    expect(created[0]!.payload).toEqual({ userId: a.userId, email: a.email, name: "ev-signup owner" });
    expect(created[1]!.payload).toEqual({ workspaceId: a.workspaceId, name: "ev-signup workspace", ownerUserId: a.userId });

    const before = (await allOfType("workspace.created")).length;
    const dup = await t.app.inject({
      method: "POST",
      url: "/v1/auth/signup",
      payload: { email: a.email, password: "another password 123", name: "Dup", workspaceName: "Dup workspace" },
    });
    expect(dup.statusCode).toBe(409);
    expect((await allOfType("workspace.created")).length).toBe(before);
    expect((await allOfType("user.created")).filter((e) => (e.payload as { email: string }).email === a.email)).toHaveLength(1);
  });
});

describe("members", () => {
  it("member.invited with the invitation; member.joined once when it is accepted", async () => {
    const invite = await as(owner, "POST", "/v1/workspaces/current/invitations", { email: "nia@example.com", role: "staff" });
    expect(invite.statusCode, invite.body).toBe(201);
    const inv = invite.json();
    const invited = await events(owner.workspaceId, "member.invited");
    expect(invited.map((e) => e.payload)).toEqual([{ invitationId: inv.id, email: "nia@example.com", role: "staff", invitedByUserId: owner.userId }]);

    const accept = await t.app.inject({ method: "POST", url: "/v1/invitations/accept", payload: { token: inv.token, name: "Nia", password: "new member pw" } });
    expect(accept.statusCode, accept.body).toBe(200);
    const joined = await events(owner.workspaceId, "member.joined");
    expect(joined.map((e) => e.payload)).toEqual([{ userId: accept.json().user.id, role: "staff" }]);

    // Accepting again is refused and writes nothing.
    const again = await t.app.inject({ method: "POST", url: "/v1/invitations/accept", payload: { token: inv.token, name: "Nia", password: "new member pw" } });
    expect(again.statusCode).toBe(404);
    expect(await events(owner.workspaceId, "member.joined")).toHaveLength(1);
  });

  it("a refused invitation (a staff member may not invite) writes no event", async () => {
    const staff = await addMember(t.app, owner, "staff");
    const before = (await events(owner.workspaceId, "member.invited")).length;
    const res = await as(staff, "POST", "/v1/workspaces/current/invitations", { email: "x@example.com", role: "viewer" });
    expect(res.statusCode).toBe(403);
    expect(await events(owner.workspaceId, "member.invited")).toHaveLength(before);
  });
});

describe("agents", () => {
  it("agent.published per version created (publish and rollback); none when unchanged or refused", async () => {
    const id = (await as(owner, "POST", "/v1/agents", validAgent)).json().id as string;
    const published = async () => (await events(owner.workspaceId, "agent.published")).filter((e) => (e.payload as { agentId: string }).agentId === id);

    const first = await as(owner, "POST", `/v1/agents/${id}/publish`, {});
    expect(first.statusCode, first.body).toBe(200);
    expect((await published()).map((e) => e.payload)).toEqual([{ agentId: id, versionId: first.json().version.id, version: 1 }]);
    expect((await as(owner, "POST", `/v1/agents/${id}/publish`, {})).json().unchanged).toBe(true);
    expect(await published()).toHaveLength(1);

    await as(owner, "PATCH", `/v1/agents/${id}`, { greeting: "A new hello." });
    expect((await as(owner, "POST", `/v1/agents/${id}/publish`, {})).json().publishedVersion).toBe(2);
    const back = await as(owner, "POST", `/v1/agents/${id}/versions/1/rollback`, {});
    expect(back.statusCode, back.body).toBe(200);
    expect((await published()).map((e) => (e.payload as { version: number }).version)).toEqual([1, 2, 3]);

    // Refused by publish readiness (no OpenAI key): no version, no event.
    await as(owner, "PATCH", `/v1/agents/${id}`, { providers: { llm: ["openai"] } });
    expect((await as(owner, "POST", `/v1/agents/${id}/publish`, {})).statusCode).toBe(422);
    expect(await published()).toHaveLength(3);
  });
});

describe("appointments (dashboard)", () => {
  it("appointment.booked with the instants in the appointment's zone; a conflict writes none", async () => {
    const start = localInstant(3, "10:00");
    const created = await as(owner, "POST", "/v1/appointments", booking(agentId, start));
    expect(created.statusCode, created.body).toBe(201);
    const apt = created.json();
    const clash = await as(owner, "POST", "/v1/appointments", booking(agentId, start, { customerName: "Late Comer" }));
    expect(clash.statusCode).toBe(409);

    const booked = await events(owner.workspaceId, "appointment.booked");
    expect(booked.map((e) => e.payload)).toEqual([
      {
        appointmentId: apt.id,
        agentId,
        callId: null,
        serviceId: "hour",
        staffId: null,
        start,
        end: localInstant(3, "11:00"),
        timezone: "America/New_York",
        customerName: "Pat Doe",
        customerPhone: apt.customerPhone,
        customerEmail: "",
        source: "dashboard",
      },
    ]);
    expect(start).toMatch(/-0[45]:00$/);
  });

  it("concurrent bookings of one slot: one event, for the one booking made", async () => {
    const start = localInstant(4, "14:00");
    const before = (await events(owner.workspaceId, "appointment.booked")).length;
    const results = await Promise.all(Array.from({ length: 4 }, () => as(owner, "POST", "/v1/appointments", booking(agentId, start))));
    const made = results.filter((r) => r.statusCode === 201);
    expect(made).toHaveLength(1);
    const after = await events(owner.workspaceId, "appointment.booked");
    expect(after).toHaveLength(before + 1);
    expect((after.at(-1)!.payload as { appointmentId: string }).appointmentId).toBe(made[0]!.json().id);
  });

  it("appointment.rescheduled on a move (with the previous start), none for an edit or a refused move", async () => {
    const a = (await as(owner, "POST", "/v1/appointments", booking(agentId, localInstant(5, "10:00")))).json();
    const rescheduled = async () =>
      (await events(owner.workspaceId, "appointment.rescheduled")).filter((e) => (e.payload as { appointmentId: string }).appointmentId === a.id);

    expect((await as(owner, "PATCH", `/v1/appointments/${a.id}`, { notes: "bring forms" })).statusCode).toBe(200);
    expect(await rescheduled()).toHaveLength(0);

    const moved = await as(owner, "PATCH", `/v1/appointments/${a.id}`, { start: localInstant(5, "13:00") });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await rescheduled()).map((e) => e.payload)).toEqual([
      expect.objectContaining({ appointmentId: a.id, start: localInstant(5, "13:00"), previousStart: localInstant(5, "10:00"), timezone: "America/New_York" }),
    ]);

    // A move onto a taken slot is refused: no event.
    await as(owner, "POST", "/v1/appointments", booking(agentId, localInstant(5, "15:00")));
    expect((await as(owner, "PATCH", `/v1/appointments/${a.id}`, { start: localInstant(5, "15:00") })).statusCode).toBe(409);
    expect(await rescheduled()).toHaveLength(1);
  });

  it("appointment.cancelled once, with the reason", async () => {
    const a = (await as(owner, "POST", "/v1/appointments", booking(agentId, localInstant(6, "10:00")))).json();
    expect((await as(owner, "POST", `/v1/appointments/${a.id}/cancel`, { reason: "feeling better" })).statusCode).toBe(200);
    expect((await as(owner, "POST", `/v1/appointments/${a.id}/cancel`, { reason: "again" })).statusCode).toBe(200);
    const cancelled = (await events(owner.workspaceId, "appointment.cancelled")).filter((e) => (e.payload as { appointmentId: string }).appointmentId === a.id);
    expect(cancelled.map((e) => e.payload)).toEqual([
      expect.objectContaining({ appointmentId: a.id, reason: "feeling better", source: "dashboard", start: a.start }),
    ]);
  });
});

describe("messages", () => {
  it("message.taken when the agent's take_message runs; a refused one writes none", async () => {
    const res = await as(owner, "POST", `/v1/agents/${agentId}/tools/take_message/invoke`, {
      args: { callerName: "Sam Carter", callbackNumber: "+12125550113", text: "The boiler is leaking", urgency: "high" },
    });
    expect(res.json(), res.body).toMatchObject({ ok: true });
    const taken = await events(owner.workspaceId, "message.taken");
    expect(taken.map((e) => e.payload)).toEqual([
      {
        messageId: res.json().result.messageId,
        agentId,
        callId: null,
        callerName: "Sam Carter",
        callbackNumber: "+12125550113",
        text: "The boiler is leaking",
        urgency: "high",
      },
    ]);
    const bad = await as(owner, "POST", `/v1/agents/${agentId}/tools/take_message/invoke`, { args: { callerName: "", callbackNumber: "1", text: "" } });
    expect(bad.json().ok).not.toBe(true);
    expect(await events(owner.workspaceId, "message.taken")).toHaveLength(1);
  });
});
