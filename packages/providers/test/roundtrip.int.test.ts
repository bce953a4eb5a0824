import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BandFill, Pipeline, SttProcessor, TurnTakerProcessor, VadProcessor, createResampler, decodeMulaw, encodeMulaw, frames } from "@orbis/voice";
import type { ExpectedEntity, Frame } from "@orbis/voice";
import { buildDomainLm, createFvadVad, createPocketsphinxStt, speechAvailability } from "../src/index.ts";
import { RECEPTIONIST_SPEC, speak } from "./fixtures.ts";

const availability = speechAvailability();
const suite = availability.stt ? describe : describe.skip;
if (!availability.stt) console.warn(`[round-trip tests skipped] ${availability.reason}`);

const LINES = [
  { say: "I would like to book a cleaning next Tuesday.", expected: /book a cleaning next tuesday/, key: /book a cleaning/ },
  {
    say: "My phone number is five five five one two three four.",
    expected: /five five five one two three four/,
    key: /phone number is five five five/,
    expecting: "phone" as ExpectedEntity,
  },
];

/** Word error rate by edit distance. */
function wer(reference: string, hypothesis: string): number {
  const r = reference
    .toLowerCase()
    .replace(/[^a-z' ]/g, "")
    .split(/\s+/)
    .filter(Boolean);
  const h = hypothesis.split(/\s+/).filter(Boolean);
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const row = [i];
    for (let j = 1; j <= h.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (r[i - 1] === h[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[h.length]! / r.length;
}

/** Caller audio → VAD → turn-taker → pocketsphinx, as the gateway assembles it; returns the final transcripts. */
async function recognise(audio: Int16Array, expecting: ExpectedEntity = "none"): Promise<{ finals: string[]; events: string[] }> {
  const lm = buildDomainLm(RECEPTIONIST_SPEC, { cacheDir: join(tmpdir(), "orbis-roundtrip-lm") });
  const vad = await createFvadVad({ mode: 2 });
  const out: Frame[] = [];
  const pipeline = new Pipeline(
    [
      new VadProcessor({ vad }),
      new TurnTakerProcessor({ expecting: () => expecting }),
      new SttProcessor({ provider: createPocketsphinxStt({ lmPath: lm.lmPath, dictPath: lm.dictPath }) }),
    ],
    { down: (f) => out.push(f) },
  );
  pipeline.push(frames.start());
  for (let i = 0; i + 320 <= audio.length; i += 320) pipeline.push(frames.audioIn(audio.slice(i, i + 320)));
  await pipeline.idle();
  pipeline.push(frames.end("done"));
  await pipeline.idle();
  vad.free();
  return {
    finals: out.flatMap((f) => (f.type === "transcript" && f.final ? [f.text] : [])),
    events: out.filter((f) => f.type === "user-turn-start" || f.type === "user-turn-end").map((f) => f.type),
  };
}

/** 16 kHz → 8 kHz μ-law (what Twilio carries) → 16 kHz → band fill. */
async function throughPhoneLine(pcm16k: Int16Array): Promise<Int16Array> {
  const down = await createResampler({ inRate: 16000, outRate: 8000 });
  const up = await createResampler({ inRate: 8000, outRate: 16000 });
  const fill = new BandFill({ amplitude: 0.02, seed: 42 });
  const parts: Int16Array[] = [];
  for (let i = 0; i + 320 <= pcm16k.length; i += 320) {
    const ulaw = encodeMulaw(down.process(pcm16k.subarray(i, i + 320)));
    parts.push(fill.process(up.process(decodeMulaw(ulaw))));
  }
  down.free();
  up.free();
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

suite("offline round trip: flite → VAD → turn-taker → pocketsphinx (domain LM)", () => {
  it.each(LINES)("wideband: $say", async ({ say, expected, expecting }) => {
    const { finals, events } = await recognise(await speak(say, "slt", 500, 1600), expecting);
    expect(events).toEqual(["user-turn-start", "user-turn-end"]);
    expect(finals).toHaveLength(1);
    expect(finals[0]).toMatch(expected);
  });

  // Telephone audio is harder (docs/protocols.md, "Phone audio": 8–12 % WER on synthetic calls): key phrase + WER bound.
  it.each(LINES)("telephone (μ-law 8 kHz + band fill): $say", async ({ say, key, expecting }) => {
    const audio = await throughPhoneLine(await speak(say, "slt", 500, 1600));
    const { finals } = await recognise(audio, expecting);
    const text = finals.join(" ");
    expect(text).toMatch(key);
    expect(wer(say, text)).toBeLessThanOrEqual(0.25);
  });

  it("the same line without band fill is not recognised reliably (why band fill exists)", async () => {
    const lm = buildDomainLm(RECEPTIONIST_SPEC, { cacheDir: mkdtempSync(join(tmpdir(), "orbis-nofill-")) });
    const audio = await speak(LINES[0]!.say, "slt", 300, 300);
    const down = await createResampler({ inRate: 16000, outRate: 8000 });
    const up = await createResampler({ inRate: 8000, outRate: 16000 });
    const stream = await createPocketsphinxStt({ lmPath: lm.lmPath, dictPath: lm.dictPath }).createStream();
    for (let i = 0; i + 320 <= audio.length; i += 320) stream.push(up.process(decodeMulaw(encodeMulaw(down.process(audio.subarray(i, i + 320))))));
    const text = await stream.endUtterance();
    stream.close();
    down.free();
    up.free();
    expect(text).not.toMatch(LINES[0]!.expected);
  });
});
