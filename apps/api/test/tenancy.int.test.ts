import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getTableName, type Table } from "@orbis/db/testing";
import { createId } from "@orbis/contracts";
import { schema, tenantScope } from "@orbis/db";
import { booking, localInstant, testBusiness } from "./bookings.fixtures.ts";
import { addMember, bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let a: Account;
let b: Account;
let aMember: Account;
const ids = { agent: "", key: "", invitation: "", appointment: "", message: "", tool: "", call: "", phoneNumber: "" };

async function snapshotOf(workspaceId: string) {
  const out: Record<string, unknown[]> = {};
  for (const table of tenantTables()) {
    const rows = (await t.db.system.select().from(table)) as { workspaceId?: string; id?: string }[];
    out[getTableName(table)] = rows.filter((r) => (r.workspaceId ?? r.id) === workspaceId);
  }
  return out;
}
const tenantTables = (): Table[] => [
  schema.workspaces,
  schema.memberships,
  schema.invitations,
  schema.apiKeys,
  schema.agents,
  schema.agentVersions,
  schema.calls,
  schema.callTurns,
  schema.auditLogs,
  schema.appointments,
  schema.messages,
  schema.agentTools,
  schema.calendarFeeds,
  schema.phoneNumbers,
  schema.workspaceCredentials,
  schema.callEvents,
];

beforeAll(async () => {
  t = await buildTestApp();
  a = await signup(t.app, "tenant-a");
  b = await signup(t.app, "tenant-b");
  aMember = await addMember(t.app, a, "staff");
  ids.agent = (await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(a.token), payload: validAgent })).json().id;
  await t.app.inject({ method: "POST", url: `/v1/agents/${ids.agent}/publish`, headers: bearer(a.token) });
  ids.key = (await t.app.inject({ method: "POST", url: "/v1/api-keys", headers: bearer(a.token), payload: { name: "a", kind: "secret" } })).json().id;
  ids.invitation = (
    await t.app.inject({ method: "POST", url: "/v1/workspaces/current/invitations", headers: bearer(a.token), payload: { email: "pending@a.example" } })
  ).json().id;
  await t.app.inject({ method: "PUT", url: `/v1/agents/${ids.agent}/business`, headers: bearer(a.token), payload: testBusiness });
  ids.appointment = (
    await t.app.inject({ method: "POST", url: "/v1/appointments", headers: bearer(a.token), payload: booking(ids.agent, localInstant(2, "10:00")) })
  ).json().id;
  const toolArgs = { type: "object", properties: { q: { type: "string" } } };
  ids.tool = (
    await t.app.inject({
      method: "POST",
      url: `/v1/agents/${ids.agent}/tools`,
      headers: bearer(a.token),
      payload: { name: "lookup", description: "d", args: toolArgs, url: "https://hooks.example.com/x" },
    })
  ).json().id;
  const message = { callerName: "Robin", callbackNumber: "+12125550113", text: "call me", urgency: "normal" };
  ids.message = (
    await t.app.inject({ method: "POST", url: `/v1/agents/${ids.agent}/tools/take_message/invoke`, headers: bearer(a.token), payload: { args: message } })
  ).json().result.messageId;
  await t.app.inject({ method: "GET", url: "/v1/calendar/feed-url", headers: bearer(a.token) });
  ids.call = createId("call");
  const callsOfA = tenantScope(t.db, a.workspaceId).calls;
  await callsOfA.insert({ id: ids.call, agentId: ids.agent, channel: "web", status: "completed" });
  await callsOfA.insertTurn({ id: createId("turn"), callId: ids.call, seq: 0, agentText: "hello", startedAt: new Date(), endedAt: new Date() });
  ids.phoneNumber = (
    await t.app.inject({
      method: "POST",
      url: "/v1/phone-numbers",
      headers: bearer(a.token),
      payload: { number: "+14155550177", provider: "twilio", agentId: ids.agent },
    })
  ).json().id;
  await t.app.inject({
    method: "PUT",
    url: "/v1/credentials/twilio",
    headers: bearer(a.token),
    payload: { accountSid: `AC${"a".repeat(32)}`, authToken: "tenant-a-auth-token-0000" },
  });
  await tenantScope(t.db, a.workspaceId).callEvents.record({
    id: "cev_tenancy_a",
    callId: ids.call,
    provider: "twilio",
    kind: "inbound",
    status: "ringing",
    providerCallId: "CA1",
    occurredAt: new Date(),
  });
});
afterAll(() => t.close());

describe("cross-tenant: B's credentials against A's ids", () => {
  it("every resource route answers 404 and A's rows do not change", async () => {
    const before = await snapshotOf(a.workspaceId);
    const attempts: [method: "GET" | "PATCH" | "PUT" | "POST" | "DELETE", url: string, payload?: object][] = [
      ["GET", `/v1/agents/${ids.agent}`],
      ["GET", `/v1/calls/${ids.call}`],
      ["PATCH", `/v1/agents/${ids.agent}`, { name: "owned by B" }],
      ["POST", `/v1/agents/${ids.agent}/publish`],
      ["GET", `/v1/agents/${ids.agent}/versions`],
      ["GET", `/v1/agents/${ids.agent}/business`],
      ["PUT", `/v1/agents/${ids.agent}/business`, { ...testBusiness, name: "owned by B" }],
      ["GET", `/v1/appointments/${ids.appointment}`],
      ["PATCH", `/v1/appointments/${ids.appointment}`, { notes: "owned by B" }],
      ["POST", `/v1/appointments/${ids.appointment}/cancel`, {}],
      ["POST", "/v1/appointments", booking(ids.agent, localInstant(3, "10:00"))],
      ["GET", `/v1/messages/${ids.message}`],
      ["PATCH", `/v1/messages/${ids.message}`, { status: "done" }],
      ["GET", `/v1/agents/${ids.agent}/tools`],
      ["GET", `/v1/agents/${ids.agent}/tools/${ids.tool}`],
      ["PATCH", `/v1/agents/${ids.agent}/tools/${ids.tool}`, { description: "owned by B" }],
      ["POST", `/v1/agents/${ids.agent}/tools/${ids.tool}/invoke`, { args: {} }],
      ["DELETE", `/v1/agents/${ids.agent}/tools/${ids.tool}`],
      ["POST", `/v1/agents/${ids.agent}/chat`, { text: "hi" }],
      ["DELETE", `/v1/agents/${ids.agent}`],
      ["DELETE", `/v1/api-keys/${ids.key}`],
      ["GET", `/v1/phone-numbers/${ids.phoneNumber}`],
      ["PATCH", `/v1/phone-numbers/${ids.phoneNumber}`, { label: "owned by B" }],
      ["DELETE", `/v1/phone-numbers/${ids.phoneNumber}`],
      ["POST", "/v1/phone-numbers", { number: "+14155550178", provider: "twilio", agentId: ids.agent }],
      ["DELETE", "/v1/credentials/twilio"],
      ["GET", "/v1/credentials/twilio"],
      ["PATCH", `/v1/workspaces/current/members/${aMember.userId}`, { role: "viewer" }],
      ["PUT", `/v1/workspaces/current/members/${aMember.userId}/status`, { status: "blocked" }],
      ["DELETE", `/v1/workspaces/current/members/${aMember.userId}`],
    ];
    for (const [method, url, payload] of attempts) {
      const res = await t.app.inject({ method, url, headers: bearer(b.token), payload });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code).toBe("not_found");
    }
    expect(await snapshotOf(a.workspaceId)).toEqual(before);
  });

  it("B's lists contain nothing of A's", async () => {
    for (const url of [
      "/v1/calls",
      "/v1/analytics/overview",
      "/v1/appointments",
      "/v1/messages",
      "/v1/agents",
      "/v1/api-keys",
      "/v1/workspaces/current/members",
      "/v1/workspaces/current/invitations",
      "/v1/audit-logs",
      "/v1/workspaces/current",
      "/v1/phone-numbers",
    ]) {
      const body = (await t.app.inject({ method: "GET", url, headers: bearer(b.token) })).body;
      for (const foreign of [
        a.workspaceId,
        a.userId,
        aMember.userId,
        ids.agent,
        ids.key,
        ids.invitation,
        ids.call,
        ids.appointment,
        ids.message,
        ids.tool,
        ids.phoneNumber,
      ]) {
        expect(body, `${url} leaks ${foreign}`).not.toContain(foreign);
      }
    }
  });

  it("a token minted for A's workspace cannot be replayed by a non-member", async () => {
    const login = await t.app.inject({ method: "POST", url: "/v1/auth/login", payload: { email: b.email, password: b.password, workspaceId: a.workspaceId } });
    expect(login.statusCode).toBe(403);
  });
});

describe("RLS alone: the repository layer bypassed", () => {
  it("an unfiltered select on every tenant table in B's transaction returns none of A's rows", async () => {
    const aRows = await snapshotOf(a.workspaceId);
    for (const table of tenantTables()) {
      const name = getTableName(table);
      const seenByB = (await t.db.withTenant(b.workspaceId, (tx) => tx.select().from(table))) as { workspaceId?: string; id: string }[];
      expect(
        seenByB.every((r) => (r.workspaceId ?? r.id) === b.workspaceId),
        `${name} leaks across tenants`,
      ).toBe(true);
      const seenByA = (await t.db.withTenant(a.workspaceId, (tx) => tx.select().from(table))) as unknown[];
      expect(seenByA.length, name).toBe(aRows[name]!.length);
    }
    expect(aRows.agents!.length).toBeGreaterThan(0);
    expect(aRows.api_keys!.length).toBeGreaterThan(0);
    expect(aRows.audit_logs!.length).toBeGreaterThan(0);
    for (const name of ["appointments", "messages", "agent_tools", "calendar_feeds", "phone_numbers", "workspace_credentials", "call_events"])
      expect(aRows[name]!.length, name).toBeGreaterThan(0);
  });

  it("users are visible to a workspace only through its memberships", async () => {
    const seenByB = await t.db.withTenant(b.workspaceId, (tx) => tx.select().from(schema.users));
    expect(seenByB.map((u) => u.id)).toEqual([b.userId]);
  });
});
