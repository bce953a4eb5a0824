// Events and jobs: commit → webhook received latency, webhook deliveries per second one worker
// sustains, emails per second through SMTP. One worker in this process (as `orbis start --role all`),
// a webhook receiver and an SMTP server (smtp-server) on loopback.
//   npx tsx bench/events.bench.ts [latencyEvents=200] [burstEvents=1000] [emails=300]
// PGlite by default; DATABASE_URL=postgres://… (or TEST_DATABASE_URL) for PostgreSQL (a fresh database).
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { SMTPServer } from "smtp-server";
import { createId } from "@orbis/contracts";
import { createToolSecretsCipher } from "@orbis/credentials";
import { createDatabase, systemRepository, tenantScope, type Database } from "@orbis/db";
import { createEmailService } from "@orbis/email";
import { createJobQueue } from "@orbis/jobs";
import { emailConsumer, startWorker, webhooksConsumer } from "@orbis/worker";

const [latencyEvents = 200, burstEvents = 1000, emailCount = 300] = process.argv.slice(2).map(Number);
const serverUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const key = Buffer.alloc(32, 3);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function openDatabase(): Promise<{ db: Database; drop: () => Promise<void> }> {
  if (!serverUrl) {
    const db = createDatabase();
    await db.migrate();
    return { db, drop: () => db.close() };
  }
  const name = `orbis_bench_events_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = createDatabase({ databaseUrl: url.toString(), poolSize: 10 });
  await db.migrate();
  return {
    db,
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

const { db, drop } = await openDatabase();

// Webhook receiver: when each event id arrived.
const arrivals = new Map<string, number>();
const receiver: Server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    arrivals.set(String(req.headers["webhook-id"]), performance.now());
    res.writeHead(204).end();
  });
});
await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));

// SMTP sink.
let accepted = 0;
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData(stream, _session, callback) {
    stream.resume();
    stream.on("end", () => {
      accepted++;
      callback();
    });
  },
});
await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", r));

const queue = createJobQueue({ connection: db.jobs, pollingIntervalSec: db.kind === "pglite" ? 2 : 1, ...(db.kind === "pglite" ? { concurrency: 2 } : {}) });
const email = createEmailService({
  db,
  jobs: queue,
  from: "OrbisVoice <no-reply@bench.example.com>",
  smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
});
const worker = await startWorker({
  db,
  queue,
  consumers: [
    webhooksConsumer({ db, queue, encryptionKey: key, allowPrivateNetwork: true }),
    emailConsumer({ db, email, publicBaseUrl: "https://bench.example.com", unsubscribeSecret: "bench-secret" }),
  ],
});

// A workspace with one endpoint subscribed to member.joined (webhooks only) and an owner (emails).
const sys = systemRepository(db.system);
const workspaceId = createId("workspace");
await sys.insertWorkspace({ id: workspaceId, name: "Bench Dental", slug: workspaceId });
const owner = createId("user");
await sys.insertUser({ id: owner, email: `owner-${workspaceId}@example.com`, name: "Owner", passwordHash: "x" });
await sys.insertMembership({ id: createId("membership"), workspaceId, userId: owner, role: "owner" });
const endpointId = createId("webhookEndpoint");
await tenantScope(db, workspaceId).webhooks.insert({
  id: endpointId,
  url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
  eventTypes: ["member.joined"],
  secret: createToolSecretsCipher(key).sealSecret({ id: endpointId, workspaceId }, `whsec_${randomBytes(24).toString("base64")}`),
});
const tenant = tenantScope(db, workspaceId);
const joined = () => tenant.transaction((t) => t.events.record("member.joined", { userId: createId("user"), role: "staff" }));

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await sleep(5);
  }
  return true;
}

// 1. Latency: one event at a time, each recorded after the previous one arrived.
for (let i = 0; i < 5; i++) {
  const id = await joined();
  await waitFor(() => arrivals.has(id), 10_000);
}
const latencies: number[] = [];
for (let i = 0; i < latencyEvents; i++) {
  const start = performance.now();
  const id = await joined(); // resolves after COMMIT
  if (!(await waitFor(() => arrivals.has(id), 10_000))) throw new Error(`event ${id} not delivered`);
  latencies.push(arrivals.get(id)! - start);
}
latencies.sort((a, b) => a - b);

// 2. Throughput: a burst of events recorded as fast as possible, then drained.
const burstIds: string[] = [];
const burstStart = performance.now();
for (let i = 0; i < burstEvents; i++) burstIds.push(await joined());
const recordedAt = performance.now();
await waitFor(() => burstIds.every((id) => arrivals.has(id)), 600_000);
const burstEnd = Math.max(...burstIds.map((id) => arrivals.get(id)!));

// 3. Emails: message.taken events → one email each to the owner, through SMTP.
const emailStart = performance.now();
accepted = 0;
for (let i = 0; i < emailCount; i++) {
  await tenant.transaction((t) =>
    t.events.record("message.taken", {
      messageId: createId("message"),
      agentId: null,
      callId: null,
      callerName: `Caller ${i}`,
      callbackNumber: "+15550100200",
      text: "Please call me back",
      urgency: "normal",
    }),
  );
}
await waitFor(() => accepted >= emailCount, 600_000);
const emailEnd = performance.now();

console.log(`database: ${db.kind}`);
console.log(
  `commit → webhook received (${latencyEvents} events, one at a time): p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
);
console.log(
  `webhook deliveries, one worker: ${burstEvents} events recorded in ${((recordedAt - burstStart) / 1000).toFixed(1)} s, all delivered after ${((burstEnd - burstStart) / 1000).toFixed(1)} s → ${(burstEvents / ((burstEnd - burstStart) / 1000)).toFixed(0)} deliveries/s`,
);
console.log(
  `emails through SMTP: ${emailCount} in ${((emailEnd - emailStart) / 1000).toFixed(1)} s → ${(emailCount / ((emailEnd - emailStart) / 1000)).toFixed(1)} emails/s`,
);

await worker.stop();
email.close();
await new Promise((r) => receiver.close(r));
await new Promise<void>((r) => smtp.close(() => r()));
await drop();
process.exit(0);
