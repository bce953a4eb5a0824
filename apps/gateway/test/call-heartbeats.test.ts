import { describe, expect, it } from "vitest";
import type { TenantScope } from "@orbis/db";
import { CallHeartbeats } from "../src/call-heartbeats.ts";

function fakeTenant(workspaceId: string, log: { ws: string; ids: string[] }[], fail = false) {
  return {
    workspaceId,
    calls: {
      heartbeat: async (ids: string[]) => {
        log.push({ ws: workspaceId, ids: [...ids].sort() });
        if (fail) throw new Error("database down");
      },
    },
  } as unknown as TenantScope;
}

describe("CallHeartbeats", () => {
  it("beats each workspace's live calls in one statement and forgets ended ones", async () => {
    const log: { ws: string; ids: string[] }[] = [];
    const a = fakeTenant("ws_a", log);
    const b = fakeTenant("ws_b", log);
    const beats = new CallHeartbeats(() => {}, 60_000);
    beats.add(a, "call_1");
    beats.add(a, "call_2");
    beats.add(b, "call_3");
    await beats.beat();
    expect(log).toEqual([
      { ws: "ws_a", ids: ["call_1", "call_2"] },
      { ws: "ws_b", ids: ["call_3"] },
    ]);
    beats.remove(a, "call_1");
    beats.remove(b, "call_3");
    log.length = 0;
    await beats.beat();
    expect(log).toEqual([{ ws: "ws_a", ids: ["call_2"] }]);
    expect(beats.liveCalls).toBe(1);
    beats.stop();
  });

  it("a failing workspace is reported and the others are still beaten; overlapping beats run once", async () => {
    const log: { ws: string; ids: string[] }[] = [];
    const errors: unknown[] = [];
    const beats = new CallHeartbeats((err) => errors.push(err), 60_000);
    beats.add(fakeTenant("ws_a", log, true), "call_1");
    beats.add(fakeTenant("ws_b", log), "call_2");
    await Promise.all([beats.beat(), beats.beat()]);
    expect(log.map((l) => l.ws)).toEqual(["ws_a", "ws_b"]);
    expect(errors).toHaveLength(1);
    beats.stop();
  });

  it("renews the slot leases on every beat, even while a database beat hangs", async () => {
    let renewals = 0;
    const stuck = {
      workspaceId: "ws_stuck",
      calls: { heartbeat: () => new Promise<void>(() => {}) },
    } as unknown as TenantScope;
    const beats = new CallHeartbeats(
      () => {},
      20,
      async () => {
        renewals++;
      },
    );
    beats.add(stuck, "call_1");
    await new Promise((resolve) => setTimeout(resolve, 130));
    expect(renewals).toBeGreaterThanOrEqual(4);
    beats.stop();
  });
});
