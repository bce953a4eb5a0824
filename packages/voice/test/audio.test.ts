import { describe, expect, it } from "vitest";
import {
  BandFill,
  CoalescingClock,
  FakeClock,
  Framer,
  MULAW_DECODE_TABLE,
  OutputPacer,
  createResampler,
  createWebRtcVad,
  decodeMulaw,
  encodeMulaw,
  encodeMulawSample,
} from "../src/index.ts";
import { sine } from "./helpers.ts";

describe("μ-law", () => {
  it.each([
    [0, 0xff],
    [-1, 0x7f],
    [1, 0xff],
    [32767, 0x80],
    [-32768, 0x00],
    [1000, 0xce],
    [-1000, 0x4e],
  ])("encodes %i as 0x%s (G.711 reference values)", (pcm, byte) => {
    expect(encodeMulawSample(pcm)).toBe(byte);
  });

  it("decodes the extremes and zero like the reference", () => {
    expect(MULAW_DECODE_TABLE[0x00]).toBe(-32124);
    expect(MULAW_DECODE_TABLE[0x80]).toBe(32124);
    expect(MULAW_DECODE_TABLE[0xff]).toBe(0);
  });

  it("re-encodes every decoded code to itself (except negative zero)", () => {
    for (let b = 0; b < 256; b++) {
      if (b === 0x7f) continue;
      expect(encodeMulawSample(MULAW_DECODE_TABLE[b]!)).toBe(b);
    }
  });

  it("keeps the quantisation error within a segment step", () => {
    const pcm = sine(440, 8000, 160, 20000);
    const back = decodeMulaw(encodeMulaw(pcm));
    for (let i = 0; i < pcm.length; i++) expect(Math.abs(back[i]! - pcm[i]!)).toBeLessThanOrEqual(Math.abs(pcm[i]!) / 16 + 16);
  });
});

describe("Framer", () => {
  it("turns odd-sized chunks into exact frames and keeps the remainder", () => {
    const framer = new Framer(320);
    const input = Int16Array.from({ length: 1000 }, (_, i) => i);
    const out = [...framer.push(input.subarray(0, 100)), ...framer.push(input.subarray(100, 700)), ...framer.push(input.subarray(700))];
    expect(out.map((f) => f.length)).toEqual([320, 320, 320]);
    expect(out[1]![0]).toBe(320);
    expect(framer.pendingSamples).toBe(40);
    const tail = framer.flush()!;
    expect(tail.length).toBe(320);
    expect(tail[39]).toBe(999);
    expect(tail[40]).toBe(0);
  });

  it("hands whole frames out as views of the chunk (no copy) and a frame joined across chunks as its own copy", () => {
    const framer = new Framer(4);
    const chunk = Int16Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const [a, b] = framer.push(chunk);
    expect(a!.buffer).toBe(chunk.buffer);
    expect(b!.buffer).toBe(chunk.buffer);
    expect([...b!]).toEqual([5, 6, 7, 8]);
    const [joined] = framer.push(Int16Array.from([10, 11, 12]));
    expect([...joined!]).toEqual([9, 10, 11, 12]);
    const [next] = framer.push(Int16Array.from([20, 21, 22, 23]));
    expect([...joined!]).toEqual([9, 10, 11, 12]); // not overwritten by the framer's reused buffer
    expect([...next!]).toEqual([20, 21, 22, 23]);
  });
});

describe("CoalescingClock", () => {
  it("shares one base timer per slot, fires at the slot's end (never early) and honours clearTimeout", () => {
    const base = new FakeClock();
    const clock = new CoalescingClock(base, 2);
    const fired: [string, number][] = [];
    const at = (name: string, ms: number) => clock.setTimeout(() => fired.push([name, base.now()]), ms);
    at("a", 19);
    at("b", 20);
    const c = at("c", 20);
    at("d", 21);
    expect(base.pendingTimers).toBe(2);
    clock.clearTimeout(c);
    base.advance(100);
    expect(fired).toEqual([
      ["a", 20],
      ["b", 20],
      ["d", 22],
    ]);
    expect(clock.pendingSlots).toBe(0);
  });

  it("paces 100 calls' output on 20 ms schedules with at most one base timer per slot", () => {
    let armed = 0;
    const base = new (class extends FakeClock {
      override setTimeout(fn: () => void, ms: number) {
        armed++;
        return super.setTimeout(fn, ms);
      }
    })();
    const clock = new CoalescingClock(base, 2);
    const sent: number[] = [];
    const lateness: number[] = [];
    for (let i = 0; i < 100; i++) {
      base.advance(0.37);
      new OutputPacer({ clock, sampleRate: 16000, send: () => sent.push(i), onDelay: (ms) => lateness.push(ms) }).enqueue(new Int16Array(320 * 10));
    }
    base.advance(1000);
    // 100 calls × 10 frames, the first of each sent at once: 900 timed sends over ~220 ms → ≤ ~111 slots.
    expect(sent).toHaveLength(1000);
    expect(armed).toBeLessThanOrEqual(Math.ceil((37 + 9 * 20) / 2) + 1);
    expect(Math.max(...lateness)).toBeLessThanOrEqual(2);
  });
});

describe("OutputPacer", () => {
  it("sends one frame per 20 ms on schedule and reports lateness", () => {
    const clock = new FakeClock();
    const sent: number[] = [];
    const speaking: boolean[] = [];
    const pacer = new OutputPacer({ clock, sampleRate: 16000, send: () => sent.push(clock.now()), onSpeaking: (s) => speaking.push(s) });
    pacer.enqueue(new Int16Array(320 * 5 + 100));
    pacer.flush();
    expect(sent).toEqual([0]);
    clock.advance(200);
    expect(sent).toEqual([0, 20, 40, 60, 80, 100]);
    expect(speaking).toEqual([true, false]);
    expect(pacer.delayStats().max).toBe(0);
  });

  it("measures late frames without bursting to catch up", () => {
    const clock = new FakeClock();
    const sent: number[] = [];
    const pacer = new OutputPacer({ clock, sampleRate: 8000, send: () => sent.push(clock.now()) });
    pacer.enqueue(new Int16Array(160 * 4));
    clock.advance(200, 5);
    expect(sent).toEqual([0, 25, 45, 65]);
    expect(pacer.delayStats().max).toBe(5);
  });

  it("clear() drops unsent audio (barge-in) and says how much", () => {
    const clock = new FakeClock();
    const pacer = new OutputPacer({ clock, sampleRate: 16000, send: () => {} });
    pacer.enqueue(new Int16Array(320 * 10));
    clock.advance(40);
    expect(pacer.playedMs).toBe(60);
    expect(pacer.clear()).toBe(140);
    expect(pacer.queuedMs).toBe(0);
  });
});

describe("BandFill", () => {
  it("adds deterministic noise confined to the top band", () => {
    const a = new BandFill({ seed: 7 }).process(new Int16Array(3200));
    const b = new BandFill({ seed: 7 }).process(new Int16Array(3200));
    expect(a).toEqual(b);
    let low = 0;
    let high = 0;
    for (let i = 1; i < a.length; i++) {
      low += (a[i]! + a[i - 1]!) ** 2;
      high += (a[i]! - a[i - 1]!) ** 2;
    }
    expect(high).toBeGreaterThan(low * 2.5);
    const peak = Math.max(...a.map(Math.abs));
    expect(peak).toBeLessThanOrEqual(0.02 * 32767 + 1);
    expect(peak).toBeGreaterThan(0.005 * 32767);
  });

  it("scales with the amplitude setting", () => {
    const loud = new BandFill({ amplitude: 0.02 }).process(new Int16Array(1600));
    const quiet = new BandFill({ amplitude: 0.003 }).process(new Int16Array(1600));
    const energy = (x: Int16Array): number => x.reduce((s, v) => s + v * v, 0);
    expect(energy(loud)).toBeGreaterThan(energy(quiet) * 20);
  });
});

describe("resampler", () => {
  const crossings = (x: Int16Array): number => {
    let n = 0;
    for (let i = 1; i < x.length; i++) if (x[i - 1]! < 0 !== x[i]! < 0) n++;
    return n;
  };

  it("upsamples 8 kHz → 16 kHz frame by frame keeping the pitch", async () => {
    const rs = await createResampler({ inRate: 8000, outRate: 16000 });
    const input = sine(440, 8000, 8000);
    const parts: Int16Array[] = [];
    for (let i = 0; i < input.length; i += 160) parts.push(rs.process(input.subarray(i, i + 160)));
    rs.free();
    const out = Int16Array.from(parts.flatMap((p) => [...p]));
    expect(out.length).toBeGreaterThan(15_900);
    expect(out.length).toBeLessThanOrEqual(16_000);
    // 440 Hz for ~1 s ≈ 880 zero crossings whatever the rate.
    expect(Math.abs(crossings(out.subarray(200)) - 880)).toBeLessThan(12);
  });

  it("downsamples 24 kHz → 16 kHz", async () => {
    const rs = await createResampler({ inRate: 24000, outRate: 16000 });
    let total = 0;
    const input = sine(300, 24000, 480);
    for (let i = 0; i < 50; i++) total += rs.process(input).length;
    rs.free();
    expect(Math.abs(total - 16000)).toBeLessThan(40);
    expect(() => rs.process(input)).toThrow(/after free/);
  });
});

describe("WebRTC VAD", () => {
  it("hears no speech in silence and rejects wrong frame sizes", async () => {
    const vad = await createWebRtcVad({ mode: 3 });
    expect(vad.process(new Int16Array(320))).toBe(false);
    expect(() => vad.process(new Int16Array(100))).toThrow(/320/);
    vad.free();
  });
});
