import { afterAll, describe, expect, it } from "vitest";
import { testTargets } from "@orbis/config";
import { createCache } from "../src/index.ts";

const cache = createCache({ redisUrl: testTargets().redisUrl });
const prefix = `test:${Math.random().toString(36).slice(2)}:`;
afterAll(() => cache.close());

describe(`cache (${cache.kind})`, () => {
  it("counts and expires", async () => {
    expect(await cache.incr(`${prefix}n`, 1, 60)).toBe(1);
    expect(await cache.incr(`${prefix}n`, 2, 60)).toBe(3);
    expect(await cache.incr(`${prefix}n`, -3)).toBe(0);
    await cache.set(`${prefix}v`, "x", 1);
    expect(await cache.get(`${prefix}v`)).toBe("x");
    await cache.del(`${prefix}v`);
    expect(await cache.get(`${prefix}v`)).toBeNull();
  });

  it("reads several keys at once and writes only absent keys when asked", async () => {
    expect(await cache.setIfAbsent(`${prefix}once`, "first", 60)).toBe(true);
    expect(await cache.setIfAbsent(`${prefix}once`, "second", 60)).toBe(false);
    await cache.set(`${prefix}other`, "y", 60);
    expect(await cache.getMany([`${prefix}once`, `${prefix}missing`, `${prefix}other`])).toEqual(["first", null, "y"]);
    expect(await cache.getMany([])).toEqual([]);
  });

  it("delivers published messages to subscribers", async () => {
    const got: string[] = [];
    const unsubscribe = await cache.subscribe(`${prefix}ch`, (m) => got.push(m));
    await cache.publish(`${prefix}ch`, "hello");
    await expect.poll(() => got).toEqual(["hello"]);
    await unsubscribe();
  });
});

describe(`leases (${cache.kind})`, () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("takes up to the limit in every key or in none, once per member, and frees on drop", async () => {
    const ws = `${prefix}lease:ws`;
    const key = `${prefix}lease:key`;
    const both = (wsLimit: number, keyLimit: number) => [
      { key: ws, limit: wsLimit },
      { key, limit: keyLimit },
    ];
    expect(await cache.takeLease(both(3, 1), "a", 60_000)).toEqual({ ok: true });
    expect(await cache.takeLease(both(3, 1), "a", 60_000)).toEqual({ ok: true });
    // The key is full: nothing is taken in the workspace either.
    expect(await cache.takeLease(both(3, 1), "b", 60_000)).toEqual({ ok: false, full: key });
    expect(await cache.countLeases(ws)).toBe(1);
    expect(await cache.takeLease([{ key: ws, limit: 3 }], "b", 60_000)).toEqual({ ok: true });
    expect(await cache.takeLease([{ key: ws, limit: 3 }], "c", 60_000)).toEqual({ ok: true });
    expect(await cache.takeLease(both(3, 5), "d", 60_000)).toEqual({ ok: false, full: ws });
    expect(await cache.countLeases(ws)).toBe(3);
    await cache.dropLease([ws, key], "a");
    expect(await cache.countLeases(ws)).toBe(2);
    expect(await cache.countLeases(key)).toBe(0);
    expect(await cache.takeLease(both(3, 1), "d", 60_000)).toEqual({ ok: true });
    expect(await cache.countLeases(`${prefix}lease:none`)).toBe(0);
  });

  it("a lease not renewed lapses and frees its slot; a renewed one stays", async () => {
    const k = `${prefix}lease:ttl`;
    expect(await cache.takeLease([{ key: k, limit: 2 }], "dead", 300)).toEqual({ ok: true });
    expect(await cache.takeLease([{ key: k, limit: 2 }], "alive", 300)).toEqual({ ok: true });
    expect(await cache.takeLease([{ key: k, limit: 2 }], "late", 300)).toMatchObject({ ok: false });
    for (let i = 0; i < 4; i++) {
      await sleep(120);
      await cache.renewLeases([{ key: k, member: "alive" }], 300);
    }
    expect(await cache.countLeases(k)).toBe(1);
    expect(await cache.takeLease([{ key: k, limit: 2 }], "late", 300)).toEqual({ ok: true });
    // A holder that renews after its lease lapsed takes it again.
    await sleep(400);
    expect(await cache.countLeases(k)).toBe(0);
    await cache.renewLeases([{ key: k, member: "alive" }], 60_000);
    expect(await cache.countLeases(k)).toBe(1);
    await cache.renewLeases([], 1000);
  });

  it("two clients racing for the last slots never take more than the limit", async () => {
    const other = createCache({ redisUrl: testTargets().redisUrl });
    const clients = cache.kind === "redis" ? [cache, other] : [cache, cache];
    const k = `${prefix}lease:race`;
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => clients[i % 2]!.takeLease([{ key: k, limit: 5 }], `m${i}`, 60_000)));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(await other.countLeases(k)).toBe(cache.kind === "redis" ? 5 : 0);
    await other.close();
  });
});
