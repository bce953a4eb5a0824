import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createId } from "@orbis/contracts";
import { systemRepository, tenantScope, type Database } from "../src/index.ts";
import { createTestDatabase } from "../src/testing.ts";

let db: Database;
const ws = createId("workspace");
beforeAll(async () => {
  db = await createTestDatabase();
  await systemRepository(db.system).insertWorkspace({ id: ws, name: ws, slug: ws });
});
afterAll(() => db.close());

const turn = (callId: string, seq: number, startedAt: Date, endedAt: Date) => ({
  id: createId("turn"),
  callId,
  seq,
  userText: "hello",
  agentText: "hi",
  startedAt,
  endedAt,
});

describe("reaper end time", () => {
  it("ends an abandoned call at its last heartbeat or last turn, whichever is later — never at its start when it had activity", async () => {
    const calls = tenantScope(db, ws).calls;
    const t0 = Date.now() - 900_000;
    const at = (sec: number) => new Date(t0 + sec * 1000);
    // Beaten at start only (a call shorter than one beat), two turns: ends at the last turn.
    const turnsLater = createId("call");
    await calls.insert({ id: turnsLater, channel: "web", status: "in_progress", startedAt: at(0), heartbeatAt: at(0) });
    await calls.insertTurn(turn(turnsLater, 0, at(0), at(4)));
    await calls.insertTurn(turn(turnsLater, 1, at(10), at(25)));
    // Beaten after its last turn: ends at the heartbeat.
    const beatLater = createId("call");
    await calls.insert({ id: beatLater, channel: "web", status: "in_progress", startedAt: at(0), heartbeatAt: at(60) });
    await calls.insertTurn(turn(beatLater, 0, at(0), at(20)));
    // No heartbeat and no turn (a carrier call that never streamed): ends at its start.
    const nothing = createId("call");
    await calls.insert({ id: nothing, channel: "twilio", status: "ringing", startedAt: at(0) });
    // A recent turn is a sign of life: not abandoned yet.
    const talking = createId("call");
    await calls.insert({ id: talking, channel: "web", status: "in_progress", startedAt: at(0), heartbeatAt: at(0) });
    await calls.insertTurn(turn(talking, 0, new Date(Date.now() - 20_000), new Date(Date.now() - 10_000)));

    expect(await systemRepository(db.system).closeAbandonedCalls(new Date(Date.now() - 120_000))).toBe(3);
    expect(await calls.get(turnsLater)).toMatchObject({ status: "failed", endReason: "gateway_lost", endedAt: at(25), durationSec: 25 });
    expect(await calls.get(beatLater)).toMatchObject({ status: "failed", endedAt: at(60), durationSec: 60 });
    expect(await calls.get(nothing)).toMatchObject({ status: "failed", endedAt: at(0), durationSec: 0 });
    expect(await calls.get(talking)).toMatchObject({ status: "in_progress", endedAt: null });
  });
});
