import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBilling } from "@orbis/billing";
import { callSlotKeys } from "@orbis/cache";
import { testConfig } from "@orbis/config";
import { createCredentialsService } from "@orbis/credentials";
import { tenantScope } from "@orbis/db";
import { createJobQueue, type JobQueue } from "@orbis/jobs";
import { speechAvailability } from "@orbis/providers";
import { echoPipeline } from "@orbis/gateway";
import { campaignPlacer, campaignsConsumer, createCampaignScheduler, startWorker } from "@orbis/worker";
import { twilioCallee, type Callee, type CalleeResult } from "../telephony/outbound-callee.ts";
import { PUBLIC_BASE, startPhoneGateway, twilioAccount, twilioTenant, type PhoneHarness } from "../telephony/phone-harness.ts";
import { TwilioRestEmulator } from "../telephony/twilio-rest-emulator.ts";

/**
 * An outbound campaign end to end: the worker's scheduler pass (a fixed clock inside the calling
 * window) places the contact's call with `place()` through the official Twilio SDK to the REST
 * emulator, which rings, answers and opens the media stream; the callee speaks real audio (flite →
 * μ-law 8 kHz → the offline recogniser); the relay hands `call.ended` to the campaigns consumer, which
 * sets the contact's outcome and the do-not-call list. The call's slot is one lease from placement to
 * hang-up (the gateway takes over the lease `place()` took); a call that ends unanswered gives it back.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Monday 2026-12-07 15:00 UTC: 10:00 in New York, inside the campaign's window. */
const MONDAY_10_NEW_YORK = new Date("2026-12-07T15:00:00Z");
const account = twilioAccount();
const speech = speechAvailability().stt;
let h: PhoneHarness;
let rest: TwilioRestEmulator;
let queue: JobQueue;
let worker: Awaited<ReturnType<typeof startWorker>>;
let scheduler: ReturnType<typeof createCampaignScheduler>;

beforeAll(async () => {
  rest = await TwilioRestEmulator.start(account);
  // Real speech when the offline recogniser is installed; the unanswered case needs none.
  h = await startPhoneGateway({ config: { twilioApiUrl: rest.url }, ...(speech ? {} : { pipeline: echoPipeline }) });
  const config = testConfig({ publicBaseUrl: PUBLIC_BASE, twilioApiUrl: rest.url });
  const place = campaignPlacer({
    db: h.db,
    cache: h.cache,
    billing: createBilling(config.billing),
    credentials: createCredentialsService(config.encryptionKey),
    maxCallsPerWorkspace: config.maxCallsPerWorkspace,
    publicBaseUrl: () => PUBLIC_BASE,
    twilioApiUrl: rest.url,
    telnyxApiUrl: config.telnyxApiUrl,
    log: { warn: () => undefined },
  });
  const clock = { now: () => MONDAY_10_NEW_YORK };
  scheduler = createCampaignScheduler({ db: h.db, place, clock });
  // The worker's campaigns consumer for `call.ended` (its timer left out: the test runs the passes itself, on its clock).
  const consumer = { ...campaignsConsumer({ db: h.db, place, clock, tickSec: 300 }), timers: [] };
  queue = createJobQueue({ connection: h.db.jobs, pollingIntervalSec: 0.5 });
  worker = await startWorker({ db: h.db, queue, consumers: [consumer], relayPollMs: 200 });
});
afterAll(async () => {
  await worker?.stop();
  await h?.close();
  await rest?.close();
});

const api = (token: string, method: "GET" | "POST", url: string, payload?: object) =>
  h.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });

/** A campaign (draft) from the tenant's number with these contacts, all consented, in New York. */
async function campaignOf(token: string, agentId: string, fromNumber: string, contacts: { phone: string; name: string }[]) {
  const created = await api(token, "POST", "/v1/campaigns", {
    name: "Spring check-ups",
    agentId,
    fromNumber,
    window: { start: "09:00", end: "20:00", days: [1, 2, 3, 4, 5] },
    maxConcurrent: 1,
    retry: { maxAttempts: 2, backoffMinutes: 60 },
    opening: "Hi {{name}}, this is {{business}} calling about your spring check-up.",
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  const added = await api(token, "POST", `/v1/campaigns/${id}/contacts`, {
    contacts: contacts.map((c) => ({ ...c, timezone: "America/New_York", consent: true, consentSource: "web form 2026-11" })),
  });
  expect(added.statusCode, added.body).toBe(200);
  expect(added.json()).toMatchObject({ imported: contacts.length, errors: [] });
  return id;
}

/** The next call placed to the emulator is answered by `callee`; the workspace's live slots are sampled meanwhile. */
function answered(workspaceId: string, callee: Callee) {
  const slots: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      slots.push(await h.cache.countLeases(callSlotKeys.workspace(workspaceId)));
      await sleep(25);
    }
  })();
  const result = new Promise<CalleeResult>((resolve, reject) => {
    rest.onPlaced = (call) => twilioCallee(account, call, { localBase: h.localBase, callee }).then(resolve, reject);
  });
  return {
    result,
    slots: async () => {
      await result.catch(() => undefined);
      sampling = false;
      await sampler;
      return slots;
    },
  };
}

async function contactSettled(workspaceId: string, campaignId: string, contactId: string) {
  const tenant = tenantScope(h.db, workspaceId);
  for (let i = 0; i < 100; i++) {
    const c = await tenant.campaigns.getContact(campaignId, contactId);
    if (c && c.status !== "calling") return c;
    await sleep(100);
  }
  return tenant.campaigns.getContact(campaignId, contactId);
}

describe("a campaign call the callee does not take", () => {
  it("busy: the carrier's final status gives the line back at once; the contact waits for its retry", async () => {
    const { tenant, number } = await twilioTenant(h, { account });
    const tenantDb = tenantScope(h.db, tenant.workspaceId);
    const person = `+1718555${String(Math.floor(1000 + Math.random() * 8999))}`;
    const id = await campaignOf(tenant.token, tenant.agentId, number, [{ phone: person, name: "Robin" }]);
    expect((await api(tenant.token, "POST", `/v1/campaigns/${id}/start`)).statusCode).toBe(200);
    const [contact] = await tenantDb.campaigns.listContacts(id, { limit: 10 });
    const key = callSlotKeys.workspace(tenant.workspaceId);
    const call = answered(tenant.workspaceId, { kind: "busy" });
    expect(await scheduler.tick()).toMatchObject({ started: 1 });
    await call.result;
    // The placed call held the line while it rang, and the busy callback dropped it (not left to lapse in 60 s).
    expect(Math.max(...(await call.slots()))).toBe(1);
    expect(await h.cache.countLeases(key)).toBe(0);
    const settled = (await contactSettled(tenant.workspaceId, id, contact!.id))!;
    expect(settled).toMatchObject({ status: "pending", outcome: "busy", attempts: 1 });
    // Retry after the back-off (60 min from the call's end), not before.
    expect(settled.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
    expect((await tenantDb.calls.get(settled.lastCallId!))!.status).toBe("busy");
    // The scheduler's fixed clock is past that retry time: cancelled, so the other tests' passes do not call Robin again.
    expect((await api(tenant.token, "POST", `/v1/campaigns/${id}/cancel`)).statusCode).toBe(200);
  });
});

describe.runIf(speech)("a campaign call through the carrier emulator with real audio", () => {
  it(
    '"please take me off your list": the contact is declined, the number is on the do-not-call list (source call), and another campaign skips it',
    { timeout: 120_000, retry: 2 },
    async () => {
      // Retried on a fresh tenant: over 8 kHz μ-law the offline recogniser now and then mishears a phrase.
      const { tenant, number } = await twilioTenant(h, { account });
      const tenantDb = tenantScope(h.db, tenant.workspaceId);
      const person = `+1212555${String(Math.floor(1000 + Math.random() * 8999))}`;
      const spring = await campaignOf(tenant.token, tenant.agentId, number, [{ phone: person, name: "Sam" }]);
      // A second campaign with the same number, started only after the call.
      const autumn = await campaignOf(tenant.token, tenant.agentId, number, [{ phone: person, name: "Sam" }]);
      expect((await api(tenant.token, "POST", `/v1/campaigns/${spring}/start`)).statusCode).toBe(200);
      const [contact] = await tenantDb.campaigns.listContacts(spring, { limit: 10 });

      const call = answered(tenant.workspaceId, { kind: "human", greeting: "Hello?", steps: [{ say: "please take me off your list" }] });
      const placedBefore = rest.placed.length;
      expect(await scheduler.tick()).toMatchObject({ started: 1 });
      const result = await call.result;
      const log = result.log.join("\n");
      expect(result.shapeErrors, log).toEqual([]);
      expect(rest.placed.length).toBe(placedBefore + 1);
      expect(rest.placed.at(-1)!.form).toMatchObject({ To: person, From: number });

      const settled = (await contactSettled(tenant.workspaceId, spring, contact!.id))!;
      const row = settled.lastCallId ? await tenantDb.calls.get(settled.lastCallId) : undefined;
      const turns = row ? await tenantDb.calls.turns(row.id) : [];
      const transcript = turns.map((t) => `callee: ${t.userText ?? ""} | agent: ${t.agentText ?? ""}`).join("\n");
      expect(settled, `${transcript}\n${log}`).toMatchObject({ status: "done", outcome: "declined", attempts: 1 });
      expect(row).toMatchObject({ direction: "outbound", callee: person, caller: number, status: "completed" });
      expect(row!.metadata).toMatchObject({ campaign: { campaignId: spring, contactId: contact!.id, consentSource: "web form 2026-11" } });
      expect(turns[0]!.agentText, transcript).toMatch(/^Hi Sam, this is .+ calling about your spring check-up\.$/);
      // The agent ended the call after saying it would not call again (the do_not_call tool, then end_call).
      expect(result.agentHungUp, `${transcript}\n${log}`).toBe(true);
      expect((await tenantDb.campaigns.get(spring))!.status).toBe("completed");

      // The number is on the workspace's list, from the call.
      const dnc = await api(tenant.token, "GET", `/v1/do-not-call?phone=${encodeURIComponent(person)}`);
      expect(dnc.json().data, dnc.body).toEqual([expect.objectContaining({ phone: person, source: "call", reason: expect.stringContaining(row!.id) })]);

      // One line from placement to hang-up: the gateway took over the lease place() took (never two), and gave it back.
      const slots = await call.slots();
      expect(Math.max(...slots), slots.join(",")).toBe(1);
      await expect.poll(() => h.cache.countLeases(callSlotKeys.workspace(tenant.workspaceId)), { timeout: 5000 }).toBe(0);

      // The other campaign's contact with that number is skipped when its turn comes; nothing is dialled.
      expect((await api(tenant.token, "POST", `/v1/campaigns/${autumn}/start`)).statusCode).toBe(200);
      const placed = rest.placed.length;
      expect(await scheduler.tick()).toMatchObject({ started: 0 });
      expect(rest.placed.length).toBe(placed);
      const [skipped] = await tenantDb.campaigns.listContacts(autumn, { limit: 10 });
      expect(skipped).toMatchObject({ phone: person, status: "skipped_dnc", attempts: 0, lastCallId: null });
      expect((await tenantDb.campaigns.get(autumn))!.status).toBe("completed");
    },
  );

  it("the callee books a cleaning by voice: the contact's outcome is booked, the appointment is theirs", { timeout: 180_000, retry: 2 }, async () => {
    // Retried on a fresh tenant, as the inbound booking test is: a short confirmation is now and then misheard over 8 kHz.
    const { tenant, number } = await twilioTenant(h, { account });
    const tenantDb = tenantScope(h.db, tenant.workspaceId);
    const person = `+1646555${String(Math.floor(1000 + Math.random() * 8999))}`;
    const id = await campaignOf(tenant.token, tenant.agentId, number, [{ phone: person, name: "Jamie" }]);
    expect((await api(tenant.token, "POST", `/v1/campaigns/${id}/start`)).statusCode).toBe(200);
    const [contact] = await tenantDb.campaigns.listContacts(id, { limit: 10 });
    const call = answered(tenant.workspaceId, {
      kind: "human",
      greeting: "Hello?",
      steps: [
        { say: "i would like to book a cleaning next tuesday afternoon" },
        { say: "the first one" },
        { say: "my name is james smith" },
        // The agent offers the number it called; confirming it keeps the test off spoken digits.
        { say: "yes please" },
        { say: "yes please" },
        { say: "no thank you goodbye" },
      ],
    });
    expect(await scheduler.tick()).toMatchObject({ started: 1 });
    const result = await call.result;
    const log = result.log.join("\n");
    expect(result.shapeErrors, log).toEqual([]);
    const settled = (await contactSettled(tenant.workspaceId, id, contact!.id))!;
    const turns = settled.lastCallId ? await tenantDb.calls.turns(settled.lastCallId) : [];
    const transcript = turns.map((t) => `callee: ${t.userText ?? ""} | agent: ${t.agentText ?? ""}`).join("\n");
    expect(settled, `${transcript}\n${log}`).toMatchObject({ status: "done", outcome: "booked", attempts: 1 });
    const booked = await api(tenant.token, "GET", "/v1/appointments");
    expect(booked.json().data, transcript).toEqual([expect.objectContaining({ customerPhone: person, callId: settled.lastCallId })]);
    expect(Math.max(...(await call.slots()))).toBe(1);
    // Nobody asked not to be called: the list is empty.
    expect((await api(tenant.token, "GET", "/v1/do-not-call")).json().data).toEqual([]);
  });
});
