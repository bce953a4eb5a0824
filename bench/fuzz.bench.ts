/**
 * The fuzz suites at length, on one composed platform (api, gateway, carrier webhooks and media):
 * FUZZ_CASES HTTP cases (default 100,000) spread over every route of /openapi.json and the three
 * carrier webhooks, then FUZZ_FRAMES WebSocket frames (default the same number; three quarters on the
 * browser stream, a quarter on Twilio media streams). The cases are the CI suites' own
 * (`apps/api/test/fuzz.int.test.ts`, `e2e/fuzz/gateway.int.test.ts`), with a new seed each run
 * (FUZZ_SEED to repeat one). Prints the cases and answers by route, the 5xx (must be 0), the frames the
 * server survived, errors it logged, and RSS before and after (after a GC: should be flat).
 * Run: FUZZ_CASES=5000 npx tsx bench/fuzz.bench.ts
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { fuzzWorkspace, knownValues } from "../apps/api/test/fuzz-fixtures.ts";
import { fuzzOperation, operationsOf, routeOf, seedFor, type RouteTally } from "../apps/api/test/fuzz-openapi.ts";
import { WIDGET_ORIGIN } from "../e2e/calls/harness.ts";
import * as gateway from "../e2e/fuzz/gateway-fuzz.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const memory = () => {
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20, buffers: m.arrayBuffers / 2 ** 20 };
};

const mb = (m: ReturnType<typeof memory>) => `${m.rss.toFixed(0)} / ${m.heap.toFixed(0)} / ${m.buffers.toFixed(0)} MB`;

const CASES = Number(process.env.FUZZ_CASES ?? 100_000);
const FRAMES = Number(process.env.FUZZ_FRAMES ?? CASES);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Sockets in flight at once: a connection mostly waits (for its close, or to linger). */
const PARALLEL = 8;

const cc = await gateway.callControlStub();
const h = await gateway.startFuzzPlatform({
  telnyxApiUrl: cc.apiUrl,
  rateLimitPerMinute: 1_000_000,
  maxCallsPerWorkspace: 1000,
  allowPrivateNetworkTools: true,
});
const { target, stream } = await gateway.fuzzTargets(h, cc, WIDGET_ORIGIN);
const operations = operationsOf((await h.app.inject({ url: "/openapi.json" })).json());
const perRoute = Math.ceil(CASES / (operations.length + 3));
const before = memory();
console.log(`seed ${SEED}; ${operations.length} API routes + 3 carrier webhooks, ${perRoute} cases each; ${FRAMES} WebSocket frames`);
console.log(`memory before (RSS / heap / array buffers, after a GC): ${mb(before)}\n`);

const statusLine = (statuses: Map<number, number>) =>
  [...statuses]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}×${n}`)
    .join(" ");
const problems: string[] = [];
let httpCases = 0;
let fivexx = 0;
const row = (route: string, tally: Pick<RouteTally, "cases" | "statuses">, ms: number) => {
  const errors = [...tally.statuses].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
  httpCases += tally.cases;
  fivexx += errors;
  console.log(`| ${route} | ${tally.cases} | ${errors} | ${((ms / tally.cases) * 1000).toFixed(0)} µs | ${statusLine(tally.statuses)} |`);
};

// 1. Every API route, each as the owner of a fresh workspace (like the CI suite), problems collected rather than thrown.
console.log("| route | cases | 5xx | per case | answers |\n|---|---|---|---|---|");
const t0 = performance.now();
const foreign = await fuzzWorkspace(h.app, h.db, "foreign");
for (const op of operations) {
  const own = await fuzzWorkspace(h.app, h.db, "own");
  const start = performance.now();
  const tally = await fuzzOperation(h.app, op, {
    known: knownValues(own, foreign),
    creds: own,
    numRuns: perRoute,
    seed: seedFor(op, SEED),
    throwOnProblem: false,
  });
  row(routeOf(op), tally, performance.now() - start);
  problems.push(...tally.problems.slice(0, 3).map((p) => `${routeOf(op)} → ${p.problem} (${fc.stringify(p.case)})`));
}

// 2. Carrier webhooks.
const webhooks: [string, fc.Arbitrary<gateway.WebhookCase>][] = [
  ["POST /v1/telephony/twilio/voice", gateway.twilioWebhookCase("/v1/telephony/twilio/voice", target)],
  ["POST /v1/telephony/twilio/status", gateway.twilioWebhookCase("/v1/telephony/twilio/status", target)],
  ["POST /v1/telephony/telnyx/webhook", gateway.telnyxWebhookCase(target)],
];
for (const [route, cases] of webhooks) {
  const tally = { cases: 0, statuses: new Map<number, number>() };
  const start = performance.now();
  await fc.assert(
    fc.asyncProperty(cases, async (c) => {
      const r = await gateway.runWebhookCase(h.app, c);
      tally.cases++;
      tally.statuses.set(r.status, (tally.statuses.get(r.status) ?? 0) + 1);
      if (r.problem && problems.length < 50) problems.push(`${route} → ${r.problem}`);
    }),
    { numRuns: perRoute, seed: SEED },
  );
  row(route, tally, performance.now() - start);
}
const httpSeconds = (performance.now() - t0) / 1000;
const middle = memory();

// 3. WebSocket frames: browser stream connections, then Twilio media streams, PARALLEL at a time.
async function frames(name: string, budget: number, run: (seed: number) => Promise<{ sent: number; code: number; problem?: string }>) {
  const codes = new Map<number, number>();
  let sent = 0;
  let survived = 0;
  let connections = 0;
  const start = performance.now();
  // Memory at each quarter of the budget: flat once warm, or something is kept per connection.
  const quarters: string[] = [];
  while (sent < budget) {
    const results = await Promise.all(Array.from({ length: PARALLEL }, () => run(SEED + connections++)));
    for (const r of results) {
      sent += r.sent;
      codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
      if (r.problem) problems.push(`${name} → ${r.problem}`);
      else survived += r.sent;
    }
    if (sent >= ((quarters.length + 1) * budget) / 4) {
      const m = memory();
      quarters.push(mb(m));
    }
  }
  const alive = (await h.app.inject({ url: "/healthz" })).statusCode === 200;
  const seconds = (performance.now() - start) / 1000;
  console.log(
    `${name}: ${sent} frames on ${connections} connections in ${seconds.toFixed(0)} s; survived ${survived} (the close the protocol calls for); closes ${statusLine(codes)}; server ${alive ? "up" : "DOWN"}; memory at each quarter ${quarters.join(", ")}`,
  );
}
const one = <T>(arb: fc.Arbitrary<T>, seed: number) => fc.sample(arb, { numRuns: 1, seed })[0]!;
const t1 = performance.now();
await frames("/v1/stream", Math.ceil(FRAMES * 0.75), (seed) => gateway.runStreamCase(stream, one(gateway.streamCase, seed), 20));
await frames("/v1/telephony/twilio/media", Math.floor(FRAMES * 0.25), (seed) => gateway.runMediaCase(h, target, one(gateway.mediaCase, seed), 50));
const wsSeconds = (performance.now() - t1) / 1000;

// Calls that ended still hold memory until the offline TTS worker has drained their queued jobs:
// wait (at most 2 minutes) until neither heap nor RSS comes down by more than 2 MB in 5 s.
const ended = memory();
let after = ended;
let idle = 0;
for (let last = { rss: Infinity, heap: Infinity }; idle < 120 && (last.heap - after.heap > 2 || last.rss - after.rss > 2); idle += 5) {
  last = after;
  await new Promise((resolve) => setTimeout(resolve, 5000));
  after = memory();
}
const logged = gateway.unexpectedErrors(h.errors);
console.log(`\nHTTP: ${httpCases} cases in ${httpSeconds.toFixed(0)} s (${(httpCases / httpSeconds).toFixed(0)}/s); 5xx: ${fivexx}`);
console.log(
  `WebSocket: ${wsSeconds.toFixed(0)} s; errors the server logged: ${h.errors.length} (${h.errors.length - logged.length} of the known kinds, ${logged.length} others)`,
);
console.log(
  `memory (RSS / heap / array buffers, after a GC): before ${mb(before)}; after HTTP ${mb(middle)}; after the frames ${mb(ended)}; ${idle} s later ${mb(after)}`,
);
const grown = after.rss - middle.rss;
console.log(`RSS over the WebSocket phase, once idle: ${grown >= 0 ? "+" : ""}${grown.toFixed(0)} MB (${grown > 64 ? "NOT flat" : "flat"})`);
for (const p of [...problems, ...logged.map((e) => `logged: ${e.msg} ${e.error}`)].slice(0, 20)) console.log(`  problem: ${p.slice(0, 400)}`);
await h.close();
await cc.close();
process.exit(fivexx === 0 && problems.length === 0 && logged.length === 0 ? 0 : 1);
