// npm run bench:api — GET /v1/agents (session auth, RLS scope, 20 rows) against real PostgreSQL.
// The server runs in a child process so the load generator does not share its event loop.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import os from "node:os";
import { openLoop, type OpenLoopResult } from "./open-loop.ts";

const server = spawn(process.execPath, ["--import", "tsx", new URL("./api-server.ts", import.meta.url).pathname], {
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, LOG_LEVEL: "silent" },
});
const ready = await new Promise<{ url: string; token: string }>((resolve, reject) => {
  createInterface({ input: server.stdout! }).once("line", (line) => resolve(JSON.parse(line)));
  server.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
});

const run = (opts: Partial<autocannon.Options>) =>
  autocannon({
    url: `${ready.url}/v1/agents?limit=20`,
    headers: { authorization: `Bearer ${ready.token}` },
    connections: 20,
    duration: 10,
    ...opts,
  });

await run({ duration: 3 }); // warm-up: JIT, pool connections
const headers = { authorization: `Bearer ${ready.token}` };
const path = `${ready.url}/v1/agents?limit=20`;
const fixed = await openLoop(path, headers, 1000, 10);
const half = await openLoop(path, headers, 500, 10);
const max = await run({ connections: 50 });
server.kill("SIGTERM");

const fmtOpen = (r: OpenLoopResult) =>
  `${r.perSecond} req/s answered, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms, non-2xx ${r.non2xx}, errors ${r.errors}`;
const fmt = (r: autocannon.Result) =>
  `${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms, non-2xx ${r.non2xx}, errors ${r.errors}`;
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}`);
console.log(`GET /v1/agents @ 1000 req/s open loop (evenly spaced, latency from scheduled send): ${fmtOpen(fixed)}`);
console.log(`GET /v1/agents @ 500 req/s open loop: ${fmtOpen(half)}`);
console.log(`GET /v1/agents max throughput (autocannon, 50 connections back to back): ${fmt(max)}`);
