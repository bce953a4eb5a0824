/**
 * Scoring time per 10-minute practice transcript (issue 22's figure): a synthetic call of about 120
 * turns — discovery questions, objections raised and handled, fillers, a long monologue, a next step —
 * scored N times after a warm-up.
 * Run: npx tsx bench/practice/scoring.bench.ts [runs=500]
 */
import { performance } from "node:perf_hooks";
import type { PracticeTurn } from "@orbis/contracts";
import { builtInPersona, builtInScenario, scorePractice } from "@orbis/practice";

const [runs = 500] = process.argv.slice(2).map(Number);
const persona = builtInPersona("builtin_insurance_agency_owner");
const scenario = builtInScenario("builtin_objection_handling_drill");
if (!persona || !scenario) throw new Error("built-in library missing");

const REP = [
  "That's fair. Um, can I ask what specifically worries you about it?",
  "How do you handle renewals today, and who makes the calls?",
  "So basically, you know, our customers see on average two more renewals kept a month, like, because nobody forgets a call-back.",
  "What does a lost renewal cost you over a year?",
  "Tell me about the last lead from your website that went cold.",
  "I understand. Everything is encrypted, you control it, and we delete on request.",
  "Does that address the compliance question?",
  "Walk me through what your producers do when a reminder pops up.",
];
const PROSPECT = [
  "A thousand a month is a lot for an agency our size.",
  "Renewals slip because my producers forget to call clients back.",
  "I can't have client information going somewhere I don't control.",
  "Encrypted, and deleted on request. Okay, that's what compliance asks for.",
  "Our agency management system already sends reminders.",
  "True, the reminders mostly get ignored. Go on.",
  "Leads from our website sit for days before anyone calls them.",
];

/** About ten minutes: 54 exchanges of ~5 s each side, one 90-second monologue, a next step at the end. */
function tenMinuteTranscript(): PracticeTurn[] {
  const turns: PracticeTurn[] = [];
  let at = 0;
  const push = (speaker: "rep" | "prospect", text: string, speechMs: number, interrupted = false) => {
    turns.push({ seq: turns.length, speaker, text, atMs: at, speechMs, interrupted });
    at += speechMs + 300;
  };
  for (let i = 0; i < 54; i++) {
    const rep = i === 20 ? REP.join(" ") : (REP[i % REP.length] as string);
    push("rep", rep, i === 20 ? 90_000 : rep.split(" ").length * 400, i % 17 === 0);
    push("prospect", PROSPECT[i % PROSPECT.length] as string, 4_000, i % 23 === 0);
  }
  push("rep", "Can we schedule a follow up for Thursday at two?", 3_000);
  push("prospect", "Fine, Thursday at two. Send me the invite.", 2_500);
  return turns;
}

const turns = tenMinuteTranscript();
const durationSec = Math.round(turns.at(-1)!.atMs / 1000);
const input = { turns, persona, scenario, durationSec, endReason: "next_step" };
for (let i = 0; i < 50; i++) scorePractice(input);
const times: number[] = [];
let overall = 0;
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  overall = scorePractice(input).overall;
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const q = (p: number) => (times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN).toFixed(2);
console.log(`${turns.length} turns, ${(durationSec / 60).toFixed(1)} min, overall ${overall}: scoring p50 ${q(0.5)} ms, p95 ${q(0.95)} ms over ${runs} runs`);
