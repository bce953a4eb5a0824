import { testConfig } from "@orbis/config";
import { createId } from "@orbis/contracts";
import { createCredentialsService } from "@orbis/credentials";
import { tenantScope } from "@orbis/db";
import { createJobQueue, type JobQueue } from "@orbis/jobs";
import { startWorker } from "@orbis/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_BASE, startPhoneGateway, telnyxTenant, twilioAccount, twilioTenant, type PhoneHarness } from "./phone-harness.ts";
import { TelnyxEmulator, postTelnyxWebhook, telnyxMessageReceived } from "./telnyx-emulator.ts";
import { postTwilioForm } from "./twilio-emulator.ts";
import { TwilioRestEmulator } from "./twilio-rest-emulator.ts";
// The lead exports it from @orbis/worker when wiring it into apps/cli.
import { SMS_QUEUE, smsConsumer } from "../../apps/worker/src/sms/index.ts";

/**
 * Text messages to callers through the composed platform: the owner switches them on in the
 * workspace settings, a booking is texted through the emulated carrier, and the caller's STOP (a
 * signed inbound-message webhook to the gateway) stops the reminder; START lets them through again.
 */
const T0 = Date.parse("2030-03-04T14:00:00Z");
const START = new Date("2030-03-07T15:00:00Z");
let nowMs = T0;

let h: PhoneHarness;
let queue: JobQueue;
let worker: Awaited<ReturnType<typeof startWorker>>;
const account = twilioAccount();
let twilioEmu: TwilioRestEmulator;
let telnyxEmu: TelnyxEmulator;

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function book(workspaceId: string, agentId: string, phone: string, start = START): Promise<string> {
  const appointmentId = createId("appointment");
  const end = new Date(start.getTime() + 30 * 60_000);
  await tenantScope(h.db, workspaceId).transaction(async (t) => {
    await t.appointments.insert({
      id: appointmentId,
      agentId,
      serviceId: "cleaning",
      customerName: "Jane Doe",
      customerPhone: phone,
      startAt: start,
      endAt: end,
      busyEndAt: end,
      timezone: "America/New_York",
      source: "agent",
    });
    await t.events.record("appointment.booked", {
      appointmentId,
      agentId,
      callId: null,
      serviceId: "cleaning",
      staffId: null,
      start: start.toISOString(),
      end: end.toISOString(),
      timezone: "America/New_York",
      customerName: "Jane Doe",
      customerPhone: phone,
      customerEmail: "",
      source: "agent",
    });
  });
  return appointmentId;
}

const smsRows = (workspaceId: string, appointmentId: string) => tenantScope(h.db, workspaceId).sms.list({ appointmentId });

beforeAll(async () => {
  twilioEmu = await TwilioRestEmulator.start(account);
  telnyxEmu = await TelnyxEmulator.start();
  h = await startPhoneGateway({ config: { telnyxApiUrl: telnyxEmu.apiUrl, twilioApiUrl: twilioEmu.url } });
  queue = createJobQueue({ connection: h.db.jobs, pollingIntervalSec: 0.5 });
  const credentials = createCredentialsService(testConfig({ publicBaseUrl: PUBLIC_BASE }).encryptionKey);
  const consumer = smsConsumer({ db: h.db, credentials, twilioApiUrl: twilioEmu.url, telnyxApiUrl: telnyxEmu.apiUrl, clock: { now: () => new Date(nowMs) } });
  worker = await startWorker({ db: h.db, queue, consumers: [consumer], relayPollMs: 200 });
});
afterAll(async () => {
  await worker?.stop();
  await h?.close();
  await twilioEmu?.close();
  await telnyxEmu?.close();
});

describe("text messages to callers, end to end", () => {
  it("switches on in the settings, texts the booking, and honours STOP and START sent to the Twilio number", async () => {
    nowMs = T0;
    const { tenant, number } = await twilioTenant(h, { account });
    const auth = { authorization: `Bearer ${tenant.token}` };
    await tenantScope(h.db, tenant.workspaceId).workspace.update({ timezone: "America/New_York" });
    expect((await h.app.inject({ method: "GET", url: "/v1/workspaces/current", headers: auth })).json()).toMatchObject({ smsEnabled: false });
    const bad = await h.app.inject({ method: "PUT", url: "/v1/workspaces/current", headers: auth, payload: { smsEnabled: "yes" } });
    expect(bad.statusCode).toBe(422);
    const on = await h.app.inject({ method: "PUT", url: "/v1/workspaces/current", headers: auth, payload: { smsEnabled: true } });
    expect(on.statusCode).toBe(200);
    expect(on.json()).toMatchObject({ smsEnabled: true });
    const audit = await tenantScope(h.db, tenant.workspaceId).audit.list(50);
    expect(audit.some((r) => r.action === "workspace.updated" && (r.metadata as { smsEnabled?: boolean }).smsEnabled === true)).toBe(true);

    const caller = "+16505550188";
    const appointmentId = await book(tenant.workspaceId, tenant.agentId, caller);
    const confirmation = await until(() => twilioEmu.messages.find((m) => m.to === caller));
    expect(confirmation.from).toBe(number);
    expect(confirmation.body).toMatch(/Thu 7 Mar at 10:00 AM/);
    expect(confirmation.body).toMatch(/Reply STOP to opt out\.$/);

    const sms = (params: Record<string, string>, signature?: string) =>
      postTwilioForm(account, {
        localBase: h.localBase,
        publicBase: PUBLIC_BASE,
        path: "/v1/telephony/twilio/sms",
        params: { AccountSid: account.accountSid, MessageSid: `SM${createId("sms").slice(4).padEnd(32, "0")}`, From: caller, To: number, ...params },
        ...(signature ? { signature } : {}),
      });
    // A forged STOP changes nothing.
    expect((await sms({ Body: "STOP" }, "forged")).status).toBe(403);
    expect(await tenantScope(h.db, tenant.workspaceId).sms.isOptedOut(caller)).toBe(false);

    const stop = await sms({ Body: " stop " });
    expect(stop.status).toBe(200);
    expect(stop.body).toContain("<Response/>");
    expect(await tenantScope(h.db, tenant.workspaceId).sms.isOptedOut(caller)).toBe(true);

    const reminder = (await smsRows(tenant.workspaceId, appointmentId)).find((r) => r.kind === "reminder")!;
    nowMs = reminder.sendAt.getTime();
    await queue.send(SMS_QUEUE, { smsId: reminder.id });
    const skipped = await until(async () => {
      const row = await tenantScope(h.db, tenant.workspaceId).sms.get(reminder.id);
      return row?.status === "queued" ? undefined : row;
    });
    expect(skipped).toMatchObject({ status: "skipped", error: "the number opted out (STOP)" });
    expect(twilioEmu.messages.filter((m) => m.to === caller)).toHaveLength(1);

    // A message that is no keyword changes nothing; START opts back in.
    expect((await sms({ Body: "Can I move it to Friday?" })).status).toBe(200);
    expect(await tenantScope(h.db, tenant.workspaceId).sms.isOptedOut(caller)).toBe(true);
    expect((await sms({ Body: "START" })).status).toBe(200);
    expect(await tenantScope(h.db, tenant.workspaceId).sms.isOptedOut(caller)).toBe(false);
  });

  it("honours STOP sent to a Telnyx number (message.received, Ed25519-signed)", async () => {
    nowMs = T0;
    const { tenant, number } = await telnyxTenant(h, telnyxEmu.account);
    await tenantScope(h.db, tenant.workspaceId).workspace.update({ smsEnabled: true });
    const caller = "+16505550199";
    await book(tenant.workspaceId, tenant.agentId, caller);
    const sent = await until(() => telnyxEmu.messages.find((m) => m.to === caller));
    expect(sent.from).toBe(number);

    const post = (text: string, o: { timestampSec?: number } = {}) =>
      postTelnyxWebhook(telnyxEmu.account, h.localBase, telnyxMessageReceived({ from: caller, to: number, text }), { path: "/v1/telephony/telnyx/sms", ...o });
    expect((await post("STOP", { timestampSec: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(403);
    expect(await tenantScope(h.db, tenant.workspaceId).sms.isOptedOut(caller)).toBe(false);
    expect((await post("Stop")).status).toBe(200);
    expect(await tenantScope(h.db, tenant.workspaceId).sms.isOptedOut(caller)).toBe(true);
    const audit = await tenantScope(h.db, tenant.workspaceId).audit.list(50);
    expect(audit.filter((r) => r.action === "sms.opted_out")).toMatchObject([{ targetType: "phone", targetId: caller, metadata: { carrier: "telnyx" } }]);
  });
});
