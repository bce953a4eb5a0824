import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DbMessageSink } from "@orbis/agent-runtime";
import { tenantScope } from "@orbis/db";
import { sql } from "@orbis/db/testing";
import { booking, createAgentWithBusiness, localInstant, testBusiness } from "./bookings.fixtures.ts";
import { addMember, bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

/**
 * Every mutation of the API writes its audit row, in the change's transaction, and the row's metadata
 * holds no secret. One case per resource: the change through the API, then the row it must have left.
 */
let t: TestApp;
let owner: Account;
let staff: Account;
let agentId: string;

const TWILIO_TOKEN = "super-secret-auth-token-1234";
const TOOL_HEADER = "tenant-header-secret-5678";

beforeAll(async () => {
  t = await buildTestApp();
  owner = await signup(t.app, "audit-complete");
  staff = await addMember(t.app, owner, "staff");
  agentId = await createAgentWithBusiness(t.app, owner);
});
afterAll(() => t.close());

async function call(who: Account, method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", url: string, payload?: unknown) {
  const res = await t.app.inject({ method, url, headers: bearer(who.token), ...(payload !== undefined ? { payload: payload as object } : {}) });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return res.statusCode === 204 ? {} : (res.json() as Record<string, unknown>);
}
const idOf = async (p: Promise<Record<string, unknown>>) => (await p).id as string;
const auditRows = () => tenantScope(t.db, owner.workspaceId).audit.list(1000);

interface Case {
  action: string;
  targetType: string;
  /** Makes the change; returns the id the audit row must name. */
  change: () => Promise<string>;
}

const cases: Case[] = [
  { action: "agent.created", targetType: "agent", change: () => idOf(call(owner, "POST", "/v1/agents", validAgent)) },
  {
    action: "agent.updated",
    targetType: "agent",
    change: async () => (await call(owner, "PATCH", `/v1/agents/${agentId}`, { greeting: "Hello there." }), agentId),
  },
  {
    action: "agent.deleted",
    targetType: "agent",
    change: async () => {
      const id = await idOf(call(owner, "POST", "/v1/agents", validAgent));
      await call(owner, "DELETE", `/v1/agents/${id}`);
      return id;
    },
  },
  { action: "business.updated", targetType: "agent", change: async () => (await call(owner, "PUT", `/v1/agents/${agentId}/business`, testBusiness), agentId) },
  { action: "calendar_feed.created", targetType: "calendar_feed", change: async () => (await call(owner, "GET", "/v1/calendar/feed-url"), owner.workspaceId) },
  {
    action: "calendar_feed.rotated",
    targetType: "calendar_feed",
    change: async () => (await call(owner, "POST", "/v1/calendar/feed-url/rotate"), owner.workspaceId),
  },
  {
    action: "phone_number.created",
    targetType: "phone_number",
    change: () => idOf(call(owner, "POST", "/v1/phone-numbers", { number: "+14155550170", provider: "twilio" })),
  },
  {
    action: "phone_number.updated",
    targetType: "phone_number",
    change: async () => {
      const id = await idOf(call(owner, "POST", "/v1/phone-numbers", { number: "+14155550171", provider: "twilio" }));
      await call(owner, "PATCH", `/v1/phone-numbers/${id}`, { label: "Back office" });
      return id;
    },
  },
  {
    action: "phone_number.deleted",
    targetType: "phone_number",
    change: async () => {
      const id = await idOf(call(owner, "POST", "/v1/phone-numbers", { number: "+14155550172", provider: "twilio" }));
      await call(owner, "DELETE", `/v1/phone-numbers/${id}`);
      return id;
    },
  },
  {
    action: "credentials.set",
    targetType: "credentials",
    change: async () => (
      await call(owner, "PUT", "/v1/credentials/twilio", { accountSid: `AC${"0123456789abcdef".repeat(2)}`, authToken: TWILIO_TOKEN }),
      "twilio"
    ),
  },
  { action: "credentials.deleted", targetType: "credentials", change: async () => (await call(owner, "DELETE", "/v1/credentials/twilio"), "twilio") },
  { action: "api_key.created", targetType: "api_key", change: () => idOf(call(owner, "POST", "/v1/api-keys", { name: "audit", kind: "secret" })) },
  {
    action: "api_key.revoked",
    targetType: "api_key",
    change: async () => {
      const id = await idOf(call(owner, "POST", "/v1/api-keys", { name: "to revoke", kind: "secret" }));
      await call(owner, "DELETE", `/v1/api-keys/${id}`);
      return id;
    },
  },
  {
    action: "appointment.created",
    targetType: "appointment",
    change: () => idOf(call(staff, "POST", "/v1/appointments", booking(agentId, localInstant(3, "10:00")))),
  },
  {
    action: "appointment.updated",
    targetType: "appointment",
    change: async () => {
      const id = await idOf(call(staff, "POST", "/v1/appointments", booking(agentId, localInstant(3, "12:00"))));
      await call(staff, "PATCH", `/v1/appointments/${id}`, { notes: "Bring the x-rays" });
      return id;
    },
  },
  {
    action: "appointment.cancelled",
    targetType: "appointment",
    change: async () => {
      const id = await idOf(call(staff, "POST", "/v1/appointments", booking(agentId, localInstant(3, "14:00"))));
      await call(staff, "POST", `/v1/appointments/${id}/cancel`, { reason: "Ill" });
      return id;
    },
  },
  {
    action: "message.status_changed",
    targetType: "message",
    change: async () => {
      const message = await new DbMessageSink(tenantScope(t.db, owner.workspaceId)).saveMessage({
        agentId,
        callId: null,
        callerName: "Sam",
        callbackNumber: "+14155550123",
        text: "Please call back",
        urgency: "normal",
      });
      await call(staff, "PATCH", `/v1/messages/${message.id}`, { status: "done" });
      return message.id;
    },
  },
  {
    action: "workspace.updated",
    targetType: "workspace",
    change: async () => (await call(owner, "PUT", "/v1/workspaces/current", { name: "Audited Inc" }), owner.workspaceId),
  },
  {
    action: "tool.created",
    targetType: "tool",
    change: () =>
      idOf(
        call(owner, "POST", `/v1/agents/${agentId}/tools`, {
          name: "audited_tool",
          description: "d",
          args: { type: "object" },
          url: "https://hooks.example.com/x",
          headers: { "X-Api-Key": TOOL_HEADER },
        }),
      ),
  },
];

describe("audit completeness", () => {
  it.each(cases)("$action writes its audit row", async ({ action, targetType, change }) => {
    const before = new Set((await auditRows()).map((r) => r.id));
    const targetId = await change();
    const rows = (await auditRows()).filter((r) => !before.has(r.id) && r.action === action && r.targetId === targetId);
    expect(rows, `${action} ${targetId}`).toHaveLength(1);
    expect(rows[0]).toMatchObject({ targetType, actorUserId: expect.stringMatching(/^usr_/) });
  });

  it("no audit row holds a secret", async () => {
    const all = JSON.stringify(await auditRows());
    for (const secret of [TWILIO_TOKEN, TOOL_HEADER, "sk_live_", "tsec_"]) expect(all).not.toContain(secret);
  });

  it("cancelling an appointment twice writes one row (nothing changed the second time)", async () => {
    const id = await idOf(call(staff, "POST", "/v1/appointments", booking(agentId, localInstant(4, "10:00"))));
    await call(staff, "POST", `/v1/appointments/${id}/cancel`, {});
    await call(staff, "POST", `/v1/appointments/${id}/cancel`, {});
    expect((await auditRows()).filter((r) => r.action === "appointment.cancelled" && r.targetId === id)).toHaveLength(1);
  });

  it("a change whose audit row cannot be written is undone (the same transaction)", async () => {
    await t.db.system.execute(
      sql.raw(`create or replace function refuse_audit_completeness() returns trigger language plpgsql as $$
        begin
          if new.action in ('agent.updated', 'workspace.updated') then raise exception 'audit refused by the test'; end if;
          return new;
        end $$`),
    );
    await t.db.system.execute(
      sql`create trigger refuse_audit_completeness before insert on audit_logs for each row execute function refuse_audit_completeness()`,
    );
    try {
      const tryCall = (method: "PATCH" | "PUT", url: string, payload: object) => t.app.inject({ method, url, headers: bearer(owner.token), payload });
      expect((await tryCall("PATCH", `/v1/agents/${agentId}`, { name: "Never saved" })).statusCode).toBe(500);
      expect((await tryCall("PUT", "/v1/workspaces/current", { name: "Never saved" })).statusCode).toBe(500);
    } finally {
      await t.db.system.execute(sql`drop trigger refuse_audit_completeness on audit_logs`);
      await t.db.system.execute(sql`drop function refuse_audit_completeness()`);
    }
    expect((await call(owner, "GET", `/v1/agents/${agentId}`)).name).not.toBe("Never saved");
    expect((await call(owner, "GET", "/v1/workspaces/current")).name).not.toBe("Never saved");
  });
});
