import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError, createId, type EventPayload } from "@orbis/contracts";
import { systemRepository, tenantScope, type CampaignContactRow, type Database, type DomainEventRow } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { applyCallEnded } from "../src/campaigns/outcomes.ts";
import { createCampaignScheduler, type PlaceCall } from "../src/campaigns/scheduler.ts";
import { windowOpen } from "../src/campaigns/window.ts";

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

/** Monday 2026-12-07 14:00 UTC: 09:00 in New York, 14:00 in London, 23:00 in Tokyo. */
const MONDAY_14_UTC = new Date("2026-12-07T14:00:00Z");
let clockAt = MONDAY_14_UTC;
const clock = { now: () => clockAt };
let numberSeq = 1000;

/** A counting fake of `place()`: writes the call row as place() does (the campaign ref in its metadata) and answers it. */
function fakePlacer() {
  const placed: { to: string; opening?: string | undefined; variables: Record<string, string>; callId: string; consentSource: string }[] = [];
  let refuse: AppError | undefined;
  const place: PlaceCall = async (tenant, body, { campaign }) => {
    if (refuse) throw refuse;
    const id = createId("call");
    await tenant.calls.insert({
      id,
      agentId: body.agentId,
      channel: "twilio",
      direction: "outbound",
      caller: body.from,
      callee: body.to,
      status: "queued",
      startedAt: clock.now(),
      metadata: { outbound: { variables: body.variables ?? {}, machineDetection: body.machineDetection ?? "hangup" }, campaign },
    });
    placed.push({ to: body.to, opening: body.opening, variables: body.variables ?? {}, callId: id, consentSource: campaign.consentSource });
    return { id };
  };
  return { placed, place, refuseWith: (e: AppError | undefined) => (refuse = e) };
}

async function workspace() {
  const workspaceId = createId("workspace");
  await systemRepository(db.system).insertWorkspace({ id: workspaceId, name: "Riverside", slug: workspaceId, timezone: "America/New_York" });
  const tenant = tenantScope(db, workspaceId);
  const agentId = createId("agent");
  await tenant.agents.insert({ id: agentId, name: "Receptionist", voice: "default", language: "en", providers: {}, tools: [], business: {}, turnTaking: {} });
  return { workspaceId, tenant, agentId };
}

async function campaign(w: Awaited<ReturnType<typeof workspace>>, over: Record<string, unknown> = {}) {
  const id = createId("campaign");
  await w.tenant.campaigns.insert({
    id,
    name: "Test",
    agentId: w.agentId,
    fromNumber: "+14155550000",
    type: "standard",
    status: "running",
    window: { start: "09:00", end: "20:00", days: [1, 2, 3, 4, 5] },
    maxConcurrent: 10,
    maxAttempts: 3,
    backoffMinutes: 30,
    machineDetection: "hangup",
    opening: "Hi {{name}}",
    ...over,
  });
  return id;
}

async function contacts(w: Awaited<ReturnType<typeof workspace>>, campaignId: string, list: { tz: string; consent?: boolean; phone?: string }[]) {
  const rows = list.map((c, i) => ({
    id: createId("campaignContact"),
    campaignId,
    phone: c.phone ?? `+1212555${numberSeq++}`,
    name: `C${i}`,
    timezone: c.tz,
    variables: { name: `C${i}` },
    consent: c.consent ?? true,
    consentSource: "crm export",
    createdAt: new Date(Date.UTC(2026, 11, 1) + i),
  }));
  await w.tenant.campaigns.insertContacts(rows);
  return rows;
}

/** The call's end as the relay hands it to the consumer. */
async function callEnded(workspaceId: string, callId: string, p: Partial<EventPayload<"call.ended">>, metadata?: Record<string, unknown>) {
  const tenant = tenantScope(db, workspaceId);
  if (metadata) {
    const call = await tenant.calls.get(callId);
    await tenant.calls.update(callId, { metadata: { ...(call!.metadata as object), ...metadata } });
  }
  const payload: EventPayload<"call.ended"> = {
    callId,
    agentId: null,
    channel: "twilio",
    status: "completed",
    durationSec: 10,
    endReason: "hangup",
    outcome: null,
    summary: null,
    endedAt: clock.now().toISOString(),
    ...p,
  };
  const event = { id: createId("event"), workspaceId, type: "call.ended", version: 1, payload } as unknown as DomainEventRow;
  await db.system.transaction((tx) => applyCallEnded(event, tx));
}

const byId = async (w: Awaited<ReturnType<typeof workspace>>, campaignId: string) =>
  new Map((await w.tenant.campaigns.listContacts(campaignId, { limit: 100 })).map((c) => [c.id, c] as [string, CampaignContactRow]));

describe("calling windows", () => {
  it("each contact's local time and weekday; the quiet hours bound a wider window unless the campaign allows it", () => {
    const w = { start: "07:00", end: "22:00", days: [1, 2, 3, 4, 5] };
    // 07:30 in New York on a Monday.
    const early = new Date("2026-12-07T12:30:00Z");
    expect(windowOpen(early, "America/New_York", w, false)).toBe(false);
    expect(windowOpen(early, "America/New_York", w, true)).toBe(true);
    expect(windowOpen(MONDAY_14_UTC, "Asia/Tokyo", w, true)).toBe(false); // 23:00
    // Saturday in New York.
    expect(windowOpen(new Date("2026-12-12T15:00:00Z"), "America/New_York", w, false)).toBe(false);
    expect(windowOpen(MONDAY_14_UTC, "Not/AZone", w, true)).toBe(false);
  });
});

describe("campaign scheduler (fixed clock)", () => {
  it("calls only contacts inside their window across time zones; DNC, SMS STOP and missing consent are skipped", async () => {
    clockAt = MONDAY_14_UTC;
    const w = await workspace();
    const id = await campaign(w);
    const [ny, london, tokyo, dnc, stopped, noConsent] = await contacts(w, id, [
      { tz: "America/New_York" },
      { tz: "Europe/London" },
      { tz: "Asia/Tokyo" },
      { tz: "America/New_York" },
      { tz: "Europe/London" },
      { tz: "America/New_York", consent: false },
    ]);
    await w.tenant.doNotCall.add({ id: createId("doNotCall"), phone: dnc!.phone, reason: "", source: "manual" });
    await w.tenant.sms.optOut(stopped!.phone);
    const fake = fakePlacer();
    const scheduler = createCampaignScheduler({ db, place: fake.place, clock });
    expect((await scheduler.tick()).started).toBe(2);
    expect(fake.placed.map((p) => p.to).sort()).toEqual([ny!.phone, london!.phone].sort());
    expect(fake.placed[0]).toMatchObject({ opening: "Hi {{name}}", consentSource: "crm export" });
    let rows = await byId(w, id);
    expect(rows.get(ny!.id)).toMatchObject({ status: "calling", attempts: 1, lastCallId: expect.stringMatching(/^call_/) });
    expect(rows.get(tokyo!.id)).toMatchObject({ status: "pending", attempts: 0 });
    expect(rows.get(dnc!.id)!.status).toBe("skipped_dnc");
    expect(rows.get(stopped!.id)!.status).toBe("skipped_dnc");
    expect(rows.get(noConsent!.id)!.status).toBe("skipped_no_consent");
    expect((await w.tenant.doNotCall.list({ limit: 10, phone: stopped!.phone }))[0]).toMatchObject({ source: "sms" });
    // The call records its campaign, contact and consent source.
    const call = await w.tenant.calls.get(fake.placed[0]!.callId);
    expect((call!.metadata as { campaign: unknown }).campaign).toMatchObject({ campaignId: id, consentSource: "crm export" });

    // 00:30 UTC on Tuesday: 09:30 in Tokyo, 19:30 (Monday) in New York, 00:30 in London.
    clockAt = new Date("2026-12-08T00:30:00Z");
    expect((await scheduler.tick()).started).toBe(1);
    expect(fake.placed.at(-1)!.to).toBe(tokyo!.phone);
    rows = await byId(w, id);
    expect(rows.get(tokyo!.id)!.status).toBe("calling");
  });

  it("keeps at most maxConcurrent calls live; an ended call frees a slot", async () => {
    clockAt = MONDAY_14_UTC;
    const w = await workspace();
    const id = await campaign(w, { maxConcurrent: 2 });
    await contacts(
      w,
      id,
      Array.from({ length: 5 }, () => ({ tz: "America/New_York" })),
    );
    const fake = fakePlacer();
    const scheduler = createCampaignScheduler({ db, place: fake.place, clock });
    expect((await scheduler.tick()).started).toBe(2);
    expect((await scheduler.tick()).started).toBe(0);
    await callEnded(w.workspaceId, fake.placed[0]!.callId, { outcome: "booked" });
    expect((await scheduler.tick()).started).toBe(1);
    expect(await w.tenant.campaigns.countByStatus(id, ["calling"])).toBe(2);
  });

  it("no answer and busy retry after the back-off (doubling) until the attempts run out; then the campaign completes", async () => {
    clockAt = MONDAY_14_UTC;
    const w = await workspace();
    const id = await campaign(w, { maxAttempts: 3, backoffMinutes: 30 });
    const [c] = await contacts(w, id, [{ tz: "America/New_York" }]);
    const fake = fakePlacer();
    const scheduler = createCampaignScheduler({ db, place: fake.place, clock });
    await scheduler.tick();
    await callEnded(w.workspaceId, fake.placed[0]!.callId, { status: "no_answer", endReason: "status:no-answer", durationSec: 0 });
    let row = (await byId(w, id)).get(c!.id)!;
    expect(row).toMatchObject({ status: "pending", outcome: "no_answer", attempts: 1 });
    expect(row.nextAttemptAt!.toISOString()).toBe("2026-12-07T14:30:00.000Z");
    clockAt = new Date("2026-12-07T14:29:00Z");
    expect((await scheduler.tick()).started).toBe(0);
    clockAt = new Date("2026-12-07T14:30:00Z");
    expect((await scheduler.tick()).started).toBe(1);
    await callEnded(w.workspaceId, fake.placed[1]!.callId, { status: "busy", endReason: "status:busy" });
    row = (await byId(w, id)).get(c!.id)!;
    expect(row).toMatchObject({ status: "pending", outcome: "busy", attempts: 2 });
    expect(row.nextAttemptAt!.toISOString()).toBe("2026-12-07T15:30:00.000Z"); // 60 minutes: doubled
    clockAt = new Date("2026-12-07T15:30:00Z");
    expect((await scheduler.tick()).started).toBe(1);
    await callEnded(w.workspaceId, fake.placed[2]!.callId, { status: "no_answer", endReason: "status:no-answer" });
    row = (await byId(w, id)).get(c!.id)!;
    expect(row).toMatchObject({ status: "done", outcome: "no_answer", attempts: 3, nextAttemptAt: null });
    expect((await w.tenant.campaigns.get(id))!.status).toBe("completed");
  });

  it("pause stops new calls (a live call still lands its outcome); resume goes on", async () => {
    clockAt = MONDAY_14_UTC;
    const w = await workspace();
    const id = await campaign(w, { maxConcurrent: 1 });
    const [first, second] = await contacts(w, id, [{ tz: "America/New_York" }, { tz: "America/New_York" }]);
    const fake = fakePlacer();
    const scheduler = createCampaignScheduler({ db, place: fake.place, clock });
    await scheduler.tick();
    await w.tenant.campaigns.update(id, { status: "paused" });
    await callEnded(w.workspaceId, fake.placed[0]!.callId, { outcome: "message" });
    expect((await scheduler.tick()).started).toBe(0);
    expect((await byId(w, id)).get(first!.id)).toMatchObject({ status: "done", outcome: "message" });
    expect((await byId(w, id)).get(second!.id)!.status).toBe("pending");
    await w.tenant.campaigns.update(id, { status: "running" });
    expect((await scheduler.tick()).started).toBe(1);
    expect(fake.placed.at(-1)!.to).toBe(second!.phone);
  });

  it("outcomes: booked, voicemail left, a machine hung up on (retried), don't-call-me (declined + DNC); a refused plan pauses the campaign", async () => {
    clockAt = MONDAY_14_UTC;
    const w = await workspace();
    const id = await campaign(w);
    const [a, b, c, d] = await contacts(
      w,
      id,
      Array.from({ length: 4 }, () => ({ tz: "Europe/London" })),
    );
    const fake = fakePlacer();
    const scheduler = createCampaignScheduler({ db, place: fake.place, clock });
    await scheduler.tick();
    const callOf = (phone: string) => fake.placed.find((p) => p.to === phone)!.callId;
    await callEnded(w.workspaceId, callOf(a!.phone), { outcome: "booked" });
    await callEnded(w.workspaceId, callOf(b!.phone), { endReason: "voicemail_left" }, { amd: { result: "machine" } });
    await callEnded(w.workspaceId, callOf(c!.phone), { endReason: "answering_machine" }, { amd: { result: "machine" } });
    await callEnded(w.workspaceId, callOf(d!.phone), { outcome: "do_not_call" });
    const rows = await byId(w, id);
    expect(rows.get(a!.id)).toMatchObject({ status: "done", outcome: "booked" });
    expect(rows.get(b!.id)).toMatchObject({ status: "done", outcome: "voicemail" });
    expect(rows.get(c!.id)).toMatchObject({ status: "pending", outcome: "voicemail" });
    expect(rows.get(d!.id)).toMatchObject({ status: "done", outcome: "declined" });
    expect((await w.tenant.doNotCall.list({ limit: 10, phone: d!.phone }))[0]).toMatchObject({ source: "call" });
    // A second delivery of the same end changes nothing.
    await callEnded(w.workspaceId, callOf(a!.phone), { status: "busy" });
    expect((await byId(w, id)).get(a!.id)).toMatchObject({ status: "done", outcome: "booked" });

    const other = await campaign(w);
    const [e] = await contacts(w, other, [{ tz: "Europe/London" }]);
    fake.refuseWith(new AppError("plan_limit", "This workspace's calls for the period are used up"));
    expect((await scheduler.tick()).started).toBe(0);
    expect(await w.tenant.campaigns.get(other)).toMatchObject({ status: "paused", lastError: expect.stringMatching(/used up/) });
    expect((await byId(w, other)).get(e!.id)).toMatchObject({ status: "pending", attempts: 0 });
  });
});
