import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createId } from "@orbis/contracts";
import { systemRepository, tenantScope, type Database, type PracticeViewer, type TenantScope } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { builtInPersona, builtInScenario, finishPracticeSession } from "../src/index.ts";

let db: Database;
let tenant: TenantScope;
const ws = createId("workspace");
const repId = createId("user");
const otherId = createId("user");
const rep: PracticeViewer = { userId: repId, role: "staff" };
const other: PracticeViewer = { userId: otherId, role: "staff" };
const persona = builtInPersona("builtin_dental_practice_owner")!;
const scenario = builtInScenario("builtin_cold_call_book_meeting")!;
const t0 = new Date("2026-03-02T10:00:00Z");
const at = (sec: number) => new Date(t0.getTime() + sec * 1000);

beforeAll(async () => {
  db = await createTestDatabase();
  const system = systemRepository(db.system);
  await system.insertWorkspace({ id: ws, name: "Sales", slug: ws });
  for (const id of [repId, otherId]) {
    await system.insertUser({ id, email: `${id}@example.com`, name: id, passwordHash: "x" });
    await system.insertMembership({ id: createId("membership"), workspaceId: ws, userId: id, role: "staff" });
  }
  tenant = tenantScope(db, ws);
});
afterAll(() => db.close());

async function liveSession(extra: { pricePerMinuteUsd?: number; recordAudio?: boolean } = {}): Promise<string> {
  const id = createId("practiceSession");
  await tenant.practice.insertSession(rep, {
    id,
    userId: repId,
    personaId: persona.id,
    scenarioId: scenario.id,
    persona,
    scenario,
    status: "live",
    channel: "web",
    startedAt: t0,
    ...extra,
  });
  return id;
}

async function said(sessionId: string, turns: [speaker: "rep" | "prospect", text: string, atMs: number, speechMs: number][]) {
  for (const [seq, [speaker, text, atMs, speechMs]] of turns.entries()) {
    await tenant.practice.insertTurn(rep, { id: createId("practiceTurn"), sessionId, seq, speaker, text, atMs, speechMs, interrupted: false });
  }
}

describe("finishPracticeSession", () => {
  it("scores a session the rep spoke in, completes it with its end, usage and cost, and logs one activity", async () => {
    const id = await liveSession();
    await said(id, [
      ["prospect", "Bright Smile Dental, this is Maria.", 0, 1800],
      ["rep", "Hi Doctor Alvarez, this is Sam from Orbis. Do you have a minute?", 2500, 3200],
      ["prospect", "Hi! What can I do for you?", 6500, 1400],
      ["rep", "What are your biggest challenges with the phones right now?", 8500, 2900],
      ["prospect", "Oh, plenty. We miss calls when the front desk is with patients.", 12000, 3500],
      ["rep", "Can we book a meeting next Tuesday at ten?", 16500, 2400],
      ["prospect", "Sure, let's do Tuesday at ten. Send me the invite.", 19500, 2600],
    ]);
    const usage = { flite: { characters: 200, costUsd: 0 } };
    const done = await finishPracticeSession(tenant, rep, id, { endReason: "next_step", endedAt: at(23), usage, costUsd: 0.0123 });
    expect(done).toMatchObject({ status: "completed", endReason: "next_step", endedAt: at(23), durationSec: 23, usage, costUsd: 0.0123 });
    expect(done!.score).toMatchObject({ metrics: { nextStepSecured: true } });
    expect(done!.overallScore).toBe(Math.round((done!.score as { overall: number }).overall));

    const activities = await tenant.practice.listActivities(rep, { limit: 10 });
    expect(activities.filter((a) => a.practiceSessionId === id)).toMatchObject([
      { kind: "practice_session", source: "practice", userId: repId, occurredAt: at(23) },
    ]);

    // Idempotent: a second finish (the dashboard's End after the gateway's) changes nothing and logs nothing more.
    const again = await finishPracticeSession(tenant, rep, id, { endReason: "rep_ended", endedAt: at(90) });
    expect(again).toEqual(done);
    expect((await tenant.practice.listActivities(rep, { limit: 10 })).filter((a) => a.practiceSessionId === id)).toHaveLength(1);
  });

  it("a session in which the rep never spoke is abandoned: no score, no activity", async () => {
    const id = await liveSession();
    await said(id, [["prospect", "Bright Smile Dental, this is Maria.", 0, 1800]]);
    const done = await finishPracticeSession(tenant, rep, id, { endReason: "rep_ended", endedAt: at(4) });
    expect(done).toMatchObject({ status: "abandoned", endReason: "rep_ended", durationSec: 4, score: null, overallScore: null });
    expect((await tenant.practice.listActivities(rep, { limit: 50 })).some((a) => a.practiceSessionId === id)).toBe(false);
  });

  it("charges the minutes at the price the session started with (none without a price) and keeps the recording's location", async () => {
    const priced = await liveSession({ pricePerMinuteUsd: 0.12, recordAudio: true });
    await said(priced, [["rep", "Hi, this is Sam from Orbis.", 0, 2000]]);
    const done = await finishPracticeSession(tenant, rep, priced, { endReason: "rep_ended", endedAt: at(150), recordingPath: `/rec/${priced}.wav` });
    expect(done).toMatchObject({ durationSec: 150, pricePerMinuteUsd: 0.12, chargeUsd: 0.3, recordingPath: `/rec/${priced}.wav` });
    const free = await liveSession();
    expect(await finishPracticeSession(tenant, rep, free, { endReason: "rep_ended", endedAt: at(60) })).toMatchObject({
      pricePerMinuteUsd: null,
      chargeUsd: null,
    });
  });

  it("a recording that arrives after the dashboard ended the session still joins it (once, and only when it was recorded)", async () => {
    const id = await liveSession({ recordAudio: true });
    await finishPracticeSession(tenant, rep, id, { endReason: "rep_ended", endedAt: at(10) });
    const late = await finishPracticeSession(tenant, rep, id, { endReason: "disconnected", endedAt: at(12), recordingPath: "/rec/late.wav" });
    expect(late).toMatchObject({ endReason: "rep_ended", endedAt: at(10), recordingPath: "/rec/late.wav" });
    const off = await liveSession({ recordAudio: false });
    await finishPracticeSession(tenant, rep, off, { endReason: "rep_ended", endedAt: at(10) });
    expect(await finishPracticeSession(tenant, rep, off, { endReason: "disconnected", endedAt: at(12), recordingPath: "/rec/x.wav" })).toMatchObject({
      recordingPath: null,
    });
  });

  it("another rep cannot finish (or see) the session", async () => {
    const id = await liveSession();
    expect(await finishPracticeSession(tenant, other, id, { endReason: "rep_ended", endedAt: at(4) })).toBeUndefined();
    expect(await tenant.practice.getSession(rep, id)).toMatchObject({ status: "live" });
  });
});
