import { afterAll, describe, expect, it } from "vitest";
import { callSlotKeys, createCache } from "@orbis/cache";
import { createCallLimiter } from "../src/limits.ts";

const cache = createCache();
afterAll(() => cache.close());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("call limiter (leases, in-process cache)", () => {
  it("counts per workspace and per key; a released slot is free at once", async () => {
    const limiter = createCallLimiter(cache, { perWorkspace: 2, perKey: 1, leaseMs: 60_000 });
    const first = await limiter.acquire("ws_limits1", "key_1");
    expect(first.ok).toBe(true);
    expect(await limiter.acquire("ws_limits1", "key_1")).toEqual({ ok: false, limit: "key" });
    const second = await limiter.acquire("ws_limits1", "key_2");
    expect(await limiter.acquire("ws_limits1")).toEqual({ ok: false, limit: "workspace" });
    if (!first.ok || !second.ok) throw new Error("unreachable");
    await first.release();
    await first.release();
    expect(await cache.countLeases(callSlotKeys.workspace("ws_limits1"))).toBe(1);
    expect((await limiter.acquire("ws_limits1", "key_1")).ok).toBe(true);
  });

  it("a per-call workspace limit (the plan's) lowers the workspace limit, never raises it", async () => {
    const limiter = createCallLimiter(cache, { perWorkspace: 3, perKey: 10, leaseMs: 60_000 });
    const first = await limiter.acquire("ws_limits3", undefined, 1);
    expect(first.ok).toBe(true);
    // A plan allowing one call: the second is refused while the first holds its slot…
    expect(await limiter.acquire("ws_limits3", undefined, 1)).toEqual({ ok: false, limit: "workspace" });
    // …and a call without a plan limit (null: unlimited plan) still has the process limit of 3.
    expect((await limiter.acquire("ws_limits3", undefined, null)).ok).toBe(true);
    // A plan allowing more than the process limit does not lift it.
    expect((await limiter.acquire("ws_limits3", undefined, 10)).ok).toBe(true);
    expect(await limiter.acquire("ws_limits3", undefined, 10)).toEqual({ ok: false, limit: "workspace" });
    if (!first.ok) throw new Error("unreachable");
    await first.release();
    expect((await limiter.acquire("ws_limits3", undefined, 10)).ok).toBe(true);
  });

  it("the slots of a process that stopped renewing lapse within one lease period; a renewing process keeps its own", async () => {
    const leaseMs = 1000;
    const crashed = createCallLimiter(cache, { perWorkspace: 2, perKey: 10, leaseMs });
    const alive = createCallLimiter(cache, { perWorkspace: 2, perKey: 10, leaseMs });
    expect((await crashed.acquire("ws_limits2")).ok).toBe(true);
    expect((await alive.acquire("ws_limits2")).ok).toBe(true);
    expect(await alive.acquire("ws_limits2")).toEqual({ ok: false, limit: "workspace" });
    // `crashed` never renews again; `alive` renews on its heartbeat.
    for (let i = 0; i < 6; i++) {
      await sleep(leaseMs / 4);
      await alive.renew();
    }
    expect(await cache.countLeases(callSlotKeys.workspace("ws_limits2"))).toBe(1);
    expect((await alive.acquire("ws_limits2")).ok).toBe(true);
    expect(await alive.acquire("ws_limits2")).toEqual({ ok: false, limit: "workspace" });
  });
});
