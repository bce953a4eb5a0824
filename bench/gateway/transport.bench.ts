// P1 transport capacity, P2 gateway overhead per frame, P7 memory per idle call.
// Echo pipeline: every 20 ms caller frame comes back through the output pacer, so each call moves
// 50 frames/s each way. The server runs in its own process; this process is the load generator.
import os from "node:os";
import WebSocket from "ws";
import { histogramDelta, processStats, scrape, sleep, startBenchServer } from "./common.ts";

const LEVELS = (process.env.LEVELS ?? "250,500,750,1000,1250").split(",").map(Number);
const HOLD_MS = Number(process.env.HOLD_MS ?? 10_000);
const IDLE_CALLS = Number(process.env.IDLE_CALLS ?? 500);
const server = await startBenchServer("echo");
const frame = Buffer.alloc(640);

interface Call {
  ws: WebSocket;
  received: number;
}

async function openCall(): Promise<Call> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(server.wsUrl, { origin: server.origin, perMessageDeflate: false });
    const call: Call = { ws, received: 0 };
    ws.on("open", () => ws.send(JSON.stringify({ type: "start" })));
    ws.on("message", (data, isBinary) => {
      if (isBinary) call.received++;
      else if (JSON.parse(data.toString()).type === "ready") resolve(call);
    });
    ws.on("close", (code) => reject(new Error(`closed ${code}`)));
    ws.on("error", reject);
  });
}

async function openMany(n: number): Promise<Call[]> {
  const out: Call[] = [];
  for (let i = 0; i < n; i += 25) out.push(...(await Promise.all(Array.from({ length: Math.min(25, n - i) }, openCall))));
  return out;
}

// P7 idle: connected, started, no audio.
const base = await processStats(server.pid);
const idle = await openMany(IDLE_CALLS);
await sleep(2000);
const idleStats = await processStats(server.pid);
const idleKb = ((idleStats.rssMb - base.rssMb) * 1024) / IDLE_CALLS;
for (const c of idle) c.ws.close();
await sleep(2000);

const calls: Call[] = [];
let sending = true;
let sent = 0;
// One sender for all calls: a frame per call every 20 ms, catching up if this loop falls behind.
let next = performance.now();
const sender = setInterval(() => {
  const now = performance.now();
  while (sending && next <= now) {
    for (const c of calls) {
      if (c.ws.readyState === WebSocket.OPEN) {
        c.ws.send(frame);
        sent++;
      }
    }
    next += 20;
  }
}, 5);

console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}; gateway in its own process, load generator in another`);
console.log(`P7 idle call memory: ${idleKb.toFixed(0)} KB per call (${IDLE_CALLS} started calls, RSS ${base.rssMb.toFixed(0)} → ${idleStats.rssMb.toFixed(0)} MB)`);
console.log("calls | frames out/s | frame delay p50 / p99 ms | ≤20 ms | inbound handling p99 ms | gateway CPU % | RSS MB | MB per active call");
for (const level of LEVELS) {
  calls.push(...(await openMany(level - calls.length)));
  await sleep(3000);
  const before = await scrape(server.url);
  const s0 = await processStats(server.pid);
  await sleep(HOLD_MS);
  const after = await scrape(server.url);
  const s1 = await processStats(server.pid);
  const delay = histogramDelta(before, after, "orbis_output_frame_delay_ms");
  const handling = histogramDelta(before, after, "orbis_inbound_frame_handling_ms");
  const cpu = ((s1.cpuSec - s0.cpuSec) / (HOLD_MS / 1000)) * 100;
  const perCall = (s1.rssMb - base.rssMb) / level;
  console.log(
    `${level} | ${Math.round(delay.total / (HOLD_MS / 1000))} | ${delay.p50} / ${delay.p99} | ${(delay.within(20) * 100).toFixed(2)} % | ${handling.p99} | ${cpu.toFixed(0)} | ${s1.rssMb.toFixed(0)} | ${perCall.toFixed(2)}`,
  );
}
sending = false;
clearInterval(sender);
for (const c of calls) c.ws.close();
await sleep(1000);
server.child.kill("SIGTERM");
console.log(`load generator sent ${sent} frames`);
process.exit(0);
