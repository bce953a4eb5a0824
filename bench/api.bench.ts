// npm run bench:api — GET /v1/agents (session auth, RLS scope, 20 rows) against real PostgreSQL.
// The server runs in a child process so the load generator does not share its event loop.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import os from "node:os";
import { openLoop, type OpenLoopResult } from "./open-loop.ts";

// API_SERVER=floor runs api-floor-server.ts instead: bare Fastify + one pg query, no OrbisVoice code.
const floor = process.env.API_SERVER === "floor";
// BENCH_PROF=dir writes a CPU profile of the server there when it stops; BENCH_NODE_ARGS adds node flags.
const nodeArgs = [...(process.env.BENCH_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []), ...(process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [])];
const server = spawn(process.execPath, [...nodeArgs, "--import", "tsx", new URL(floor ? "./api-floor-server.ts" : "./api-server.ts", import.meta.url).pathname], {
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, LOG_LEVEL: "silent" },
});
const ready = await new Promise<{ url: string; token: string }>((resolve, reject) => {
  // The first JSON line is the server's address; anything else it prints (e.g. --trace-gc) goes to stderr.
  let found = false;
  createInterface({ input: server.stdout! }).on("line", (line) => {
    if (!found && line.startsWith("{")) {
      found = true;
      resolve(JSON.parse(line));
    } else process.stderr.write(line + "\n");
  });
  server.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
});

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

const fixed = await openLoop(path, headers, 1000, 10);
const half = await openLoop(path, headers, 500, 10);
const max = await run({ connections: 50 });
server.kill("SIGTERM");

const fmtOpen = (r: OpenLoopResult) =>
  `${r.perSecond} req/s answered, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms, non-2xx ${r.non2xx}, errors ${r.errors}`;
const fmt = (r: autocannon.Result) =>
  `${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms, non-2xx ${r.non2xx}, errors ${r.errors}`;
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}${floor ? "; FLOOR server (bare Fastify + one pg query)" : ""}`);
console.log(`GET ${route} @ 1000 req/s open loop (evenly spaced, latency from scheduled send): ${fmtOpen(fixed)}`);
console.log(`GET ${route} @ 500 req/s open loop: ${fmtOpen(half)}`);
console.log(`GET ${route} max throughput (autocannon, 50 connections back to back): ${fmt(max)}`);
