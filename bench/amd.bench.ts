/**
 * Answering-machine detection on a labelled synthetic set: short human greetings vs voicemail
 * greetings with a beep, spoken by the offline flite voices on an 8 kHz μ-law line
 * (e2e/telephony/amd-samples.ts), fed to the detector in 20 ms frames.
 * Prints accuracy, precision/recall for "machine" (unknown counts as not machine) and the mean decision time.
 * Run: npx tsx bench/amd.bench.ts
 */
import { AnsweringMachineDetector, type AmdDecision } from "@orbis/telephony";
import { amdSampleSet, type AmdSample } from "../e2e/telephony/amd-samples.ts";

export function classify(sample: AmdSample): AmdDecision {
  const d = new AnsweringMachineDetector({ sampleRate: 8000 });
  for (let i = 0; i + 160 <= sample.pcm.length; i += 160) {
    const e = d.push(sample.pcm.subarray(i, i + 160));
    if (e?.kind === "decision") return e;
  }
  return d.decision ?? { kind: "decision", result: "unknown", reason: "end_of_audio", decisionMs: d.elapsedMs };
}

const t0 = performance.now();
const samples = await amdSampleSet();
const synthMs = performance.now() - t0;
let tp = 0;
let fp = 0;
let fn = 0;
let correct = 0;
let unknown = 0;
const times: number[] = [];
const misses: string[] = [];
for (const s of samples) {
  const d = classify(s);
  times.push(d.decisionMs);
  if (d.result === "unknown") unknown++;
  const said = d.result === "machine";
  if (d.result === s.label) correct++;
  else misses.push(`${s.label} → ${d.result} (${d.reason}, ${d.decisionMs} ms) [${s.voice}] ${s.text.slice(0, 50)}`);
  if (said && s.label === "machine") tp++;
  if (said && s.label === "human") fp++;
  if (!said && s.label === "machine") fn++;
}
const humans = samples.filter((s) => s.label === "human").length;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
console.log(
  `samples: ${samples.length} (${humans} human, ${samples.length - humans} machine; flite voices slt, kal16, rms, awb, kal; 8 kHz μ-law) — synthesised in ${Math.round(synthMs)} ms`,
);
console.log(`accuracy: ${pct(correct / samples.length)} (${correct}/${samples.length}); unknown: ${unknown}`);
console.log(`machine precision: ${pct(tp / Math.max(1, tp + fp))}, recall: ${pct(tp / Math.max(1, tp + fn))}`);
console.log(`mean decision time: ${Math.round(times.reduce((a, b) => a + b, 0) / times.length)} ms of audio (max ${Math.max(...times)} ms)`);
for (const m of misses) console.log(`  miss: ${m}`);
