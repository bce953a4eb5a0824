// P3 offline pipeline capacity, P4 voice-to-voice latency, P7 memory per active call.
// Real speech: callers speak receptionist lines (flite) into /v1/stream at real time; the gateway runs
// fvad → turn-taker → pocketsphinx (domain LM) → receptionist brain → flite for every call.
import os from "node:os";
import { simulateCall, type CallStep } from "@orbis/gateway/caller";
import { histogramDelta, processStats, scrape, sleep, startBenchServer } from "./common.ts";

const LEVELS = (process.env.LEVELS ?? "5,10,20,30,40").split(",").map(Number);
const LATENCY_CALLERS = Number(process.env.LATENCY_CALLERS ?? 5);
const LATENCY_TURNS = Number(process.env.LATENCY_TURNS ?? 10);
const LINES = ["what are your opening hours", "what services do you offer", "where are you located", "how much is a cleaning", "do you take new patients"];
const steps = (n: number): CallStep[] => Array.from({ length: n }, (_, i) => ({ say: LINES[i % LINES.length]! }));

const server = await startBenchServer("offline");
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}; gateway in its own process`);

// P4: voice-to-voice latency measured by the client (end of its speech → first agent audio frame).
{
  const before = await scrape(server.url);
  const results = await Promise.all(
    Array.from({ length: LATENCY_CALLERS }, (_, i) =>
      sleep(i * 700).then(() => simulateCall(steps(LATENCY_TURNS), { url: server.wsUrl, origin: server.origin, voice: "slt", speed: 1 })),
    ),
  );
  const after = await scrape(server.url);
  const lat = results.flatMap((r) => r.turns.map((t) => t.latencyMs)).filter((v): v is number => v !== undefined);
  const stage = (name: string) => histogramDelta(before, after, "orbis_turn_latency_ms", `stage="${name}"`);
  const [asr, llm, tts, e2e] = ["asr", "llm", "tts", "e2e"].map(stage) as [
    ReturnType<typeof stage>,
    ReturnType<typeof stage>,
    ReturnType<typeof stage>,
    ReturnType<typeof stage>,
  ];
  console.log(
    `P4 voice-to-voice (client-measured, ${lat.length} turns, ${LATENCY_CALLERS} concurrent callers): p50 ${pct(lat, 50)} ms, p95 ${pct(lat, 95)} ms, max ${Math.max(...lat)} ms` +
      `\n   server stages (mean): asr ${asr.mean.toFixed(0)} ms, brain ${llm.mean.toFixed(0)} ms, tts ${tts.mean.toFixed(0)} ms, e2e ${e2e.mean.toFixed(0)} ms` +
      " (e2e includes the end-of-turn silence: 300 ms after a question answerable as it stands, 600 ms otherwise, 1,400 ms inside a date or number)",
  );
}

// Cut-offs: lines with a 500 ms pause inside them (a caller thinking, reading digits). A line is cut
// off when the agent's audio starts before the caller has finished it. The first is the trade the
// short window makes; the others must never be cut.
{
  const CUT_CALLERS = Number(process.env.CUT_CALLERS ?? 4);
  const script: CallStep[] = [
    { say: "what are your opening hours ... on saturday" },
    { say: "i would like to book a cleaning ... next tuesday afternoon" },
    { say: "the first one" },
    { say: "my name is jane ... doe" },
    { say: "two one two ... five five five ... zero one two three" },
  ];
  const results = await Promise.all(
    Array.from({ length: CUT_CALLERS }, (_, i) =>
      sleep(i * 900).then(() => simulateCall(script, { url: server.wsUrl, origin: server.origin, voice: "slt", speed: 1, midPauseMs: 500 })),
    ),
  );
  const rows = script.map((step, i) => {
    const turns = results.map((r) => r.turns[i]).filter((t) => t !== undefined);
    return `"${step.say}": ${turns.filter((t) => t.cutOff).length}/${turns.length} cut off`;
  });
  const all = results.flatMap((r) => r.turns);
  console.log(
    `cut-offs (500 ms pause inside the line, ${CUT_CALLERS} callers): ${all.filter((t) => t.cutOff).length}/${all.length} lines\n   ${rows.join("\n   ")}`,
  );
}

// P3 + P7: concurrent real-speech calls; are the agent's frames on their 20 ms schedule?
console.log("calls | frames out/s | frame delay p50 / p99 ms | ≤20 ms | turns answered | gateway CPU % | RSS MB | MB per call");
const base = await processStats(server.pid);
for (const level of LEVELS) {
  const before = await scrape(server.url);
  const s0 = await processStats(server.pid);
  const t0 = performance.now();
  let peakRss = s0.rssMb;
  const sampler = setInterval(() => void processStats(server.pid).then((s) => (peakRss = Math.max(peakRss, s.rssMb))), 500);
  const results = await Promise.all(
    Array.from({ length: level }, (_, i) =>
      sleep((i * 3000) / level).then(() => simulateCall(steps(3), { url: server.wsUrl, origin: server.origin, voice: "slt", speed: 1 })),
    ),
  );
  clearInterval(sampler);
  const seconds = (performance.now() - t0) / 1000;
  const after = await scrape(server.url);
  const s1 = await processStats(server.pid);
  const delay = histogramDelta(before, after, "orbis_output_frame_delay_ms");
  const answered = results.flatMap((r) => r.turns).filter((t) => t.heard.length > 0).length;
  console.log(
    `${level} | ${Math.round(delay.total / seconds)} | ${delay.p50} / ${delay.p99} | ${(delay.within(20) * 100).toFixed(2)} % | ${answered}/${level * 3} | ${(((s1.cpuSec - s0.cpuSec) / seconds) * 100).toFixed(0)} | ${peakRss.toFixed(0)} | ${((peakRss - base.rssMb) / level).toFixed(1)}`,
  );
  await sleep(2000);
}
server.child.kill("SIGTERM");
process.exit(0);
