import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createId } from "@orbis/contracts";
import { tenantScope } from "@orbis/db";
import { bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let a: Account;
let b: Account;
let lastCallId: string;

const HOUR = 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms);

async function addNumber(account: Account, number: string): Promise<string> {
  const res = await t.app.inject({ method: "POST", url: "/v1/phone-numbers", headers: bearer(account.token), payload: { number, provider: "twilio" } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** A carrier call as the lifecycle creates it (its number in `metadata.phoneNumberId`) and its webhooks. */
async function callWithEvents(account: Account, phoneNumberId: string, startedAt: Date, events: { kind: string; status: string | null; at: Date }[]) {
  const tenant = tenantScope(t.db, account.workspaceId);
  const callId = createId("call");
  await tenant.calls.insert({
    id: callId,
    agentId: null,
    channel: "twilio",
    caller: "+15005550006",
    status: "completed",
    startedAt,
    metadata: { phoneNumberId },
  });
  for (const e of events)
    await tenant.callEvents.record({ id: `evt_${randomUUID()}`, callId, provider: "twilio", kind: e.kind, status: e.status, occurredAt: e.at });
  return callId;
}

beforeAll(async () => {
  t = await buildTestApp();
  a = await signup(t.app, "pn-last-a");
  b = await signup(t.app, "pn-last-b");
  const main = await addNumber(a, "+14155550700");
  await addNumber(a, "+14155550702");
  const other = await addNumber(a, "+14155550703");
  const bNumber = await addNumber(b, "+14155550701");
  await callWithEvents(a, main, ago(5 * HOUR), [{ kind: "status", status: "completed", at: ago(5 * HOUR) }]);
  lastCallId = await callWithEvents(a, main, ago(2 * HOUR), [
    { kind: "status", status: "in-progress", at: ago(2 * HOUR) },
    { kind: "transfer", status: "failed", at: ago(HOUR) },
  ]);
  // Later events that are not the main number's: another number's call, and a call of workspace B naming A's number.
  await callWithEvents(a, other, ago(HOUR), [{ kind: "status", status: "busy", at: ago(10 * 60_000) }]);
  await callWithEvents(b, main, ago(HOUR), [{ kind: "status", status: "b-only", at: ago(60_000) }]);
  await callWithEvents(b, bNumber, ago(HOUR), [{ kind: "status", status: "ringing", at: ago(HOUR) }]);
  // Older than the 90-day window: not looked at.
  await callWithEvents(a, await addNumber(a, "+14155550704"), ago(100 * 24 * HOUR), [{ kind: "status", status: "completed", at: ago(100 * 24 * HOUR) }]);
});
afterAll(() => t.close());

describe("GET /v1/phone-numbers lastEvent", () => {
  it("is the latest carrier event of the number's own calls, null without one", async () => {
    const res = await t.app.inject({ url: "/v1/phone-numbers", headers: bearer(a.token) });
    expect(res.statusCode, res.body).toBe(200);
    const byNumber = Object.fromEntries(res.json().data.map((n: { number: string; lastEvent: unknown }) => [n.number, n.lastEvent]));
    expect(byNumber["+14155550700"]).toEqual({ at: expect.any(String), kind: "transfer", status: "failed", callId: lastCallId });
    expect(Date.now() - Date.parse(byNumber["+14155550700"].at)).toBeGreaterThan(HOUR - 60_000);
    expect(byNumber["+14155550703"]).toMatchObject({ kind: "status", status: "busy" });
    expect(byNumber["+14155550702"]).toBeNull();
    expect(byNumber["+14155550704"]).toBeNull();
  });

  it("workspace B sees only its own number and events", async () => {
    const data = (await t.app.inject({ url: "/v1/phone-numbers", headers: bearer(b.token) })).json().data;
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ number: "+14155550701", lastEvent: { kind: "status", status: "ringing" } });
  });
});
