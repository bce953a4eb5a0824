// npm run bench:api — GET /v1/agents (session auth, RLS transaction, 20 rows) against real PostgreSQL.
// The server runs in a child process so the load generator does not share its event loop.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import os from "node:os";

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
const fixed = await run({ overallRate: 1000 });
const half = await run({ overallRate: 500 });
const max = await run({ connections: 50 });
server.kill("SIGTERM");

const fmt = (r: autocannon.Result) =>
  `${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms, non-2xx ${r.non2xx}, errors ${r.errors}`;
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}`);
console.log(`GET /v1/agents @ 1000 req/s offered: ${fmt(fixed)}`);
console.log(`GET /v1/agents @ 500 req/s offered: ${fmt(half)}`);
console.log(`GET /v1/agents max throughput (50 connections): ${fmt(max)}`);
