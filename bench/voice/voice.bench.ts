/**
 * Voice engine micro-benchmarks: per-frame cost of the hot path and the offline speech engines.
 * Run: npx tsx bench/voice/voice.bench.ts
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pipeline, TurnTakerProcessor, VadProcessor, createResampler, createWebRtcVad, decodeMulaw, encodeMulaw, frames } from "@orbis/voice";
import { buildDomainLm, createFliteTts, createPocketsphinxStt, speechAvailability } from "@orbis/providers";
import type { FliteVoice } from "@orbis/providers";

const SPEC = {
  templates: [
    "i would like to book a {service} {day}",
    "can i book a {service} {day}",
    "my phone number is {d} {d} {d} {d} {d} {d} {d}",
    "my name is {name}",
    "what time do you open {day}",
    "can i cancel my appointment {day}",
    "{yn}",
  ],
  slots: {
    service: ["cleaning", "checkup", "filling", "whitening"],
    day: ["today", "tomorrow", "next tuesday", "on friday", "next week", "on monday"],
    d: ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "oh"],
    name: ["john smith", "mary jones", "anna lee"],
    yn: ["yes", "no", "yeah", "okay"],
  },
};

const LINES = [
  "I would like to book a cleaning next Tuesday.",
  "My phone number is five five five one two three four.",
  "Can I cancel my appointment on Friday?",
  "What time do you open tomorrow?",
  "My name is Mary Jones.",
];

function perFrame(label: string, iterations: number, fn: (i: number) => void): void {
  for (let i = 0; i < Math.min(2000, iterations); i++) fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(i);
  const us = Number(process.hrtime.bigint() - t0) / 1000 / iterations;
  console.log(`${label.padEnd(44)} ${us.toFixed(2).padStart(8)} µs / 20 ms frame`);
}

async function speak(text: string, voice: FliteVoice = "slt"): Promise<Int16Array> {
  const tts = createFliteTts({ voice });
  const parts: Int16Array[] = [];
  for await (const c of tts.synthesize(text, new AbortController().signal)) parts.push(c);
  tts.close?.();
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0) + 8000);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`);
  const speech = await speak(LINES.join(" "));
  const frames16 = Array.from({ length: Math.floor(speech.length / 320) }, (_, i) => speech.slice(i * 320, i * 320 + 320));
  const frames8 = frames16.map((f) => f.filter((_, i) => i % 2 === 0));
  const ulaw = frames8.map((f) => encodeMulaw(f));
  const N = 100_000;

  console.log("— per-frame cost (hot path) —");
  const ulawOut = new Uint8Array(160);
  const pcmOut = new Int16Array(160);
  perFrame("μ-law encode 8 kHz (160 samples)", N, (i) => encodeMulaw(frames8[i % frames8.length]!, ulawOut));
  perFrame("μ-law decode 8 kHz (160 samples)", N, (i) => decodeMulaw(ulaw[i % ulaw.length]!, pcmOut));
  const up = await createResampler({ inRate: 8000, outRate: 16000 });
  perFrame("resample 8k → 16k (speex q5)", N, (i) => up.process(frames8[i % frames8.length]!));
  const down = await createResampler({ inRate: 16000, outRate: 8000 });
  perFrame("resample 16k → 8k (speex q5)", N, (i) => down.process(frames16[i % frames16.length]!));
  const f24 = new Int16Array(480);
  const r24 = await createResampler({ inRate: 24000, outRate: 16000 });
  perFrame("resample 24k → 16k (speex q5)", N, () => r24.process(f24));
  up.free();
  down.free();
  r24.free();
  const vad = await createWebRtcVad({ mode: 2 });
  perFrame("fvad mode 2, 16 kHz", N, (i) => vad.process(frames16[i % frames16.length]!));
  vad.free();
  const vad2 = await createWebRtcVad({ mode: 2 });
  let n = 0;
  const pipeline = new Pipeline([new VadProcessor({ vad: vad2 }), new TurnTakerProcessor()], { down: () => void n++ });
  const inputs = frames16.map((pcm) => frames.audioIn(pcm));
  perFrame("VAD processor + turn-taker (pipeline push)", N, (i) => pipeline.push(inputs[i % inputs.length]!));
  const tt = new TurnTakerProcessor();
  const pipelineTt = new Pipeline([tt], { down: () => void n++ });
  const marked = frames16.map((pcm, i) => ({ ...frames.audioIn(pcm), speech: (i >> 4) % 3 !== 0 }));
  perFrame("turn-taker alone", N, (i) => pipelineTt.push(marked[i % marked.length]!));
  vad2.free();

  console.log("\n— domain language model —");
  let t = performance.now();
  const lm = buildDomainLm(SPEC, { cacheDir: mkdtempSync(join(tmpdir(), "orbis-bench-lm-")) });
  console.log(`build (corpus → ARPA + dict): ${(performance.now() - t).toFixed(0)} ms, ${lm.sentences} sentences, ${lm.words} words`);

  const availability = speechAvailability();
  if (!availability.stt) console.log(`\npocketsphinx skipped: ${availability.reason}`);
  else {
    console.log("\n— pocketsphinx (domain LM, flite slt audio) —");
    const provider = createPocketsphinxStt({ lmPath: lm.lmPath, dictPath: lm.dictPath });
    t = performance.now();
    const stream = await provider.createStream({ onPartial: () => {} });
    console.log(`decoder init: ${(performance.now() - t).toFixed(1)} ms`);
    let audioMs = 0;
    let cpuMs = 0;
    const finalize: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (const line of LINES) {
        const pcm = await speak(line);
        const t0 = performance.now();
        for (let i = 0; i + 320 <= pcm.length; i += 320) stream.push(pcm.subarray(i, i + 320));
        const t1 = performance.now();
        const text = await stream.endUtterance();
        const t2 = performance.now();
        cpuMs += t2 - t0;
        audioMs += (pcm.length / 16000) * 1000;
        finalize.push(t2 - t1);
        if (round === 0) console.log(`  "${text}"`);
      }
    }
    stream.close();
    console.log(
      `RTF (process + finalize CPU ÷ audio): ${(cpuMs / audioMs).toFixed(3)} over ${(audioMs / 1000).toFixed(1)} s of audio → ~${Math.floor(audioMs / cpuMs)} streams/core`,
    );
    console.log(`finalize (ps_end_utt): p50 ${pct(finalize, 50).toFixed(1)} ms, max ${Math.max(...finalize).toFixed(1)} ms`);
  }

  console.log("\n— flite time to first audio (warm, one sentence) —");
  for (const voice of ["slt", "kal16", "rms", "awb"] as const) {
    const tts = createFliteTts({ voice });
    await speak("Warm up.", voice);
    const ttfa: number[] = [];
    let audio = 0;
    let total = 0;
    for (const line of ["Sure, I can book you an appointment for tomorrow at three pm.", "May I have your name, please?", "Thank you, goodbye."]) {
      const t0 = performance.now();
      let first = 0;
      for await (const chunk of tts.synthesize(line, new AbortController().signal)) {
        if (!first) first = performance.now() - t0;
        audio += chunk.length / tts.sampleRate;
      }
      total += performance.now() - t0;
      ttfa.push(first);
    }
    tts.close?.();
    console.log(`${voice.padEnd(6)} TTFA p50 ${pct(ttfa, 50).toFixed(0)} ms, max ${Math.max(...ttfa).toFixed(0)} ms; RTF ${(total / 1000 / audio).toFixed(3)}`);
  }
}

await main();
