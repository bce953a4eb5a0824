import { describe, expect, it } from "vitest";
import { ReorderBuffer } from "../src/index.ts";

const frame = (v: number): Int16Array => new Int16Array(4).fill(v);
const values = (list: { pcm: Int16Array }[]) => list.map((f) => f.pcm[0]);

describe("ReorderBuffer", () => {
  it("passes in-order frames at once, with no added delay, even in a burst", () => {
    const rb = new ReorderBuffer({ frameSamples: 4 });
    const out = [];
    for (let s = 0; s < 10; s++) {
      rb.put(s, frame(s), 100);
      out.push(...rb.take(100));
    }
    expect(values(out)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(out.every((f) => f.kind === "audio" && f.heldMs === 0)).toBe(true);
  });

  it("holds frames behind a gap until the missing one arrives, then releases them in order", () => {
    const rb = new ReorderBuffer({ frameSamples: 4, maxWaitMs: 60 });
    rb.put(0, frame(0), 0);
    expect(values(rb.take(0))).toEqual([0]);
    rb.put(2, frame(2), 20);
    rb.put(3, frame(3), 40);
    expect(rb.take(40)).toEqual([]);
    rb.put(1, frame(1), 50);
    const out = rb.take(50);
    expect(values(out)).toEqual([1, 2, 3]);
    expect(out.map((f) => f.heldMs)).toEqual([0, 30, 10]);
    expect(rb.stats).toMatchObject({ lost: 0, late: 0 });
  });

  it("gives up on a missing frame after maxWaitMs: concealed, counted lost, and its late arrival dropped", () => {
    const rb = new ReorderBuffer({ frameSamples: 4, maxWaitMs: 60 });
    rb.put(0, frame(1000), 0);
    rb.take(0);
    rb.put(2, frame(2), 20);
    expect(rb.take(70)).toEqual([]);
    const out = rb.take(81);
    expect(out.map((f) => f.kind)).toEqual(["plc", "audio"]);
    expect(out[0]!.pcm[0]).toBe(500);
    expect(rb.put(1, frame(1), 90)).toBe("late");
    expect(rb.stats).toMatchObject({ lost: 1, late: 1, concealed: 1 });
  });

  it("gives up at once when more than maxFrames queue behind a gap", () => {
    const rb = new ReorderBuffer({ frameSamples: 4, maxWaitMs: 10_000, maxFrames: 5 });
    rb.put(0, frame(0), 0);
    rb.take(0);
    for (let s = 2; s < 9; s++) rb.put(s, frame(s), 0);
    expect(values(rb.take(0)).slice(1)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(rb.stats).toMatchObject({ lost: 1, overflowDrops: 1 });
  });

  it("measures inter-arrival jitter: zero for a steady stream, tens of ms for bursts", () => {
    const steady = new ReorderBuffer({ frameSamples: 4 });
    for (let s = 0; s < 100; s++) steady.put(s, frame(0), s * 20);
    expect(steady.arrivalJitterMs).toBe(0);
    const bursty = new ReorderBuffer({ frameSamples: 4 });
    for (let s = 0; s < 100; s++) bursty.put(s, frame(0), Math.floor(s / 5) * 100);
    expect(bursty.arrivalJitterMs).toBeGreaterThan(20);
  });
});
