import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createId } from "@orbis/contracts";
import { systemRepository, tenantScope, type Database, type PracticeViewer } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privacyConsumer } from "../src/privacy/index.ts";

/**
 * Sales practice retention (docs/practice.md, "Retention"): the daily pass removes practice transcripts
 * (turns, the rep's words quoted in the score) and recordings of sessions started more than the
 * workspace's practice period ago (365 days unless set), on a fixed clock; the session rows, scores and
 * costs stay; idempotent; a workspace's own period, not another's.
 */
const DAY = 24 * 3600 * 1000;
const NOW = new Date("2026-12-06T12:00:00Z");
let db: Database;
let dir: string;
const removed: string[] = [];
const recordings = {
  async remove(location: string) {
    removed.push(location);
    await rm(location, { force: true });
  },
};

const SCORE = {
  overall: 72,
  metrics: { talkRatio: 0.5 },
  items: [
    { key: "listening", label: "Listening", score: 80, weight: 1, explanation: "Balanced.", quotes: ["what keeps you up at night"] },
    { key: "questions", label: "Questions", score: 90, weight: 1, explanation: "Three open ones.", quotes: ["how do you handle it today"] },
  ],
  coaching: ['Keep it up: questions, as in "how do you handle it today"', "Ask for a next step with a day and a time."],
};

async function workspaceWithRep(): Promise<{ workspaceId: string; rep: PracticeViewer }> {
  const system = systemRepository(db.system);
  const workspaceId = createId("workspace");
  const userId = createId("user");
  await system.insertWorkspace({ id: workspaceId, name: "Sales", slug: workspaceId });
  await system.insertUser({ id: userId, email: `${userId}@example.com`, name: "Rep", passwordHash: "x" });
  await system.insertMembership({ id: createId("membership"), workspaceId, userId, role: "staff" });
  return { workspaceId, rep: { userId, role: "staff" } };
}

async function practiceSession(workspaceId: string, rep: PracticeViewer, ageDays: number) {
  const tenant = tenantScope(db, workspaceId);
  const id = createId("practiceSession");
  const path = join(dir, workspaceId, `${id}.wav`);
  mkdirSync(join(dir, workspaceId), { recursive: true });
  writeFileSync(path, "RIFF");
  await tenant.practice.insertSession(rep, {
    id,
    userId: rep.userId,
    personaId: "builtin_dental_practice_owner",
    scenarioId: "builtin_cold_call_book_meeting",
    persona: { name: "Maria" },
    scenario: { name: "Cold call", type: "cold_call" },
    status: "completed",
    startedAt: new Date(NOW.getTime() - ageDays * DAY),
    durationSec: 120,
    costUsd: 0.01,
    pricePerMinuteUsd: 0.25,
    chargeUsd: 0.5,
    recordAudio: true,
    recordingPath: path,
    score: SCORE,
    overallScore: 72,
  });
  for (const seq of [0, 1, 2]) {
    await tenant.practice.insertTurn(rep, {
      id: createId("practiceTurn"),
      sessionId: id,
      seq,
      speaker: seq % 2 ? "rep" : "prospect",
      text: "hello",
      atMs: seq * 1000,
      speechMs: 500,
      interrupted: false,
    });
  }
  return { id, path };
}

async function stateOf(workspaceId: string, rep: PracticeViewer, id: string) {
  const tenant = tenantScope(db, workspaceId);
  const row = (await tenant.practice.getSession(rep, id))!;
  return { row, turns: (await tenant.practice.turns(rep, id)).length };
}

const runPass = () =>
  privacyConsumer({ db, recordings, now: () => NOW }).schedules![0]!.handler({ id: "job", data: undefined as never, retryCount: 0, retryLimit: 2 });

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), "orbis-practice-retention-"));
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("privacy consumer: sales practice retention", () => {
  it("purges transcripts, quotes and recordings of sessions older than 12 months by default; keeps the rows, scores and costs; idempotent", async () => {
    const { workspaceId, rep } = await workspaceWithRep();
    const old = await practiceSession(workspaceId, rep, 366);
    const recent = await practiceSession(workspaceId, rep, 364);

    await runPass();

    const gone = await stateOf(workspaceId, rep, old.id);
    expect(gone.turns).toBe(0);
    expect(gone.row).toMatchObject({
      recordingPath: null,
      transcriptPurgedAt: NOW,
      overallScore: 72,
      costUsd: 0.01,
      chargeUsd: 0.5,
      pricePerMinuteUsd: 0.25,
      durationSec: 120,
    });
    const score = gone.row.score as typeof SCORE;
    expect(score.overall).toBe(72);
    expect(score.items.map((i) => [i.key, i.score, i.explanation, i.quotes])).toEqual([
      ["listening", 80, "Balanced.", []],
      ["questions", 90, "Three open ones.", []],
    ]);
    // The example in the rep's own words goes; the advice stays.
    expect(score.coaching).toEqual(["Keep it up: questions", "Ask for a next step with a day and a time."]);
    expect(existsSync(old.path)).toBe(false);

    const kept = await stateOf(workspaceId, rep, recent.id);
    expect(kept).toMatchObject({ turns: 3, row: { recordingPath: recent.path, transcriptPurgedAt: null, score: SCORE } });
    expect(existsSync(recent.path)).toBe(true);

    const audit = await tenantScope(db, workspaceId).audit.search({ action: "practice.retention_purged" }, 10);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.metadata).toMatchObject({ transcriptRetentionDays: 365, sessions: 1, turns: 3, recordings: 1 });

    // A second pass finds nothing more.
    removed.length = 0;
    await runPass();
    expect(removed).toEqual([]);
    expect(await tenantScope(db, workspaceId).audit.search({ action: "practice.retention_purged" }, 10)).toHaveLength(1);
    expect((await stateOf(workspaceId, rep, recent.id)).turns).toBe(3);
  });

  it("follows each workspace's own practice period", async () => {
    const short = await workspaceWithRep();
    const other = await workspaceWithRep();
    await tenantScope(db, short.workspaceId).practice.updateSettings({ transcriptRetentionDays: 30 });
    const shortOld = await practiceSession(short.workspaceId, short.rep, 31);
    const shortRecent = await practiceSession(short.workspaceId, short.rep, 29);
    const otherSameAge = await practiceSession(other.workspaceId, other.rep, 31);

    await runPass();

    expect(await stateOf(short.workspaceId, short.rep, shortOld.id)).toMatchObject({ turns: 0, row: { recordingPath: null } });
    expect(await stateOf(short.workspaceId, short.rep, shortRecent.id)).toMatchObject({ turns: 3, row: { recordingPath: shortRecent.path } });
    expect(await stateOf(other.workspaceId, other.rep, otherSameAge.id)).toMatchObject({ turns: 3, row: { recordingPath: otherSameAge.path } });
    expect(existsSync(otherSameAge.path)).toBe(true);
    const audit = await tenantScope(db, short.workspaceId).audit.search({ action: "practice.retention_purged" }, 10);
    expect(audit[0]!.metadata).toMatchObject({ transcriptRetentionDays: 30, sessions: 1 });
  });
});
