import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createId } from "@orbis/contracts";
import { systemRepository, tenantScope, type Database } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privacyConsumer } from "../src/privacy/index.ts";

const DAY = 24 * 3600 * 1000;
const NOW = new Date("2026-11-30T12:00:00Z");
let db: Database;
let dir: string;
const removed: string[] = [];
/** A recording store's `remove`: deletes the file; one already gone is fine. */
const recordings = {
  async remove(location: string) {
    removed.push(location);
    await rm(location, { force: true });
  },
};

async function workspace(retentionDays?: number): Promise<string> {
  const id = createId("workspace");
  await systemRepository(db.system).insertWorkspace({ id, name: "Retention", slug: id, ...(retentionDays ? { retentionDays } : {}) });
  return id;
}

async function call(workspaceId: string, ageDays: number, opts: { file?: boolean } = {}) {
  const tenant = tenantScope(db, workspaceId);
  const id = createId("call");
  const path = join(dir, workspaceId, `${id}.wav`);
  if (opts.file !== false) {
    mkdirSync(join(dir, workspaceId), { recursive: true });
    writeFileSync(path, "RIFF");
  }
  const startedAt = new Date(NOW.getTime() - ageDays * DAY);
  await tenant.calls.insert({
    id,
    channel: "twilio",
    status: "completed",
    caller: "+14155550100",
    startedAt,
    durationSec: 42,
    costUsd: 0.5,
    recordingPath: path,
    summary: "Booked a cleaning for Pat",
  });
  for (const seq of [0, 1, 2]) {
    await tenant.calls.insertTurn({ id: createId("turn"), callId: id, seq, userText: "hello", agentText: "hi", startedAt, endedAt: startedAt });
  }
  return { id, path };
}

async function state(workspaceId: string, callId: string) {
  const tenant = tenantScope(db, workspaceId);
  const row = await tenant.calls.get(callId);
  const turns = await tenant.calls.turns(callId);
  return { row: row!, turns: turns.length };
}

const consumer = () => privacyConsumer({ db, recordings, now: () => NOW });
const runPass = () => consumer().schedules![0]!.handler({ id: "job", data: undefined as never, retryCount: 0, retryLimit: 2 });

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), "orbis-retention-"));
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("privacy consumer: retention", () => {
  it("runs daily at 03:30 UTC on privacy.retention", () => {
    const c = consumer();
    expect(c.schedules).toEqual([expect.objectContaining({ queue: "privacy.retention", cron: "30 3 * * *" })]);
  });

  it("purges transcripts and recordings older than each workspace's retention, keeps newer ones and the call rows; idempotent", async () => {
    const short = await workspace(30);
    const long = await workspace();
    const old = await call(short, 31);
    const oldNoFile = await call(short, 45, { file: false });
    const recent = await call(short, 29);
    const otherOld = await call(long, 200);
    const otherExpired = await call(long, 366);

    await runPass();

    for (const gone of [old, oldNoFile]) {
      const s = await state(short, gone.id);
      expect(s.turns).toBe(0);
      expect(s.row).toMatchObject({ recordingPath: null, summary: null, caller: "+14155550100", durationSec: 42, costUsd: 0.5 });
      expect(existsSync(gone.path)).toBe(false);
    }
    expect(await state(short, recent.id)).toMatchObject({ turns: 3, row: { recordingPath: recent.path, summary: "Booked a cleaning for Pat" } });
    expect(existsSync(recent.path)).toBe(true);
    expect(await state(long, otherOld.id)).toMatchObject({ turns: 3, row: { recordingPath: otherOld.path } });
    expect(existsSync(otherOld.path)).toBe(true);
    expect((await state(long, otherExpired.id)).turns).toBe(0);
    expect(existsSync(otherExpired.path)).toBe(false);

    const audit = await tenantScope(db, short).audit.search({ action: "privacy.retention_purged" }, 10);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.metadata).toMatchObject({ retentionDays: 30, calls: 2, turns: 6, recordings: 2 });

    // A second pass finds nothing: no new audit row, nothing else touched.
    removed.length = 0;
    await runPass();
    expect(removed).toEqual([]);
    expect(await tenantScope(db, short).audit.search({ action: "privacy.retention_purged" }, 10)).toHaveLength(1);
    expect(await state(short, recent.id)).toMatchObject({ turns: 3 });
  });

  it("keeps a workspace's rows when its files cannot be deleted, and fails the job so it is retried", async () => {
    const ws = await workspace(10);
    const old = await call(ws, 20);
    const failing = privacyConsumer({
      db,
      recordings: {
        async remove() {
          throw new Error("disk is read-only");
        },
      },
      now: () => NOW,
    });
    await expect(failing.schedules![0]!.handler({ id: "job", data: undefined as never, retryCount: 0, retryLimit: 2 })).rejects.toThrow(
      /retention purge failed/,
    );
    expect(await state(ws, old.id)).toMatchObject({ turns: 3, row: { recordingPath: old.path } });
    await runPass();
    expect(await state(ws, old.id)).toMatchObject({ turns: 0, row: { recordingPath: null } });
  });
});
