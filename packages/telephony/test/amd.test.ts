import { describe, expect, it } from "vitest";
import { AnsweringMachineDetector, dominantTone } from "../src/amd.ts";

const tone = (hz: number, ms: number, amp = 0.3) =>
  Int16Array.from({ length: ms * 8 }, (_, i) => Math.round(Math.sin((2 * Math.PI * hz * i) / 8000) * amp * 32767));
/** Noise bursts standing in for speech (broadband, not a tone). */
function babble(ms: number, seed = 7) {
  let s = seed;
  return Int16Array.from({ length: ms * 8 }, () => ((s = (s * 1103515245 + 12345) & 0x7fffffff), Math.round(((s / 0x7fffffff) * 2 - 1) * 8000)));
}
const quiet = (ms: number) => new Int16Array(ms * 8);
const cat = (...parts: Int16Array[]) => {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
function feed(pcm: Int16Array) {
  const d = new AnsweringMachineDetector();
  const events = [];
  for (let i = 0; i + 160 <= pcm.length; i += 160) {
    const e = d.push(pcm.subarray(i, i + 160));
    if (e) events.push(e);
  }
  return events;
}

describe("AnsweringMachineDetector (pure)", () => {
  it("finds a pure tone's frequency and purity; noise is not a tone", () => {
    const t = dominantTone(Float64Array.from(tone(1000, 20), (v) => v / 32768));
    expect(t.freq).toBe(1000);
    expect(t.purity).toBeGreaterThan(0.9);
    expect(dominantTone(Float64Array.from(babble(20), (v) => v / 32768)).purity).toBeLessThan(0.3);
  });

  it("beep alone decides machine; silence alone is unknown at 4 s", () => {
    expect(feed(cat(quiet(500), tone(1000, 400), quiet(1000)))[0]).toMatchObject({ result: "machine", reason: "beep" });
    expect(feed(quiet(5000))).toEqual([{ kind: "decision", result: "unknown", reason: "silence", decisionMs: 4000 }]);
  });

  it("short speech then silence is human; long speech is machine; a greeting without a beep ends in silence", () => {
    expect(feed(cat(quiet(300), babble(500), quiet(2000)))[0]).toMatchObject({ result: "human" });
    const machine = feed(cat(quiet(300), babble(1200), quiet(200), babble(1500), quiet(3000)));
    expect(machine[0]).toMatchObject({ result: "machine", reason: "long_greeting" });
    expect(machine[1]).toMatchObject({ kind: "leave_message", cue: "silence" });
  });

  it("refuses other sample rates", () => {
    expect(() => new AnsweringMachineDetector({ sampleRate: 44100 })).toThrow();
  });
});
