import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createId } from "@orbis/contracts";
import { schema, smsSystemRepository, systemRepository, tenantScope } from "@orbis/db";
import { sql } from "@orbis/db/testing";
import { localRecordingStore, type RecordingStore } from "@orbis/recordings";
import { addMember, bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

const TENANT_TABLES = schema.TENANT_TABLES;
let t: TestApp;
let dataDir: string;
let store: RecordingStore;

const TOOL_SECRET_HEADER = "tenant-header-value-0123456789";

/** A caller's footprint in a workspace: a call with turns, a carrier event and a recording, an appointment, a message, a text. */
async function seedCaller(account: Account, phone: string, opts: { startedAt?: Date; label?: string } = {}) {
  const tenant = tenantScope(t.db, account.workspaceId);
  const callId = createId("call");
  const writer = store.create(`${account.workspaceId}/${callId}.wav`);
  writer.append(Buffer.alloc(64, 1));
  await writer.finish(Buffer.from("RIFF"));
  const startedAt = opts.startedAt ?? new Date();
  await tenant.calls.insert({
    id: callId,
    channel: "twilio",
    status: "completed",
    caller: phone,
    callee: "+15550000000",
    startedAt,
    endedAt: new Date(startedAt.getTime() + 30_000),
    durationSec: 30,
    recordingPath: writer.location,
    costUsd: 0.25,
    summary: `Caller ${phone} asked about ${opts.label ?? "a cleaning"}`,
  });
  for (const seq of [0, 1]) {
    await tenant.calls.insertTurn({
      id: createId("turn"),
      callId,
      seq,
      userText: `my number is ${phone}`,
      agentText: "Thanks",
      startedAt,
      endedAt: startedAt,
    });
  }
  await tenant.callEvents.record({
    id: `cev_${callId.slice(5)}`,
    callId,
    provider: "twilio",
    kind: "status",
    status: "completed",
    providerCallId: `CA${callId}`,
    occurredAt: startedAt,
    detail: { From: phone },
  });
  const start = new Date(Date.now() + (Math.floor(Math.random() * 1000) + 10) * 3600_000);
  await tenant.appointments.insert({
    id: createId("appointment"),
    callId,
    serviceId: "cleaning",
    customerName: `Caller ${opts.label ?? phone}`,
    customerPhone: phone,
    startAt: start,
    endAt: new Date(start.getTime() + 1800_000),
    busyEndAt: new Date(start.getTime() + 1800_000),
    source: "agent",
  });
  await tenant.messages.insert({ id: createId("message"), callId, callerName: "Pat", callbackNumber: phone, text: "Call me back" });
  await smsSystemRepository(t.db.system).insert([
    {
      id: createId("sms"),
      workspaceId: account.workspaceId,
      kind: "confirmation",
      provider: "twilio",
      toNumber: phone,
      fromNumber: "+15550000000",
      body: "See you soon",
      idempotencyKey: createId("sms"),
    },
  ]);
  return { callId, recording: writer.location };
}

async function countIn(table: string, workspaceId: string): Promise<number> {
  const column = table === "workspaces" ? "id" : "workspace_id";
  return countWhere(`${table} where ${column} = '${workspaceId}'`);
}

async function countWhere(query: string): Promise<number> {
  const result = (await t.db.system.execute(sql.raw(`select count(*)::int as n from ${query}`))) as unknown as { rows: { n: number }[] };
  return result.rows[0]!.n;
}

let a: Account;
let b: Account;
let agentId: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "orbis-privacy-"));
  t = await buildTestApp({ dataDir, allowPrivateNetworkTools: true });
  store = localRecordingStore(join(dataDir, "recordings"));
  a = await signup(t.app, "privacy-a");
  b = await signup(t.app, "privacy-b");
  agentId = (await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(a.token), payload: validAgent })).json().id;
  const tool = await t.app.inject({
    method: "POST",
    url: `/v1/agents/${agentId}/tools`,
    headers: bearer(a.token),
    payload: {
      name: "lookup",
      description: "Looks something up",
      args: { type: "object", properties: { q: { type: "string" } } },
      url: "https://tools.example.com/lookup",
      headers: { "X-Api-Key": TOOL_SECRET_HEADER },
    },
  });
  expect(tool.statusCode).toBe(201);
  const key = await t.app.inject({ method: "POST", url: "/v1/api-keys", headers: bearer(a.token), payload: { name: "server", kind: "secret" } });
  expect(key.statusCode).toBe(201);
  const invite = await t.app.inject({
    method: "POST",
    url: "/v1/workspaces/current/invitations",
    headers: bearer(a.token),
    payload: { email: "invitee@example.com", role: "staff" },
  });
  expect(invite.statusCode).toBe(201);
  const hook = await t.app.inject({
    method: "POST",
    url: "/v1/webhook-endpoints",
    headers: bearer(a.token),
    payload: { url: "https://hooks.example.com/orbis" },
  });
  expect(hook.statusCode).toBe(201);
});
afterAll(async () => {
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("privacy settings", () => {
  it("shows the retention (365 days by default); admins change it (audited), staff cannot, bounds are checked", async () => {
    const admin = await addMember(t.app, a, "admin");
    const staff = await addMember(t.app, a, "staff");
    const read = await t.app.inject({ url: "/v1/privacy/settings", headers: bearer(staff.token) });
    expect(read.json()).toEqual({ retentionDays: 365 });
    const put = (token: string, retentionDays: unknown) =>
      t.app.inject({ method: "PUT", url: "/v1/privacy/settings", headers: bearer(token), payload: { retentionDays } });
    expect((await put(staff.token, 30)).statusCode).toBe(403);
    expect((await put(admin.token, 0)).statusCode).toBe(422);
    expect((await put(admin.token, 3651)).statusCode).toBe(422);
    const ok = await put(admin.token, 90);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ retentionDays: 90 });
    expect((await t.app.inject({ url: "/v1/privacy/settings", headers: bearer(b.token) })).json()).toEqual({ retentionDays: 365 });
    const audit = await tenantScope(t.db, a.workspaceId).audit.search({ action: "privacy.retention_changed" }, 10);
    expect(audit[0]).toMatchObject({ actorUserId: admin.userId, metadata: { from: 365, to: 90 } });
    expect((await put(a.token, 365)).statusCode).toBe(200);
  });
});

describe("export", () => {
  it("downloads every table of the workspace, nothing of another and no secret, hash or token", async () => {
    const mine = await seedCaller(a, "+14155550101");
    const theirs = await seedCaller(b, "+14155550999", { label: "workspace-b-secret-topic" });
    const res = await t.app.inject({ url: "/v1/privacy/export", headers: bearer(a.token) });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const today = new Date().toISOString().slice(0, 10);
    const ws = await systemRepository(t.db.system).findWorkspaceBySlug((await tenantScope(t.db, a.workspaceId).workspace.get())!.slug);
    expect(res.headers["content-disposition"]).toBe(`attachment; filename="orbisvoice-export-${ws!.slug}-${today}.json"`);
    const doc = res.json();
    expect(doc.workspace[0]).toMatchObject({ id: a.workspaceId, retentionDays: 365 });
    expect(doc.members.map((m: { userId: string }) => m.userId)).toContain(a.userId);
    expect(doc.agents.map((x: { id: string }) => x.id)).toEqual([agentId]);
    expect(doc.business[0].agentId).toBe(agentId);
    expect(doc.agent_tools[0]).toMatchObject({ name: "lookup", headerNames: ["X-Api-Key"] });
    expect(doc.api_keys[0]).toMatchObject({ name: "server", kind: "secret" });
    expect(doc.invitations[0]).toMatchObject({ email: "invitee@example.com" });
    expect(doc.webhook_endpoints[0]).toMatchObject({ url: "https://hooks.example.com/orbis" });
    expect(doc.calls.map((c: { id: string }) => c.id)).toContain(mine.callId);
    expect(doc.call_turns.filter((x: { callId: string }) => x.callId === mine.callId)).toHaveLength(2);
    expect(doc.appointments.some((x: { customerPhone: string }) => x.customerPhone === "+14155550101")).toBe(true);
    expect(doc.messages.some((x: { callbackNumber: string }) => x.callbackNumber === "+14155550101")).toBe(true);
    expect(doc.sms_messages.some((x: { toNumber: string }) => x.toNumber === "+14155550101")).toBe(true);
    expect(doc.audit_logs.length).toBeGreaterThan(0);
    // Nothing of workspace B.
    expect(res.body).not.toContain(b.workspaceId);
    expect(res.body).not.toContain(theirs.callId);
    expect(res.body).not.toContain("+14155550999");
    expect(res.body).not.toContain("workspace-b-secret-topic");
    // No secret, hash or token.
    expect(res.body).not.toContain(TOOL_SECRET_HEADER);
    expect(res.body).not.toContain("enc:v1:");
    expect(res.body).not.toMatch(/passwordHash|password_hash|keyHash|key_hash|tokenHash|token_hash|"secret"\s*:|"headers"\s*:|ciphertext|\$argon2/);
    const audit = await tenantScope(t.db, a.workspaceId).audit.search({ action: "privacy.exported" }, 10);
    expect(audit[0]).toMatchObject({ actorUserId: a.userId, metadata: { format: "json" } });
  });

  it("downloads one table as CSV", async () => {
    const res = await t.app.inject({ url: "/v1/privacy/export?format=csv&table=messages", headers: bearer(a.token) });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv/);
    expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="orbisvoice-export-.+-\d{4}-\d{2}-\d{2}-messages\.csv"$/);
    const [header, ...rows] = res.body.trim().split("\r\n");
    expect(header!.split(",")).toEqual(expect.arrayContaining(["id", "callerName", "callbackNumber", "text"]));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.includes("+14155550"))).toBe(true);
    expect(res.body).not.toContain("+14155550999");
    expect((await t.app.inject({ url: "/v1/privacy/export?format=csv", headers: bearer(a.token) })).statusCode).toBe(422);
    expect((await t.app.inject({ url: "/v1/privacy/export?format=csv&table=users", headers: bearer(a.token) })).statusCode).toBe(422);
  });

  it("is for owners only; erasing a caller is for admins and up; deleting the workspace for owners", async () => {
    const admin = await addMember(t.app, a, "admin");
    const staff = await addMember(t.app, a, "staff");
    const viewer = await addMember(t.app, a, "viewer");
    for (const who of [admin, staff, viewer]) {
      expect((await t.app.inject({ url: "/v1/privacy/export", headers: bearer(who.token) })).statusCode).toBe(403);
      expect((await t.app.inject({ method: "DELETE", url: "/v1/workspace", headers: bearer(who.token), payload: { confirm: "x" } })).statusCode).toBe(403);
    }
    for (const who of [staff, viewer]) {
      const res = await t.app.inject({ method: "POST", url: "/v1/privacy/erase-caller", headers: bearer(who.token), payload: { phone: "+14155550101" } });
      expect(res.statusCode).toBe(403);
    }
    expect((await t.app.inject({ url: "/v1/privacy/export" })).statusCode).toBe(401);
  });
});

describe("erasing a caller", () => {
  it("removes exactly that caller's calls, turns, events, recordings, appointments, messages and texts", async () => {
    const phone = "+442079460123";
    const gone = await seedCaller(a, phone);
    const gone2 = await seedCaller(a, "+44 20 7946 0123");
    const kept = await seedCaller(a, "+442079460999");
    const elsewhere = await seedCaller(b, phone);
    // Notifications that quote the number: an outbox event and an email to the business (and one about a longer number).
    await tenantScope(t.db, a.workspaceId).transaction((x) =>
      x.events.record("message.taken", {
        messageId: createId("message"),
        agentId: null,
        callId: null,
        callerName: "Pat",
        callbackNumber: "+44 20 7946 0123",
        text: "Call me back",
        urgency: "normal",
      }),
    );
    for (const [text, key] of [
      ["New message from +44 20 7946 0123: call back", createId("email")],
      ["New message from +442079460123: call back at 9am", createId("email")],
      ["New message from +4420794601234", createId("email")],
    ]) {
      await t.db.system.execute(
        sql`insert into emails (id, workspace_id, template, to_address, subject, html, text, idempotency_key) values (${key}, ${a.workspaceId}, 'message_taken', 'owner@example.com', 'New message', '', ${text}, ${key})`,
      );
    }
    const res = await t.app.inject({ method: "POST", url: "/v1/privacy/erase-caller", headers: bearer(a.token), payload: { phone: "0044 (20) 7946-0123" } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      phone,
      removed: { calls: 2, turns: 4, callEvents: 2, recordings: 2, appointments: 2, messages: 2, smsMessages: 2, events: 1, emails: 2, campaignContacts: 0 },
      kept: { doNotCall: 0 },
    });
    const ws = a.workspaceId;
    const byCall = (table: string, callId: string) => countWhere(`${table} where call_id = '${callId}'`);
    for (const g of [gone, gone2]) {
      expect(await countWhere(`calls where id = '${g.callId}'`)).toBe(0);
      expect(await byCall("call_turns", g.callId)).toBe(0);
      expect(await byCall("call_events", g.callId)).toBe(0);
      expect(await byCall("appointments", g.callId)).toBe(0);
      expect(await byCall("messages", g.callId)).toBe(0);
      expect(existsSync(g.recording)).toBe(false);
    }
    expect(await countWhere(`sms_messages where workspace_id = '${ws}' and regexp_replace(to_number, '[^0-9]', '', 'g') = '442079460123'`)).toBe(0);
    // Another caller of the same workspace, and the same caller in another workspace, keep everything.
    for (const k of [kept, elsewhere]) {
      expect(await countWhere(`calls where id = '${k.callId}'`)).toBe(1);
      expect(await byCall("call_turns", k.callId)).toBe(2);
      expect(await byCall("appointments", k.callId)).toBe(1);
      expect(await byCall("messages", k.callId)).toBe(1);
      expect(existsSync(k.recording)).toBe(true);
    }
    expect(await countWhere(`sms_messages where workspace_id = '${b.workspaceId}' and to_number = '${phone}'`)).toBe(1);
    expect(await countWhere(`emails where workspace_id = '${ws}' and text like '%4420794601234%'`)).toBe(1);
    expect(await countWhere(`domain_events where workspace_id = '${ws}' and payload->>'callbackNumber' like '+44 20%'`)).toBe(0);
    // The audit row keeps a keyed hash of the number, never the number.
    const [row] = await tenantScope(t.db, ws).audit.search({ action: "privacy.caller_erased" }, 1);
    expect(row).toMatchObject({ actorUserId: a.userId, metadata: { calls: 2, appointments: 2 } });
    expect((row!.metadata as { phoneHmac: string }).phoneHmac).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toMatch(/7946|0123/);
    // Nothing left to erase: a second request removes nothing.
    const again = await t.app.inject({ method: "POST", url: "/v1/privacy/erase-caller", headers: bearer(a.token), payload: { phone } });
    expect(again.json().removed.calls).toBe(0);
  });

  it("refuses what is not a phone number", async () => {
    const res = await t.app.inject({ method: "POST", url: "/v1/privacy/erase-caller", headers: bearer(a.token), payload: { phone: "call me maybe" } });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details[0].path).toBe("body.phone");
  });
});

describe("deleting the workspace", () => {
  it("needs the workspace's name, then removes every row of every tenant table and its recordings, nothing of another", async () => {
    const c = await signup(t.app, "privacy-c");
    const staff = await addMember(t.app, c, "staff");
    const agent = (await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(c.token), payload: validAgent })).json().id;
    expect(agent).toBeTruthy();
    const seeded = await seedCaller(c, "+14155550177");
    const other = await seedCaller(b, "+14155550178");
    await tenantScope(t.db, c.workspaceId).sms.optOut("+14155550177");
    const bBefore = Object.fromEntries(await Promise.all(TENANT_TABLES.map(async (table) => [table, await countIn(table, b.workspaceId)] as const)));
    const name = (await tenantScope(t.db, c.workspaceId).workspace.get())!.name;
    const wrong = await t.app.inject({ method: "DELETE", url: "/v1/workspace", headers: bearer(c.token), payload: { confirm: "not the name" } });
    expect(wrong.statusCode).toBe(422);
    expect(await countIn("calls", c.workspaceId)).toBe(1);
    const res = await t.app.inject({ method: "DELETE", url: "/v1/workspace", headers: bearer(c.token), payload: { confirm: name } });
    expect(res.statusCode).toBe(204);
    for (const table of TENANT_TABLES) expect({ table, n: await countIn(table, c.workspaceId) }).toEqual({ table, n: 0 });
    expect(await countIn("workspaces", c.workspaceId)).toBe(0);
    expect(existsSync(seeded.recording)).toBe(false);
    // The other workspace is untouched.
    for (const table of TENANT_TABLES) expect({ table, n: await countIn(table, b.workspaceId) }).toEqual({ table, n: bBefore[table] });
    expect(existsSync(other.recording)).toBe(true);
    // The deleted workspace's sessions no longer work.
    expect((await t.app.inject({ url: "/v1/privacy/settings", headers: bearer(c.token) })).statusCode).toBe(401);
    expect((await t.app.inject({ url: "/v1/privacy/settings", headers: bearer(staff.token) })).statusCode).toBe(401);
    // The users themselves stay (an account is not a workspace).
    expect(await systemRepository(t.db.system).findUserById(c.userId)).toBeDefined();
  });
});

describe("deleting one's account", () => {
  const del = (token: string, password: string) => t.app.inject({ method: "DELETE", url: "/v1/me", headers: bearer(token), payload: { password } });
  const login = (acc: Account) => t.app.inject({ method: "POST", url: "/v1/auth/login", payload: { email: acc.email, password: acc.password } });

  it("is refused (409) to the only owner of a workspace with other members; checks the password", async () => {
    const d = await signup(t.app, "privacy-d");
    await addMember(t.app, d, "viewer");
    expect((await del(d.token, "wrong password")).statusCode).toBe(422);
    const res = await del(d.token, d.password);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: "conflict", details: { workspaces: [{ id: d.workspaceId }] } });
    expect(await systemRepository(t.db.system).findUserById(d.userId)).toBeDefined();
    expect((await login(d)).statusCode).toBe(200);
  });

  it("deletes a member's account: the workspace and its other members stay; login then fails", async () => {
    const e = await signup(t.app, "privacy-e");
    const staff = await addMember(t.app, e, "staff");
    const res = await del(staff.token, staff.password);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ deletedWorkspaces: [] });
    expect(await systemRepository(t.db.system).findUserById(staff.userId)).toBeUndefined();
    expect((await login(staff)).statusCode).toBe(401);
    expect((await t.app.inject({ url: "/v1/privacy/settings", headers: bearer(staff.token) })).statusCode).toBe(401);
    expect(await countIn("workspaces", e.workspaceId)).toBe(1);
    const [row] = await tenantScope(t.db, e.workspaceId).audit.search({ action: "account.deleted" }, 1);
    expect(row).toMatchObject({ targetId: staff.userId });
  });

  it("takes the member's sales practice recordings with the account; the workspace's others stay", async () => {
    const g = await signup(t.app, "privacy-g");
    const rep = await addMember(t.app, g, "staff");
    const practiceRecording = async (who: Account) => {
      const res = await t.app.inject({
        method: "POST",
        url: "/v1/practice/sessions",
        headers: bearer(who.token),
        payload: { personaId: "builtin_dental_practice_owner", scenarioId: "builtin_cold_call_book_meeting" },
      });
      expect(res.statusCode).toBe(201);
      const id: string = res.json().session.id;
      const writer = store.create(`${g.workspaceId}/${id}.wav`);
      writer.append(Buffer.alloc(64, 1));
      await writer.finish(Buffer.from("RIFF"));
      await t.db.system.execute(sql`update practice_sessions set recording_path = ${writer.location} where id = ${id}`);
      return writer.location;
    };
    const repsRecording = await practiceRecording(rep);
    const ownersRecording = await practiceRecording(g);
    expect((await del(rep.token, rep.password)).statusCode).toBe(200);
    expect(existsSync(repsRecording)).toBe(false);
    expect(existsSync(ownersRecording)).toBe(true);
    // Deleting the workspace takes every practice recording in it.
    const name = (await tenantScope(t.db, g.workspaceId).workspace.get())!.name;
    expect((await t.app.inject({ method: "DELETE", url: "/v1/workspace", headers: bearer(g.token), payload: { confirm: name } })).statusCode).toBe(204);
    expect(existsSync(ownersRecording)).toBe(false);
  });

  it("deletes the workspaces the user is alone in, with their recordings", async () => {
    const f = await signup(t.app, "privacy-f");
    const seeded = await seedCaller(f, "+14155550188");
    const res = await del(f.token, f.password);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ deletedWorkspaces: [f.workspaceId] });
    for (const table of TENANT_TABLES) expect({ table, n: await countIn(table, f.workspaceId) }).toEqual({ table, n: 0 });
    expect(await countIn("workspaces", f.workspaceId)).toBe(0);
    expect(existsSync(seeded.recording)).toBe(false);
    expect(await systemRepository(t.db.system).findUserById(f.userId)).toBeUndefined();
    expect((await login(f)).statusCode).toBe(401);
  });

  it("is for user sessions only", async () => {
    const key = (await t.app.inject({ method: "POST", url: "/v1/api-keys", headers: bearer(a.token), payload: { name: "k", kind: "secret" } })).json();
    expect((await del(key.key, "x")).statusCode).toBe(403);
  });
});
