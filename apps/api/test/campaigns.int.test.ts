import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantScope } from "@orbis/db";
import { createAgentWithBusiness } from "./bookings.fixtures.ts";
import { addMember, bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let owner: Account;
let staff: Account;
let other: Account;
let agentId: string;
let otherAgentId: string;
const from = `+1415555${String(Math.floor(Math.random() * 9000) + 1000)}`;
const otherFrom = `+1646555${String(Math.floor(Math.random() * 9000) + 1000)}`;

const as = (who: Account, method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, headers: { ...bearer(who.token), ...headers }, ...(payload !== undefined ? { payload: payload as string } : {}) });

async function setup(who: Account, number: string) {
  const agent = await createAgentWithBusiness(t.app, who);
  expect((await as(who, "POST", `/v1/agents/${agent}/publish`, {})).statusCode).toBeLessThan(300);
  const n = await as(who, "POST", "/v1/phone-numbers", { number, provider: "twilio", agentId: agent });
  expect(n.statusCode, n.body).toBe(201);
  return agent;
}

beforeAll(async () => {
  t = await buildTestApp();
  owner = await signup(t.app, "campaigns");
  staff = await addMember(t.app, owner, "staff");
  other = await signup(t.app, "campaigns-b");
  agentId = await setup(owner, from);
  otherAgentId = await setup(other, otherFrom);
});
afterAll(() => t.close());

const newCampaign = async (over: Record<string, unknown> = {}) => {
  const res = await as(owner, "POST", "/v1/campaigns", { name: "Spring check-ups", agentId, fromNumber: from, ...over });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; status: string };
};

describe("/v1/campaigns", () => {
  it("creates with defaults, lists, patches, and keeps the quiet hours unless the operator opts out", async () => {
    const c = await newCampaign();
    expect(c).toMatchObject({
      status: "draft",
      type: "standard",
      window: { start: "09:00", end: "20:00", days: [1, 2, 3, 4, 5] },
      maxConcurrent: 5,
      retry: { maxAttempts: 3, backoffMinutes: 60 },
      machineDetection: "hangup",
    });
    const late = await as(owner, "POST", "/v1/campaigns", { name: "x", agentId, fromNumber: from, window: { start: "07:00", end: "22:00" } });
    expect(late.statusCode).toBe(422);
    expect(late.body).toMatch(/window/);
    const allowed = await as(owner, "POST", "/v1/campaigns", {
      name: "x",
      agentId,
      fromNumber: from,
      window: { start: "07:00", end: "22:00", days: [6, 7] },
      allowOutsideQuietHours: true,
    });
    expect(allowed.statusCode).toBe(201);
    // A patch merged over the stored campaign must keep the rules too.
    expect((await as(owner, "PATCH", `/v1/campaigns/${c.id}`, { window: { start: "06:00", end: "10:00" } })).statusCode).toBe(422);
    expect((await as(owner, "PATCH", `/v1/campaigns/${c.id}`, { machineDetection: "voicemail" })).statusCode).toBe(422);
    const patched = await as(owner, "PATCH", `/v1/campaigns/${c.id}`, { maxConcurrent: 2, machineDetection: "voicemail", voicemailMessage: "Hi {{name}}" });
    expect(patched.json()).toMatchObject({ maxConcurrent: 2, machineDetection: "voicemail" });
    expect((await as(owner, "POST", "/v1/campaigns", { name: "x", agentId, fromNumber: otherFrom })).statusCode).toBe(422);
    const list = await as(staff, "GET", "/v1/campaigns?limit=1");
    expect(list.json().data).toHaveLength(1);
    expect(list.json().nextCursor).toBeTruthy();
    expect((await as(staff, "GET", `/v1/campaigns?cursor=garbage`)).statusCode).toBe(422);
  });

  it("roles: staff and viewers read, admins write", async () => {
    const c = await newCampaign();
    expect((await as(staff, "GET", `/v1/campaigns/${c.id}`)).statusCode).toBe(200);
    expect((await as(staff, "POST", "/v1/campaigns", { name: "x", agentId, fromNumber: from })).statusCode).toBe(403);
    expect((await as(staff, "POST", `/v1/campaigns/${c.id}/start`)).statusCode).toBe(403);
    expect((await as(staff, "POST", "/v1/do-not-call", { phone: "+12125550111" })).statusCode).toBe(403);
    expect((await as(staff, "GET", "/v1/do-not-call")).statusCode).toBe(200);
  });

  it("CSV: every problem by row and column (bad phone, unknown zone, missing consent, duplicate, on DNC); dry run saves nothing", async () => {
    const c = await newCampaign({ opening: "Hi {{name}}, about your {{plan}}" });
    await as(owner, "POST", "/v1/do-not-call", { phone: "+12125550105", reason: "asked" });
    const csv = [
      "Phone,Name,TZ,Consent,plan",
      "+1 (212) 555-0101,Ann,America/New_York,yes,gold",
      "555-0102,Bob,America/New_York,yes,gold",
      "+442071234567,Cat,Mars/Olympus,yes,silver",
      "+819012345678,Dan,Asia/Tokyo,no,gold",
      "+12125550101,Ann again,America/New_York,yes,gold",
      "+12125550105,Eve,,yes,gold",
      "",
      "+12125550106,Fay,,1,bronze",
    ].join("\r\n");
    const url = `/v1/campaigns/${c.id}/contacts?dryRun=true&phoneColumn=Phone&nameColumn=Name&timezoneColumn=TZ&consentColumn=Consent&consentSource=web%20form`;
    const dry = await as(owner, "POST", url, csv, { "content-type": "text/csv" });
    expect(dry.statusCode, dry.body).toBe(200);
    const r = dry.json();
    expect(r).toMatchObject({ dryRun: true, rows: 7, valid: 2, imported: 0 });
    expect(r.errors).toEqual([
      { row: 3, column: "Phone", message: expect.stringMatching(/bad phone/) },
      { row: 4, column: "TZ", message: expect.stringMatching(/unknown time zone/) },
      { row: 5, column: "Consent", message: expect.stringMatching(/missing consent/) },
      { row: 6, column: "Phone", message: "duplicate of row 2" },
      { row: 7, column: "Phone", message: "on the do-not-call list" },
    ]);
    expect(r.preview[0]).toMatchObject({ row: 2, phone: "+12125550101", timezone: "America/New_York", variables: { name: "Ann", plan: "gold" } });
    expect((await as(owner, "GET", `/v1/campaigns/${c.id}/contacts`)).json().data).toHaveLength(0);
    // The opening needs {{plan}}: a CSV without that column cannot be called with it.
    const needs = await as(owner, "POST", `/v1/campaigns/${c.id}/contacts`, {
      csv: "phone,consent,consent_source\n+12125550107,true,paper form",
    });
    expect(needs.json().errors).toEqual([
      { row: 2, column: "name", message: expect.stringMatching(/\{\{name\}\}/) },
      { row: 2, column: "plan", message: expect.stringMatching(/\{\{plan\}\}/) },
    ]);
    const real = await as(owner, "POST", `/v1/campaigns/${c.id}/contacts`, {
      csv: "phone,name,consent,consent_source,plan\n+12125550107,Gus,true,paper form,gold\n+12125550108,Hal,yes,paper form,gold",
    });
    expect(real.json()).toMatchObject({ dryRun: false, valid: 2, imported: 2, errors: [] });
    const again = await as(owner, "POST", `/v1/campaigns/${c.id}/contacts`, { csv: "phone,name,consent,consent_source,plan\n+12125550107,Gus,true,x,gold" });
    expect(again.json().errors).toEqual([{ row: 2, column: "phone", message: "duplicate: already in this campaign" }]);
    // A mapping that does not fit the header: one row-1 error per column, nothing imported.
    const wrong = await as(owner, "POST", `/v1/campaigns/${c.id}/contacts`, { csv: "tel,ok\n+12125550109,yes", mapping: { phone: "mobile" } });
    expect(wrong.json().imported).toBe(0);
    expect(
      wrong
        .json()
        .errors.filter((e: { row: number }) => e.row === 1)
        .map((e: { column: string }) => e.column),
    ).toEqual(expect.arrayContaining(["mobile", "consent"]));
    // Malformed CSV is a 422, never a 500.
    expect((await as(owner, "POST", `/v1/campaigns/${c.id}/contacts`, { csv: 'phone,consent\n"+1212' })).statusCode).toBe(422);
    expect((await as(owner, "POST", `/v1/campaigns/${c.id}/contacts`, "", { "content-type": "text/csv" })).statusCode).toBe(422);
  });

  it("JSON contacts, consent required, paging, progress and the results CSV", async () => {
    const c = await newCampaign();
    const contacts = Array.from({ length: 3 }, (_, i) => ({ phone: `+1212555020${i}`, name: `P${i}`, consent: true, consentSource: "crm" }));
    const noConsent = await as(owner, "POST", `/v1/campaigns/${c.id}/contacts`, {
      contacts: [{ phone: "+12125550299", consent: false, consentSource: "crm" }],
    });
    expect(noConsent.json().errors).toEqual([{ row: 1, column: "consent", message: expect.stringMatching(/consent/) }]);
    expect((await as(owner, "POST", `/v1/campaigns/${c.id}/contacts`, { contacts })).json().imported).toBe(3);
    const page1 = (await as(staff, "GET", `/v1/campaigns/${c.id}/contacts?limit=2`)).json();
    expect(page1.data.map((x: { name: string }) => x.name)).toEqual(["P0", "P1"]);
    const page2 = (await as(staff, "GET", `/v1/campaigns/${c.id}/contacts?limit=2&cursor=${page1.nextCursor}`)).json();
    expect(page2.data.map((x: { name: string }) => x.name)).toEqual(["P2"]);
    const tenant = tenantScope(t.db, owner.workspaceId);
    await tenant.campaigns.updateContacts([page1.data[0].id], { status: "done", outcome: "booked" });
    const progress = (await as(staff, "GET", `/v1/campaigns/${c.id}/progress`)).json();
    expect(progress).toMatchObject({ total: 3, finished: 1, percent: 33.3 });
    expect(progress.byOutcome.booked).toBe(1);
    expect(progress.byStatus.pending).toBe(2);
    const csv = await as(staff, "GET", `/v1/campaigns/${c.id}/results.csv`);
    expect(csv.headers["content-type"]).toMatch(/text\/csv/);
    const lines = csv.body.trim().split("\r\n");
    expect(lines[0]).toBe("phone,name,timezone,status,outcome,attempts,last_attempt_at,next_attempt_at,last_call_id,consent_source,var_name");
    expect(lines[1]).toMatch(/^\+12125550200,P0,UTC,done,booked,0,/);
    expect(lines).toHaveLength(4);
  });

  it("start / pause / resume / cancel follow the states; a standard campaign needs contacts to start", async () => {
    const c = await newCampaign();
    expect((await as(owner, "POST", `/v1/campaigns/${c.id}/start`)).statusCode).toBe(422);
    await as(owner, "POST", `/v1/campaigns/${c.id}/contacts`, { contacts: [{ phone: "+12125550301", consent: true, consentSource: "crm" }] });
    expect((await as(owner, "POST", `/v1/campaigns/${c.id}/resume`)).statusCode).toBe(409);
    const started = await as(owner, "POST", `/v1/campaigns/${c.id}/start`);
    expect(started.json()).toMatchObject({ status: "running", startedAt: expect.any(String) });
    expect((await as(owner, "DELETE", `/v1/campaigns/${c.id}`)).statusCode).toBe(409);
    expect((await as(owner, "POST", `/v1/campaigns/${c.id}/pause`)).json().status).toBe("paused");
    expect((await as(owner, "POST", `/v1/campaigns/${c.id}/resume`)).json().status).toBe("running");
    expect((await as(owner, "POST", `/v1/campaigns/${c.id}/cancel`)).json().status).toBe("cancelled");
    expect((await as(owner, "POST", `/v1/campaigns/${c.id}/start`)).statusCode).toBe(409);
    expect(
      (await as(owner, "POST", `/v1/campaigns/${c.id}/contacts`, { contacts: [{ phone: "+12125550302", consent: true, consentSource: "x" }] })).statusCode,
    ).toBe(409);
    expect((await as(owner, "DELETE", `/v1/campaigns/${c.id}`)).statusCode).toBe(204);
    expect((await as(owner, "GET", `/v1/campaigns/${c.id}`)).statusCode).toBe(404);
  });

  it("an appointment-reminder campaign takes tomorrow's booked appointments as contacts when it starts", async () => {
    const tenant = tenantScope(t.db, owner.workspaceId);
    const tomorrow = new Date(Date.now() + 24 * 3600_000);
    tomorrow.setUTCHours(15, 0, 0, 0);
    for (const [i, phone] of ["+12125550401", "+12125550402", "not a phone"].entries())
      await tenant.appointments.insert({
        id: `apt_remindertest${i}${Date.now()}`,
        agentId,
        serviceId: "hour",
        customerName: `Rita Reminder${i}`,
        customerPhone: phone,
        startAt: new Date(tomorrow.getTime() + i * 3600_000),
        endAt: new Date(tomorrow.getTime() + (i + 1) * 3600_000),
        busyEndAt: new Date(tomorrow.getTime() + (i + 1) * 3600_000),
        source: "api",
      });
    await as(owner, "POST", "/v1/do-not-call", { phone: "+12125550402" });
    const c = await newCampaign({ type: "appointment_reminder" });
    expect((await as(owner, "POST", `/v1/campaigns/${c.id}/start`)).statusCode).toBe(200);
    const contacts = (await as(owner, "GET", `/v1/campaigns/${c.id}/contacts`)).json().data;
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ phone: "+12125550401", consent: true, consentSource: expect.stringMatching(/^appointment:apt_/) });
    expect(contacts[0].variables).toMatchObject({ name: "Rita", time: "3:00 PM", service: expect.any(String) });
  });
});

describe("/v1/do-not-call", () => {
  it("add (201, then 200 for the same number), list, find, import, remove", async () => {
    const a = await as(owner, "POST", "/v1/do-not-call", { phone: "+12125550501", reason: "asked by email" });
    expect(a.statusCode).toBe(201);
    expect(a.json()).toMatchObject({ phone: "+12125550501", source: "manual", reason: "asked by email" });
    expect((await as(owner, "POST", "/v1/do-not-call", { phone: "+12125550501" })).statusCode).toBe(200);
    expect((await as(owner, "POST", "/v1/do-not-call", { phone: "12125550501" })).statusCode).toBe(422);
    const imported = await as(owner, "POST", "/v1/do-not-call/import", { phones: ["+12125550502", "+12125550503", "+12125550501"] });
    expect(imported.json()).toEqual({ sent: 3, added: 2 });
    const found = (await as(staff, "GET", "/v1/do-not-call?phone=%2B12125550502")).json().data;
    expect(found).toMatchObject([{ source: "import" }]);
    expect((await as(owner, "DELETE", `/v1/do-not-call/${a.json().id}`)).statusCode).toBe(204);
    expect((await as(owner, "DELETE", `/v1/do-not-call/${a.json().id}`)).statusCode).toBe(404);
  });
});

describe("tenancy", () => {
  it("workspace B cannot read or change A's campaign, its contacts, or A's do-not-call list", async () => {
    const c = await newCampaign();
    await as(owner, "POST", `/v1/campaigns/${c.id}/contacts`, { contacts: [{ phone: "+12125550601", consent: true, consentSource: "crm" }] });
    const dnc = (await as(owner, "POST", "/v1/do-not-call", { phone: "+12125550602" })).json();
    for (const [method, url, body] of [
      ["GET", `/v1/campaigns/${c.id}`],
      ["PATCH", `/v1/campaigns/${c.id}`, { name: "mine now" }],
      ["DELETE", `/v1/campaigns/${c.id}`],
      ["POST", `/v1/campaigns/${c.id}/start`],
      ["GET", `/v1/campaigns/${c.id}/progress`],
      ["GET", `/v1/campaigns/${c.id}/contacts`],
      ["POST", `/v1/campaigns/${c.id}/contacts`, { contacts: [{ phone: "+12125550603", consent: true, consentSource: "x" }] }],
      ["GET", `/v1/campaigns/${c.id}/results.csv`],
      ["DELETE", `/v1/do-not-call/${dnc.id}`],
    ] as const) {
      const res = await as(other, method, url, body);
      expect({ url, method, status: res.statusCode }).toEqual({ url, method, status: 404 });
    }
    expect((await as(other, "GET", "/v1/campaigns")).json().data).toEqual([]);
    expect((await as(other, "GET", "/v1/do-not-call")).json().data).toEqual([]);
    // B's campaign cannot use A's agent or number.
    expect((await as(other, "POST", "/v1/campaigns", { name: "x", agentId, fromNumber: otherFrom })).statusCode).toBe(422);
    expect((await as(other, "POST", "/v1/campaigns", { name: "x", agentId: otherAgentId, fromNumber: from })).statusCode).toBe(422);
    expect((await as(owner, "GET", `/v1/campaigns/${c.id}/contacts`)).json().data).toHaveLength(1);
    expect((await as(owner, "GET", `/v1/campaigns/${c.id}`)).json().name).toBe("Spring check-ups");
  });
});
