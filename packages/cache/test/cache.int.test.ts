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
