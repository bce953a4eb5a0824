// npm run bench:api — GET /v1/agents (session auth, RLS scope, 20 rows) against real PostgreSQL.
// The server runs in a child process so the load generator does not share its event loop.
import { commandCpuSec, processStats, startChild } from "./bench-child.ts";
import autocannon from "autocannon";
import os from "node:os";
import { openLoop, type OpenLoopResult } from "./open-loop.ts";

// API_SERVER=floor runs api-floor-server.ts instead: bare Fastify + one pg query, no OrbisVoice code.
const floor = process.env.API_SERVER === "floor";
const { child: server, info: ready } = await startChild<{ url: string; token: string }>(
  new URL(floor ? "./api-floor-server.ts" : "./api-server.ts", import.meta.url).pathname,
  { LOG_LEVEL: "silent" },
);

// API_PATH measures another route the same way (e.g. /healthz: the plugin stack without auth or a query).
const route = process.env.API_PATH ?? "/v1/agents?limit=20";
const path = `${ready.url}${route}`;
const run = (opts: Partial<autocannon.Options>) =>
  autocannon({
    url: path,
    headers: { authorization: `Bearer ${ready.token}` },
    connections: 20,
    duration: 10,
    ...opts,
  });

await run({ duration: 3 }); // warm-up: JIT, pool connections
const headers = { authorization: `Bearer ${ready.token}` };

// CPU per answered request at 1,000 req/s, for the server, PostgreSQL and this load generator: the
// three share the two cores, so their sum says how close the machine is to full.
const cpu0 = { server: (await processStats(server.pid!)).cpuSec, pg: await commandCpuSec("postgres"), generator: process.cpuUsage() };
const fixed = await openLoop(path, headers, 1000, 10);
const cpu1 = { server: (await processStats(server.pid!)).cpuSec, pg: await commandCpuSec("postgres"), generator: process.cpuUsage(cpu0.generator) };
const perRequest = (sec: number) => Math.round((sec * 1e6) / Math.max(1, fixed.completed));
const cpuPerRequest = `CPU per request: server ${perRequest(cpu1.server - cpu0.server)} µs, PostgreSQL ${perRequest(cpu1.pg - cpu0.pg)} µs, load generator ${perRequest((cpu1.generator.user + cpu1.generator.system) / 1e6)} µs`;
const half = await openLoop(path, headers, 500, 10);
const max = await run({ connections: 50 });
server.kill("SIGTERM");

const fmtOpen = (r: OpenLoopResult) =>
  `${r.perSecond} req/s answered, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms, non-2xx ${r.non2xx}, errors ${r.errors}`;
const fmt = (r: autocannon.Result) =>
  `${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms, non-2xx ${r.non2xx}, errors ${r.errors}`;
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}${floor ? "; FLOOR server (bare Fastify + one pg query)" : ""}`);
console.log(`GET ${route} @ 1000 req/s open loop (evenly spaced, latency from scheduled send): ${fmtOpen(fixed)}; ${cpuPerRequest}`);
console.log(`GET ${route} @ 500 req/s open loop: ${fmtOpen(half)}`);
console.log(`GET ${route} max throughput (autocannon, 50 connections back to back): ${fmt(max)}`);
