import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createId } from "@orbis/contracts";
import { tenantScope } from "@orbis/db";
import { sql } from "@orbis/db/testing";
import { bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

/**
 * Privacy reaches outbound campaigns: erasing a caller deletes their campaign contacts (every campaign)
 * and the outbound calls placed to them, keeps their do-not-call entry (reason cleared) so they are
 * never called again; the export holds campaigns, contacts and the do-not-call list. PGlite, and
 * PostgreSQL with TEST_DATABASE_URL.
 */
let t: TestApp;
let a: Account;
let b: Account;

const PERSON = "+442079460123";
const OTHER = "+442079460999";
const BUSINESS = "+14155550100";

async function countWhere(query: string): Promise<number> {
  const result = (await t.db.system.execute(sql.raw(`select count(*)::int as n from ${query}`))) as unknown as { rows: { n: number }[] };
  return result.rows[0]!.n;
}

/** A campaign of the account's agent with contacts for these numbers. */
async function campaignWith(account: Account, agentId: string, phones: string[]) {
  const tenant = tenantScope(t.db, account.workspaceId);
  const id = createId("campaign");
  await tenant.campaigns.insert({
    id,
    name: `Check-ups ${id}`,
    agentId,
    fromNumber: BUSINESS,
    type: "standard",
    status: "running",
    window: { start: "09:00", end: "20:00", days: [1, 2, 3, 4, 5] },
    maxConcurrent: 2,
    maxAttempts: 3,
    backoffMinutes: 60,
    machineDetection: "hangup",
    opening: "Hi {{name}}",
  });
  await tenant.campaigns.insertContacts(
    phones.map((phone, i) => ({
      id: createId("campaignContact"),
      campaignId: id,
      phone,
      name: `Contact ${i}`,
      timezone: "Europe/London",
      variables: { name: `Contact ${i}`, plan: "gold" },
      consent: true,
      consentSource: "web form 2026-11",
    })),
  );
  return id;
}

/** An outbound call placed to `phone` (the business's number is the caller), with a transcript. */
async function outboundCallTo(account: Account, agentId: string, phone: string) {
  const tenant = tenantScope(t.db, account.workspaceId);
  const id = createId("call");
  await tenant.calls.insert({
    id,
    agentId,
    channel: "twilio",
    direction: "outbound",
    caller: BUSINESS,
    callee: phone,
    status: "completed",
    startedAt: new Date(),
    durationSec: 20,
  });
  await tenant.calls.insertTurn({
    id: createId("turn"),
    callId: id,
    seq: 0,
    userText: "take me off your list",
    agentText: "Done",
    startedAt: new Date(),
    endedAt: new Date(),
  });
  return id;
}

const agentOf = async (account: Account) => {
  const res = await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(account.token), payload: validAgent });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
};
const erase = (account: Account, phone: string) =>
  t.app.inject({ method: "POST", url: "/v1/privacy/erase-caller", headers: bearer(account.token), payload: { phone } });

let agentA: string;
let agentB: string;

beforeAll(async () => {
  t = await buildTestApp();
  a = await signup(t.app, "privacy-campaigns-a");
  b = await signup(t.app, "privacy-campaigns-b");
  agentA = await agentOf(a);
  agentB = await agentOf(b);
});
afterAll(() => t?.close());

describe("erasing a caller reaches campaigns", () => {
  it("deletes their contacts in every campaign and the calls placed to them; keeps their do-not-call entry with its reason cleared", async () => {
    const spring = await campaignWith(a, agentA, [PERSON, OTHER]);
    const reminders = await campaignWith(a, agentA, [PERSON]);
    const callId = await outboundCallTo(a, agentA, PERSON);
    const otherCall = await outboundCallTo(a, agentA, OTHER);
    const tenantA = tenantScope(t.db, a.workspaceId);
    await tenantA.doNotCall.add({ id: createId("doNotCall"), phone: PERSON, reason: `asked not to be called again (${callId})`, source: "call" });
    // The same number in workspace B: none of it is A's to erase.
    const theirs = await campaignWith(b, agentB, [PERSON]);
    const theirCall = await outboundCallTo(b, agentB, PERSON);
    await tenantScope(t.db, b.workspaceId).doNotCall.add({ id: createId("doNotCall"), phone: PERSON, reason: "Pat asked on the phone", source: "manual" });

    const res = await erase(a, "+44 (20) 7946-0123");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ phone: PERSON, removed: { calls: 1, turns: 1, campaignContacts: 2 }, kept: { doNotCall: 1 } });

    expect(await countWhere(`campaign_contacts where workspace_id = '${a.workspaceId}' and phone = '${PERSON}'`)).toBe(0);
    expect((await tenantA.campaigns.listContacts(spring, { limit: 10 })).map((c) => c.phone)).toEqual([OTHER]);
    expect(await tenantA.campaigns.listContacts(reminders, { limit: 10 })).toEqual([]);
    expect(await countWhere(`calls where id = '${callId}'`)).toBe(0);
    expect(await countWhere(`call_turns where call_id = '${callId}'`)).toBe(0);
    expect(await countWhere(`calls where id = '${otherCall}'`)).toBe(1);
    // The do-not-call entry stays (the number is still never called), without its free text.
    const [entry] = await tenantA.doNotCall.list({ limit: 10, phone: PERSON });
    expect(entry).toMatchObject({ phone: PERSON, source: "call", reason: "" });
    expect((await tenantA.doNotCall.blocked([PERSON])).dnc.has(PERSON)).toBe(true);
    // Workspace B keeps its contact, call and entry as they were.
    const tenantB = tenantScope(t.db, b.workspaceId);
    expect((await tenantB.campaigns.listContacts(theirs, { limit: 10 })).map((c) => c.phone)).toEqual([PERSON]);
    expect(await countWhere(`calls where id = '${theirCall}'`)).toBe(1);
    expect((await tenantB.doNotCall.list({ limit: 10, phone: PERSON }))[0]).toMatchObject({ reason: "Pat asked on the phone" });
    // The audit row counts the contacts, never the number.
    const [row] = await tenantA.audit.search({ action: "privacy.caller_erased" }, 1);
    expect(row).toMatchObject({ metadata: { campaignContacts: 2, doNotCallKept: 1 } });
    expect(JSON.stringify(row)).not.toMatch(/7946/);
  });

  it("an inbound call to the business's own number is not the number's call: erasing the business number leaves callers' calls", async () => {
    const tenantA = tenantScope(t.db, a.workspaceId);
    const inbound = createId("call");
    await tenantA.calls.insert({
      id: inbound,
      agentId: agentA,
      channel: "twilio",
      caller: "+12125550177",
      callee: BUSINESS,
      status: "completed",
      startedAt: new Date(),
    });
    const res = await erase(a, BUSINESS);
    expect(res.statusCode, res.body).toBe(200);
    expect(await countWhere(`calls where id = '${inbound}'`)).toBe(1);
  });
});

describe("export includes campaigns", () => {
  it("campaigns, campaign contacts and the do-not-call list, nothing of another workspace; one table as CSV", async () => {
    const c = await campaignWith(a, agentA, ["+12125550101"]);
    await tenantScope(t.db, a.workspaceId).doNotCall.add({ id: createId("doNotCall"), phone: "+12125550102", reason: "manual", source: "manual" });
    const theirs = await campaignWith(b, agentB, ["+12125550999"]);
    const res = await t.app.inject({ url: "/v1/privacy/export", headers: bearer(a.token) });
    expect(res.statusCode, res.body).toBe(200);
    const doc = res.json();
    expect(doc.campaigns.map((x: { id: string }) => x.id)).toContain(c);
    expect(doc.campaign_contacts.find((x: { campaignId: string }) => x.campaignId === c)).toMatchObject({
      phone: "+12125550101",
      consent: true,
      consentSource: "web form 2026-11",
      variables: { plan: "gold" },
    });
    expect(doc.do_not_call.map((x: { phone: string }) => x.phone)).toContain("+12125550102");
    expect(res.body).not.toContain(theirs);
    expect(res.body).not.toContain("+12125550999");
    const csv = await t.app.inject({ url: "/v1/privacy/export?format=csv&table=campaign_contacts", headers: bearer(a.token) });
    expect(csv.statusCode).toBe(200);
    const [header, ...rows] = csv.body.trim().split("\r\n");
    expect(header!.split(",")).toEqual(expect.arrayContaining(["campaignId", "phone", "consentSource", "status", "outcome"]));
    expect(rows.some((r) => r.includes("+12125550101"))).toBe(true);
    expect(csv.body).not.toContain("+12125550999");
    const dnc = await t.app.inject({ url: "/v1/privacy/export?format=csv&table=do_not_call", headers: bearer(b.token) });
    expect(dnc.statusCode).toBe(200);
    expect(dnc.body).not.toContain("+12125550102");
  });
});
