// P1 transport capacity, P2 gateway overhead per frame, P7 memory per idle call.
// Echo pipeline: every 20 ms caller frame comes back through the output pacer, so each call moves
// 50 frames/s each way. The server runs in its own process; this process is the load generator.
import os from "node:os";
import { histogramDelta, processStats, scrape, sleep, startBenchServer } from "./common.ts";
import { clientFrame, openRawCall, type RawCall } from "./raw-ws-caller.ts";

const LEVELS = (process.env.LEVELS ?? "250,500,750,1000,1250").split(",").map(Number);
const HOLD_MS = Number(process.env.HOLD_MS ?? 10_000);
const IDLE_CALLS = Number(process.env.IDLE_CALLS ?? 500);
// SERVER=floor measures a bare `ws` server instead (floor-server.ts): the cost before any gateway code.
const floor = process.env.SERVER === "floor";
const server = await startBenchServer(floor ? "floor" : "echo");
/** Segments sent by this machine's TCP stack (both ends of every loopback connection), from /proc/net/snmp. */
async function tcpOutSegments(): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const lines = (await readFile("/proc/net/snmp", "utf8")).split("\n").filter((l) => l.startsWith("Tcp:"));
  const names = lines[0]!.split(" ");
  return Number(lines[1]!.split(" ")[names.indexOf("OutSegs")]);
}

// 20 ms of 16 kHz PCM16, as one masked binary frame built once.
const frame = clientFrame(2, Buffer.alloc(640));

async function openMany(n: number): Promise<RawCall[]> {
  const out: RawCall[] = [];
  for (let i = 0; i < n; i += 25) out.push(...(await Promise.all(Array.from({ length: Math.min(25, n - i) }, () => openRawCall(server.wsUrl, server.origin)))));
  return out;
}

// P7 idle: connected, started, no audio.
const base = await processStats(server.pid);
const idle = await openMany(IDLE_CALLS);
await sleep(2000);
const idleStats = await processStats(server.pid);
const idleKb = ((idleStats.rssMb - base.rssMb) * 1024) / IDLE_CALLS;
for (const c of idle) c.close();
await sleep(2000);

const calls: RawCall[] = [];
let sending = true;
let sent = 0;
// A frame per call every 20 ms. Callers do not speak in lockstep: call i sends in 2 ms slot i mod 10,
// so the gateway sees a steady stream rather than every call's frame at once. Catches up if late.
const SLOTS = 10;
let slot = 0;
let next = performance.now();
const sender = setInterval(() => {
  const now = performance.now();
  while (sending && next <= now) {
    for (let i = slot; i < calls.length; i += SLOTS) {
      const c = calls[i]!;
      if (c.open) {
        c.write(frame);
        sent++;
      }
    }
    slot = (slot + 1) % SLOTS;
    next += 20 / SLOTS;
  }
}, 1);

console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}; gateway in its own process, load generator in another`);
console.log(
  `P7 idle call memory: ${idleKb.toFixed(0)} KB per call (${IDLE_CALLS} started calls, RSS ${base.rssMb.toFixed(0)} → ${idleStats.rssMb.toFixed(0)} MB)`,
);
console.log(
  "calls | frames received by the callers /s | frame delay p50 / p99 ms | ≤20 ms | inbound handling p99 ms | gateway CPU % (kernel part) | load generator CPU % | TCP segments per frame | RSS MB | MB per active call",
);
for (const level of LEVELS) {
  calls.push(...(await openMany(level - calls.length)));
  await sleep(3000);
  const before = await scrape(server.url);
  const s0 = await processStats(server.pid);
  const g0 = process.cpuUsage();
  const t0 = await tcpOutSegments();
  const sent0 = sent;
  const received = () => calls.reduce((n, c) => n + c.binary, 0);
  const received0 = received();
  await sleep(HOLD_MS);
  const receivedPerSec = (received() - received0) / (HOLD_MS / 1000);
  const g = process.cpuUsage(g0);
  const segments = (await tcpOutSegments()) - t0;
  const after = await scrape(server.url);
  const s1 = await processStats(server.pid);
  const delay = histogramDelta(before, after, "orbis_output_frame_delay_ms");
  const handling = histogramDelta(before, after, "orbis_inbound_frame_handling_ms");
  const open = calls.filter((c) => c.open).length;
  if (open < level) console.log(`(only ${open} of ${level} calls still open)`);
  const cpu = ((s1.cpuSec - s0.cpuSec) / (HOLD_MS / 1000)) * 100;
  const sys = ((s1.sysSec - s0.sysSec) / (HOLD_MS / 1000)) * 100;
  const perCall = (s1.rssMb - base.rssMb) / level;
  console.log(
    `${level} | ${Math.round(receivedPerSec)} | ${delay.p50} / ${delay.p99} | ${(delay.within(20) * 100).toFixed(2)} % | ${handling.p99} | ${cpu.toFixed(0)} (sys ${sys.toFixed(0)}) | ${((g.user + g.system) / 10 / HOLD_MS).toFixed(0)} | ${(segments / (sent - sent0 + receivedPerSec * (HOLD_MS / 1000))).toFixed(2)} | ${s1.rssMb.toFixed(0)} | ${perCall.toFixed(2)}`,
  );
}
sending = false;
clearInterval(sender);
for (const c of calls) c.close();
await sleep(1000);
server.child.kill("SIGTERM");
console.log(`load generator sent ${sent} frames`);
process.exit(0);
