/**
 * The gateway's realtime path: widget WebSocket /v1/stream → VAD → RealtimeProcessor → Gemini Live
 * (emulated, zero think time, server VAD 500 ms) → 24 → 16 kHz → output pacer → widget.
 * The clock starts when the client sends the frame that completes the server's 500 ms silence window
 * and stops when the first agent audio frame arrives at the client, as in providers.bench.ts for the
 * provider alone; the difference is what the gateway adds.
 * Run: npx tsx bench/providers/gateway-realtime.bench.ts [turns]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { createAgentSetupFactory } from "@orbis/agent-runtime";
import { ProviderManager } from "@orbis/providers";
import { credentialResolver, offlineSpeechStack, providerPipeline } from "../../apps/gateway/src/index.ts";
import { createTenant, startGateway, WIDGET_ORIGIN } from "../../e2e/calls/harness.ts";
import { startGeminiLiveEmulator } from "../../packages/providers/test/emulators/gemini-live-emulator.ts";
import { speak } from "../../packages/providers/test/fixtures.ts";

const TURNS = Number(process.argv[2] ?? 30);
const WARMUP = 3;
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const gemini = await startGeminiLiveEmulator({
  apiKey: "gm-bench",
  turns: Array.from({ length: TURNS + WARMUP + 1 }, () => ({ heard: "hello", reply: "Sure." })),
});
const manager = new ProviderManager({});
const h = await startGateway({
  pipelineFor: (db, config) =>
    providerPipeline({
      speech: offlineSpeechStack(mkdtempSync(join(tmpdir(), "orbis-bench-rt-"))),
      manager,
      credentials: credentialResolver(config),
      setups: createAgentSetupFactory(db),
      prices: config.prices,
      cacheDir: mkdtempSync(join(tmpdir(), "orbis-bench-rt-lm-")),
    }),
  config: { providerKeys: { gemini: { apiKey: "gm-bench", baseUrl: gemini.baseUrl } }, maxCallsPerWorkspace: 10 },
});
const t = await createTenant(h, { providers: { realtime: "gemini-live", options: { "gemini-live": { silenceDurationMs: 500 } } } });

const audio = await speak("Hello there");
const frames: Int16Array[] = [];
for (let i = 0; i + 320 <= audio.length; i += 320) frames.push(audio.slice(i, i + 320));
const silence = Buffer.alloc(640);

const ws = new WebSocket(`${h.wsUrl}?agentId=${t.agentId}&apiKey=${t.publishableKey}`, { origin: WIDGET_ORIGIN });
let lastAudioAt = 0;
let firstAudio: ((at: number) => void) | null = null;
ws.on("message", (data: Buffer, isBinary: boolean) => {
  if (!isBinary) return;
  const now = performance.now();
  lastAudioAt = now;
  firstAudio?.(now);
  firstAudio = null;
});
await new Promise((r) => ws.once("open", r));
const ready = new Promise<void>((resolve) => ws.on("message", (d: Buffer, bin: boolean) => !bin && JSON.parse(d.toString()).type === "ready" && resolve()));
ws.send(JSON.stringify({ type: "start", sampleRate: 16000 }));
await ready;
// The agent greets first (the gateway cues the model); its audio plays out before the caller speaks.
await sleep(300);
while (performance.now() - lastAudioAt < 150) await sleep(20);

const out: number[] = [];
for (let turn = 0; turn < TURNS + WARMUP; turn++) {
  // Caller audio faster than real time (the emulator counts frames, not wall time), yielding now and then.
  for (const [i, f] of frames.entries()) {
    ws.send(Buffer.from(f.buffer, f.byteOffset, f.byteLength));
    if (i % 10 === 9) await new Promise((r) => setImmediate(r));
  }
  for (let ms = 0; ms < 480; ms += 20) ws.send(silence);
  await sleep(30);
  const got = new Promise<number>((resolve) => (firstAudio = resolve));
  const t0 = performance.now();
  ws.send(silence);
  const at = await Promise.race([got, sleep(5000).then(() => Number.NaN)]);
  if (Number.isNaN(at)) throw new Error(`turn ${turn}: no agent audio`);
  if (turn >= WARMUP) out.push(at - t0);
  // The reply plays out at real time through the pacer; the next turn starts after it.
  while (performance.now() - lastAudioAt < 150) await sleep(20);
}
ws.send(JSON.stringify({ type: "end" }));
await sleep(200);
ws.close();
await h.close();
manager.stop();
await gemini.close();
console.log(`gateway realtime path, widget WS → Gemini Live (emulated) → widget, server-VAD end of turn → first audio at the client:`);
console.log(`  p50 ${pct(out, 50).toFixed(1)} ms, p95 ${pct(out, 95).toFixed(1)} ms, max ${Math.max(...out).toFixed(1)} ms (n=${out.length})`);
