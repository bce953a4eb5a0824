/**
 * Recognition accuracy of the offline recogniser on the conversation benchmark's caller turns, without
 * the real-time call around it: every caller turn of every scenario is spoken by its flite voice, carried
 * the way each path carries it (the browser stream: 16 kHz PCM; Twilio: 8 kHz G.711 μ-law, decoded and
 * resampled to 16 kHz), and decoded by pocketsphinx with the agent's own domain language model, one
 * stream per call (so the first utterance meets the same cold normalisation a call does). Variants
 * (recognition-variants.ts) change the phone front end and switch the answer models on, with the
 * business's receptionist hearing each recognised turn and telling the recogniser what it expects
 * next, as in a call. Prints the word error rate (numbers included, as words) per variant, the first
 * utterances' WER and how many short answers (≤ 3 words) were recognised exactly.
 *
 *   npx tsx bench/telephony/recognition.bench.ts [--only dental] [--variant name …] [--limit N]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InMemoryCalendar, InMemoryMessageSink, buildPhraseSpec, createReceptionistBrain, getBusinessTemplate } from "@orbis/brain";
import type { BrainSession } from "@orbis/voice";
import { acousticModelWith, buildDomainLm, createPocketsphinxStt, normalizeSentence, ttsProviders } from "@orbis/providers";
import { BandFill, SpectralFold, createResampler, decodeMulaw, encodeMulaw } from "@orbis/voice";
import { spokenForm } from "../conversations/paths/caller-path.ts";
import { BENCH_NOW } from "../conversations/clock.ts";
import { SCENARIOS } from "../conversations/scenarios/index.ts";
import { PHONE_RECOGNITION_VARIANTS, type RecognitionVariant } from "./recognition-variants.ts";

const args = process.argv.slice(2);
const option = (name: string) => args.flatMap((a, i) => (a === `--${name}` && args[i + 1] ? [args[i + 1]!] : []));
const only = option("only");
const limit = Number(option("limit")[0] ?? Infinity);
const wanted = option("variant");
const variants = wanted.length ? PHONE_RECOGNITION_VARIANTS.filter((v) => wanted.includes(v.name)) : PHONE_RECOGNITION_VARIANTS;

const cacheDir = mkdtempSync(join(tmpdir(), "orbis-recognition-"));
const FRAME = 320;

async function flite16k(text: string, voice: string): Promise<Int16Array> {
  const tts = ttsProviders.flite({ voice });
  const chunks: Int16Array[] = [];
  for await (const c of tts.synthesize(text, new AbortController().signal)) chunks.push(c);
  tts.close?.();
  return concat(chunks);
}

function concat(chunks: Int16Array[]): Int16Array {
  const all = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.length;
  }
  return all;
}

/** 16 kHz speech → 8 kHz → μ-law → PCM → 16 kHz (+ band fill): what the phone path gives the recogniser. */
async function overThePhone(pcm16: Int16Array, bandFill: number, fold = 0): Promise<Int16Array> {
  const down = await createResampler({ inRate: 16_000, outRate: 8000 });
  const pcm8 = decodeMulaw(encodeMulaw(down.process(pcm16)));
  down.free();
  const up = await createResampler({ inRate: 8000, outRate: 16_000 });
  const out = up.process(pcm8);
  up.free();
  if (fold > 0) new SpectralFold({ strength: fold }).process(out);
  if (bandFill > 0) new BandFill({ amplitude: bandFill }).process(out);
  return out;
}

function editDistance(ref: readonly string[], hyp: readonly string[]): number {
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const cur = [i];
    for (let j = 1; j <= hyp.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[hyp.length]!;
}

interface Tally {
  errors: number;
  words: number;
  firstErrors: number;
  firstWords: number;
  short: number;
  shortExact: number;
  /** Short answers by what the receptionist expected: [exact, all]. */
  byExpectation: Map<string, [number, number]>;
}

const silence = (ms: number) => new Int16Array((16 * ms) | 0);

async function drain(events: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of events);
}

/**
 * One call's turns through one recogniser stream. With `variant.expect`, the business's receptionist
 * hears each recognised turn and the recogniser is told what it expects next, as in a call.
 */
async function decodeCall(
  turns: Int16Array[],
  variant: RecognitionVariant,
  template: Parameters<typeof getBusinessTemplate>[0],
): Promise<{ heard: string[]; expected: string[] }> {
  const { business } = getBusinessTemplate(template);
  const spec = buildPhraseSpec(business);
  const lm = buildDomainLm(variant.expect ? spec : { templates: spec.templates, slots: spec.slots }, {
    cacheDir,
    ...(variant.answerShare ? { answerShare: variant.answerShare } : {}),
  });
  const stt = createPocketsphinxStt({
    lmPath: lm.lmPath,
    dictPath: lm.dictPath,
    hmmDir: acousticModelWith(variant.frontEnd ?? {}, cacheDir),
    thread: "inline",
    ...(variant.expect ? { answerLms: lm.answerLms } : {}),
  });
  const stream = await stt.createStream({});
  const clock = { now: () => new Date(BENCH_NOW) };
  // The receptionist hears every recognised turn: what it expects next names the answer (and, with
  // `variant.expect`, switches the recogniser to that answer's model).
  const brain = createReceptionistBrain({ business, calendar: new InMemoryCalendar(clock), messages: new InMemoryMessageSink(), clock });
  const session: BrainSession = brain.startSession({
    callId: "bench",
    workspaceId: "bench",
    agentId: "bench",
    channel: variant.path === "phone" ? "twilio" : "web",
  });
  await drain(session.greet(new AbortController().signal));
  const heard: string[] = [];
  const expected: string[] = [];
  try {
    for (const pcm of turns) {
      const expecting = session.expecting();
      expected.push(expecting);
      if (variant.expect) stream.expect?.(variant.expectOnly && !variant.expectOnly.includes(expecting) ? "none" : expecting);
      // What the turn's stream receives: the pre-roll (400 ms), the speech, the end-of-turn silence.
      const audio = concat([silence(400), pcm, silence(600)]);
      for (let i = 0; i < audio.length; i += FRAME) stream.push(audio.subarray(i, i + FRAME));
      const text = await stream.endUtterance();
      heard.push(text);
      await drain(session.respond({ kind: "speech", text }, new AbortController().signal));
    }
  } finally {
    stream.close();
  }
  return { heard, expected };
}

const scenarios = SCENARIOS.filter((s) => only.length === 0 || only.some((o) => s.template.includes(o) || s.id.startsWith(o))).slice(0, limit);
console.log(
  `${scenarios.length} scenarios, ${scenarios.reduce((n, s) => n + s.turns.length, 0)} caller turns; variants: ${variants.map((v) => v.name).join(", ")}`,
);

// Speech once per turn; each variant carries and decodes it.
const spoken = new Map<string, Int16Array[]>();
for (const s of scenarios) {
  const voice = s.voice?.voice ?? "kal16";
  spoken.set(s.id, await Promise.all(s.turns.map((t) => flite16k(spokenForm(t).replace(/\s*\.\.\.\s*/g, ", "), voice))));
}

const rows: string[] = [];
for (const variant of variants) {
  const tally: Tally = { errors: 0, words: 0, firstErrors: 0, firstWords: 0, short: 0, shortExact: 0, byExpectation: new Map() };
  const started = performance.now();
  for (const s of scenarios) {
    const audio = await Promise.all(
      spoken.get(s.id)!.map((pcm) => (variant.path === "phone" ? overThePhone(pcm, variant.bandFill ?? 0, variant.fold ?? 0) : pcm)),
    );
    const { heard, expected } = await decodeCall(audio, variant, s.template);
    s.turns.forEach((turn, i) => {
      const ref = normalizeSentence(spokenForm(turn));
      const hyp = normalizeSentence(heard[i] ?? "");
      const e = editDistance(ref, hyp);
      tally.errors += e;
      tally.words += ref.length;
      if (i === 0) {
        tally.firstErrors += e;
        tally.firstWords += ref.length;
      }
      if (ref.length <= 3) {
        tally.short++;
        if (e === 0) tally.shortExact++;
        const kind = tally.byExpectation.get(expected[i]!) ?? [0, 0];
        tally.byExpectation.set(expected[i]!, [kind[0] + (e === 0 ? 1 : 0), kind[1] + 1]);
      }
      if (process.env.VERBOSE) console.log(`  [${variant.name}] ${s.id}#${i} (${expected[i]}): "${ref.join(" ")}" → "${hyp.join(" ")}"`);
    });
  }
  const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)} %`;
  const row = `| ${variant.name} | ${variant.path} | ${pct(tally.errors, tally.words)} | ${pct(tally.firstErrors, tally.firstWords)} | ${tally.shortExact}/${tally.short} | ${((performance.now() - started) / 1000).toFixed(0)} s |`;
  rows.push(row);
  console.log(row);
  const kinds = [...tally.byExpectation].sort(([a], [b]) => a.localeCompare(b));
  console.log(`  short answers exact by expectation: ${kinds.map(([k, [x, n]]) => `${k} ${x}/${n}`).join(", ")}`);
}
console.log("\n| Variant | Path | WER | First utterance WER | Short answers exact | Decode time |\n|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
