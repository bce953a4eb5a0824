import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "@orbis/config";
import { tenantScope } from "@orbis/db";
import { CallRecording, createRecordingStore, type RecordingStore } from "@orbis/recordings";
import { addMember, bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

/**
 * Sales practice recordings and the price per minute (docs/practice.md, "Recordings" and "Price per
 * minute"): a recorded session is played back through a short-lived signed URL only its rep and the
 * workspace's owners and admins can get (another rep: 404, as the session); recording off → none, and
 * the report says so; a session keeps the price in force when it started, so a later price never
 * rewrites its charge; the charge is practice's own line in usage; workspace B sees none of A's.
 */
const PERSONA = "builtin_dental_practice_owner";
const SCENARIO = "builtin_cold_call_book_meeting";
const clock = { at: Date.parse("2026-12-06T09:00:00Z") };
let t: TestApp;
let store: RecordingStore;
let owner: Account;
let admin: Account;
let rep: Account;
let otherRep: Account;
let viewer: Account;
let b: Account;

const call = (who: Account, method: "GET" | "POST" | "PATCH", url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: bearer(who.token), ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
const local = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};
const start = async (who: Account) => {
  const res = await call(who, "POST", "/v1/practice/sessions", { personaId: PERSONA, scenarioId: SCENARIO });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().session as { id: string; pricePerMinuteUsd: number | null; chargeUsd: number | null };
};
const end = async (who: Account, id: string) => {
  const res = await call(who, "POST", `/v1/practice/sessions/${id}/end`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const advance = (sec: number) => (clock.at += sec * 1000);

/** What the gateway does for a recorded session: a two-channel WAV under `<workspace>/<session>.wav`, its location stored. */
async function record(who: Account, sessionId: string): Promise<Buffer> {
  const rec = new CallRecording(store, `${who.workspaceId}/${sessionId}.wav`);
  for (let i = 0; i < 50; i++) rec.callerFrame(new Int16Array(320).fill(i + 1));
  rec.agentFrame(new Int16Array(320).fill(-7));
  await rec.close();
  await tenantScope(t.db, who.workspaceId).practice.updateSession({ userId: who.userId, role: "staff" }, sessionId, { recordingPath: rec.location });
  return readFileSync(rec.location);
}

beforeAll(async () => {
  const config = testConfig({ dataDir: mkdtempSync(join(tmpdir(), "orbis-practice-rec-")), recordings: { ...testConfig().recordings, urlTtlSec: 120 } });
  t = await buildTestApp(config, { now: () => new Date(clock.at) });
  store = createRecordingStore(config.recordings, { dataDir: config.dataDir, encryptionKey: config.encryptionKey });
  owner = await signup(t.app, "practice-rec-a");
  admin = await addMember(t.app, owner, "admin");
  rep = await addMember(t.app, owner, "staff");
  otherRep = await addMember(t.app, owner, "staff");
  viewer = await addMember(t.app, owner, "viewer");
  b = await signup(t.app, "practice-rec-b");
});
afterAll(() => t.close());

describe("practice recordings", () => {
  let sessionId: string;
  let wav: Buffer;
  beforeAll(async () => {
    sessionId = (await start(rep)).id;
    wav = await record(rep, sessionId);
    advance(30);
    await end(rep, sessionId);
  });

  it("the report names the recording; the rep gets it through a redirect to a short-lived signed link", async () => {
    const detail = (await call(rep, "GET", `/v1/practice/sessions/${sessionId}`)).json();
    expect(detail.recording).toEqual({ state: "available", url: `/v1/practice/sessions/${sessionId}/recording` });
    const res = await call(rep, "GET", `/v1/practice/sessions/${sessionId}/recording`);
    expect(res.statusCode).toBe(302);
    expect(res.headers["cache-control"]).toBe("no-store");
    const location = String(res.headers.location);
    expect(location).toMatch(/\/v1\/practice\/recordings\/download\?token=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    // The link is its own credential: no session cookie or bearer needed.
    const file = await t.app.inject({ url: local(location) });
    expect(file.statusCode, file.body).toBe(200);
    expect(file.headers["content-type"]).toBe("audio/wav");
    expect(file.rawPayload.equals(wav)).toBe(true);
  });

  it("owners and admins may fetch it; another rep, a viewer and another workspace get 404", async () => {
    for (const who of [owner, admin]) expect((await call(who, "GET", `/v1/practice/sessions/${sessionId}/recording`)).statusCode).toBe(302);
    for (const who of [otherRep, viewer, b]) {
      const res = await call(who, "GET", `/v1/practice/sessions/${sessionId}/recording`);
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().error.code).toBe("not_found");
    }
  });

  it("a link expires (403), a forged or a call's link is 404", async () => {
    const location = String((await call(rep, "GET", `/v1/practice/sessions/${sessionId}/recording`)).headers.location);
    const token = new URL(location).searchParams.get("token")!;
    const [payload, mac] = token.split(".");
    const forged = `${Buffer.from(JSON.stringify({ w: rep.workspaceId, c: sessionId, e: 9_999_999_999 })).toString("base64url")}.${mac}`;
    expect((await t.app.inject({ url: `/v1/practice/recordings/download?token=${forged}` })).statusCode).toBe(404);
    expect(payload).toBeTruthy();
    // A call's recording link (same signer) never opens a practice recording, nor the other way round.
    const callLink = (await t.app.inject({ url: `/v1/recordings/download?token=${token}` })).statusCode;
    expect(callLink).toBe(404);
    advance(121);
    const expired = await t.app.inject({ url: local(location) });
    expect(expired.statusCode).toBe(403);
  });

  it("recording off for the workspace: new sessions are not recorded and the report says so (owners and admins switch it)", async () => {
    expect((await call(rep, "PATCH", "/v1/practice/settings", { recordSessions: false })).statusCode).toBe(403);
    const patched = await call(admin, "PATCH", "/v1/practice/settings", { recordSessions: false });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ recordSessions: false, transcriptRetentionDays: 365 });
    const off = await start(rep);
    const row = await tenantScope(t.db, rep.workspaceId).practice.getSession({ userId: rep.userId, role: "staff" }, off.id);
    expect(row?.recordAudio).toBe(false);
    await end(rep, off.id);
    expect((await call(rep, "GET", `/v1/practice/sessions/${off.id}`)).json().recording).toEqual({ state: "off", url: null });
    expect((await call(rep, "GET", `/v1/practice/sessions/${off.id}/recording`)).statusCode).toBe(404);
    // The earlier session keeps its recording; workspace B's setting is its own.
    expect((await call(rep, "GET", `/v1/practice/sessions/${sessionId}`)).json().recording.state).toBe("available");
    expect((await call(b, "GET", "/v1/practice/settings")).json()).toMatchObject({ recordSessions: true });
    const audit = (await call(owner, "GET", "/v1/audit-logs?action=practice.settings_updated")).json();
    expect(audit.data[0]).toMatchObject({
      action: "practice.settings_updated",
      metadata: { before: { recordSessions: true }, after: { recordSessions: false } },
    });
    await call(owner, "PATCH", "/v1/practice/settings", { recordSessions: true });
  });

  it("retention days are validated (1–3650)", async () => {
    expect((await call(owner, "PATCH", "/v1/practice/settings", { transcriptRetentionDays: 0 })).statusCode).toBe(422);
    const ok = await call(owner, "PATCH", "/v1/practice/settings", { transcriptRetentionDays: 180 });
    expect(ok.json()).toMatchObject({ transcriptRetentionDays: 180 });
  });
});

describe("practice price per minute", () => {
  it("no price: sessions carry none and charge nothing", async () => {
    expect((await call(b, "GET", "/v1/practice/settings")).json()).toMatchObject({ pricePerMinuteUsd: null });
    const s = await start(b);
    expect(s.pricePerMinuteUsd).toBeNull();
    advance(60);
    expect(await end(b, s.id)).toMatchObject({ pricePerMinuteUsd: null, chargeUsd: null });
  });

  it("sessions keep the price in force when they started; a later price never rewrites them", async () => {
    expect((await call(rep, "POST", "/v1/practice/prices", { pricePerMinuteUsd: 0.2 })).statusCode).toBe(403);
    const set = await call(owner, "POST", "/v1/practice/prices", { pricePerMinuteUsd: 0.2 });
    expect(set.statusCode, set.body).toBe(201);
    expect(set.json()).toMatchObject({ pricePerMinuteUsd: 0.2, createdBy: owner.userId });

    const first = await start(rep);
    expect(first.pricePerMinuteUsd).toBe(0.2);
    advance(90);
    expect(await end(rep, first.id)).toMatchObject({ durationSec: 90, pricePerMinuteUsd: 0.2, chargeUsd: 0.3 });

    // A new price from now: the finished session and one still live keep 0.20.
    const live = await start(rep);
    expect((await call(admin, "POST", "/v1/practice/prices", { pricePerMinuteUsd: 0.5 })).statusCode).toBe(201);
    expect((await call(rep, "GET", "/v1/practice/settings")).json()).toMatchObject({ pricePerMinuteUsd: 0.5 });
    advance(60);
    expect(await end(rep, live.id)).toMatchObject({ durationSec: 60, pricePerMinuteUsd: 0.2, chargeUsd: 0.2 });
    expect((await call(rep, "GET", `/v1/practice/sessions/${first.id}`)).json()).toMatchObject({ pricePerMinuteUsd: 0.2, chargeUsd: 0.3 });
    const second = await start(rep);
    expect(second.pricePerMinuteUsd).toBe(0.5);
    advance(30);
    expect(await end(rep, second.id)).toMatchObject({ chargeUsd: 0.25 });
  });

  it("a price from a later time applies to sessions started from then; one in the past is refused", async () => {
    const past = await call(owner, "POST", "/v1/practice/prices", { pricePerMinuteUsd: 9, effectiveFrom: new Date(clock.at - 3600_000).toISOString() });
    expect(past.statusCode).toBe(422);
    const from = new Date(clock.at + 600_000).toISOString();
    expect((await call(owner, "POST", "/v1/practice/prices", { pricePerMinuteUsd: 1, effectiveFrom: from })).statusCode).toBe(201);
    expect((await start(rep)).pricePerMinuteUsd).toBe(0.5);
    advance(601);
    expect((await start(rep)).pricePerMinuteUsd).toBe(1);

    const history = (await call(admin, "GET", "/v1/practice/prices")).json().data;
    expect(history.map((p: { pricePerMinuteUsd: number }) => p.pricePerMinuteUsd)).toEqual([1, 0.5, 0.2]);
    expect(history[0].effectiveFrom).toBe(from);
    expect((await call(rep, "GET", "/v1/practice/prices")).statusCode).toBe(403);
    // Workspace B: none of A's prices.
    expect((await call(b, "GET", "/v1/practice/prices")).json().data).toEqual([]);
  });

  it("usage: practice's charge is its own line (every rep's sessions, this workspace only)", async () => {
    const range = `from=${new Date(Date.parse("2026-12-06T00:00:00Z")).toISOString()}&to=${new Date(Date.parse("2026-12-07T00:00:00Z")).toISOString()}`;
    const a = (await call(owner, "GET", `/v1/usage?${range}`)).json();
    // 0.30 + 0.20 + 0.25; the recording sessions had no price; live ones have no charge yet.
    expect(a.practice.chargeUsd).toBeCloseTo(0.75, 6);
    expect(a).toMatchObject({ calls: 0, costUsd: 0 });
    expect((await call(b, "GET", `/v1/usage?${range}`)).json().practice).toMatchObject({ sessions: 1, chargeUsd: 0 });
  });
});
