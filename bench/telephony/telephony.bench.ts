/**
 * Telephony figures over the loopback carrier emulators: voice-to-voice latency (real speech) over
 * Twilio and Telnyx, the inbound jitter-buffer delay, and concurrent calls with outbound frames on
 * their 20 ms schedule.
 * Run: npx tsx bench/telephony/telephony.bench.ts [concurrent-calls=20] [call-seconds=15] [all|speech|concurrency]
 */
import { echoPipeline } from "../../apps/gateway/src/index.ts";
import type { CarrierStream } from "@orbis/gateway";
import { PUBLIC_BASE, startPhoneGateway, telnyxTenant, twilioTenant } from "../../e2e/telephony/phone-harness.ts";
import { placeTelnyxCall, TelnyxEmulator } from "../../e2e/telephony/telnyx-emulator.ts";
import { placeTwilioCall } from "../../e2e/telephony/twilio-emulator.ts";
import type { EmulatedCallResult } from "../../e2e/telephony/caller-line.ts";

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const concurrent = Number(process.argv[2] ?? 20);
const seconds = Number(process.argv[3] ?? 15);
const only = process.argv[4] ?? "all";

type Inbound = NonNullable<ReturnType<CarrierStream["inboundStats"]>>;
const jitterLine = (stats: Inbound[]) =>
  stats
    .map(
      (s) =>
        `delay p50 ${s.delay.p50.toFixed(1)} ms, p99 ${s.delay.p99.toFixed(1)} ms, max ${s.delay.max.toFixed(1)} ms over the last ${s.delay.count} frames; window ${s.targetFrames} frames; arrival jitter ${s.arrivalJitterMs} ms; late ${s.late}, lost ${s.lost}`,
    )
    .join(" | ");
const latencyLine = (r: EmulatedCallResult) => {
  const lat = r.turns.flatMap((t) => (t.latencyMs === undefined ? [] : [t.latencyMs]));
  return `p50 ${pct(lat, 50)} ms, p95 ${pct(lat, 95)} ms (${lat.length} turns: ${lat.join(", ")})`;
};
const script = [
  "i would like to book a cleaning next tuesday afternoon",
  "the first one",
  "my name is james smith",
  "five five five two one two one two three four",
  "yes please",
  "what are your opening hours",
  "do you take insurance",
].map((say) => ({ say }));

// 1. Voice-to-voice over emulated Twilio and Telnyx: end of caller speech → first agent media frame at the emulator.
if (only !== "concurrency") {
  const telnyx = await TelnyxEmulator.start();
  const stats: Inbound[] = [];
  const h = await startPhoneGateway({
    config: { telnyxApiUrl: telnyx.apiUrl },
    telephony: { onStreamClosed: (s: CarrierStream) => void (s.inboundStats() && stats.push(s.inboundStats()!)) },
  });
  const { account, number } = await twilioTenant(h);
  const tw = await placeTwilioCall(account, { localBase: h.localBase, publicBase: PUBLIC_BASE, from: "+12125550123", to: number, steps: script });
  await new Promise((res) => setTimeout(res, 500));
  console.log(`voice-to-voice over emulated Twilio (includes the end-of-turn silence): ${latencyLine(tw)}`);
  console.log(`  inbound reorder buffer (window 3 frames): ${jitterLine(stats.splice(0))}`);
  const t = await telnyxTenant(h, telnyx.account);
  const tx = await placeTelnyxCall(telnyx, { localBase: h.localBase, from: "+12125550123", to: t.number, steps: script });
  await new Promise((res) => setTimeout(res, 500));
  console.log(`voice-to-voice over emulated Telnyx (every 25th frame reordered): ${latencyLine(tx)}`);
  console.log(`  inbound reorder buffer: ${jitterLine(stats.splice(0))}`);
  await h.close();
  await telnyx.close();
}

// 2. Concurrent calls, echo pipeline: every outbound frame's lateness against its 20 ms schedule.
if (only !== "speech") {
  const stats: Inbound[] = [];
  const h = await startPhoneGateway({
    pipeline: echoPipeline,
    config: { maxCallsPerWorkspace: 1000 },
    telephony: { onStreamClosed: (s: CarrierStream) => void (s.inboundStats() && stats.push(s.inboundStats()!)) },
  });
  const { account, number } = await twilioTenant(h);
  const t0 = performance.now();
  const calls = await Promise.all(
    Array.from({ length: concurrent }, (_, i) =>
      placeTwilioCall(account, {
        localBase: h.localBase,
        publicBase: PUBLIC_BASE,
        from: `+1212555${String(1000 + i)}`,
        to: number,
        steps: [],
        hangUpAfterMs: seconds * 1000,
        turnTimeoutMs: 1,
      }),
    ),
  );
  const gaps: number[] = [];
  let frames = 0;
  for (const c of calls) {
    frames += c.frameTimes.length;
    // Inter-arrival gaps at the emulator: 20 ms when every frame left on its schedule.
    for (let n = 1; n < c.frameTimes.length; n++) gaps.push(c.frameTimes[n]! - c.frameTimes[n - 1]!);
  }
  const late = gaps.filter((g) => g > 40).length;
  await new Promise((res) => setTimeout(res, 500));
  console.log(
    `${concurrent} concurrent emulated Twilio calls (${seconds} s each, echo pipeline, emulators in the same process): ${frames} frames received, inter-arrival gap p50 ${pct(gaps, 50).toFixed(1)} ms, p99 ${pct(gaps, 99).toFixed(1)} ms, max ${Math.max(...gaps).toFixed(1)} ms, >40 ms: ${late} (${((100 * late) / gaps.length).toFixed(1)} %); wall ${((performance.now() - t0) / 1000).toFixed(1)} s; shape errors ${calls.reduce((n, c) => n + c.shapeErrors.length, 0)}`,
  );
  const p50s = stats.map((s) => s.delay.p50);
  const p99s = stats.map((s) => s.delay.p99);
  console.log(
    `  inbound reorder buffer across the ${stats.length} calls: per-call delay p50 median ${pct(p50s, 50)} ms (worst ${Math.max(...p50s)} ms), per-call p99 median ${pct(p99s, 50)} ms (worst ${Math.max(...p99s)} ms); target frames median ${pct(
      stats.map((s) => s.targetFrames),
      50,
    )} (max ${Math.max(...stats.map((s) => s.targetFrames))}); late ${stats.reduce((n, s) => n + s.late, 0)}, lost ${stats.reduce((n, s) => n + s.lost, 0)}`,
  );
  await h.close();
}
process.exit(0);
