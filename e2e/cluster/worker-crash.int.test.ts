import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testTargets } from "@orbis/config";
import { createId } from "@orbis/contracts";
import { createToolSecretsCipher } from "@orbis/credentials";
import { createDatabase, systemRepository, tenantScope, type Database } from "@orbis/db";

/**
 * A worker process (`orbis start --role worker`) killed with SIGKILL in the middle of delivering
 * webhooks and sending emails, then a second worker: every event still reaches its endpoint (0 jobs
 * lost) and every email is accepted by the SMTP server exactly once (a send cut off by the kill was
 * never accepted, and the re-run sends it once). Needs TEST_DATABASE_URL (CI sets it): a PGlite
 * database lives inside one process.
 */
const { databaseUrl } = testTargets();
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const EVENTS = 40;
const ENCRYPTION_KEY = Buffer.alloc(32, 9);
/**
 * How long the SMTP server holds a message before accepting it. SMTP has no idempotency: a message
 * accepted in the instant between the server's "250" and the worker marking its row sent is sent
 * again by the next worker (with the same Message-ID, which mail systems deduplicate on). Holding
 * each message makes the kill land inside a send, the case this test is about, not in that instant.
 */
const HOLD_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Worker {
  child: ChildProcess;
  output: string[];
}

async function startWorkerProcess(env: Record<string, string>): Promise<Worker> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "apps/cli/src/main.ts", "start", "--role", "worker"], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout!.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr!.on("data", (d: Buffer) => output.push(d.toString()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`worker exited ${child.exitCode}:\n${output.join("")}`);
    if (
      await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error(`worker not ready after 90 s:\n${output.join("")}`);
    await sleep(250);
  }
  return { child, output };
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe.skipIf(!databaseUrl)("a worker killed mid-job (PostgreSQL)", () => {
  let db: Database;
  let dbName = "";
  let dbUrl = "";
  let receiver: Server;
  let smtp: SMTPServer;
  let smtpUrl = "";
  let receiverUrl = "";
  /** webhook-id of every request the endpoint answered 2xx. */
  const webhooks: string[] = [];
  /** Message-ID of every email the SMTP server accepted. */
  const accepted: string[] = [];
  let workspaceId = "";
  const workers: Worker[] = [];

  beforeAll(async () => {
    dbName = `orbis_worker_crash_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const url = new URL(databaseUrl!);
    url.pathname = `/${dbName}`;
    dbUrl = url.toString();
    db = createDatabase({ databaseUrl: dbUrl, poolSize: 3 });
    await db.migrate();

    // Each delivery takes a while, so the kill lands while some are in flight.
    receiver = createHttpServer((req, res) => {
      req.resume();
      req.on("end", () => {
        setTimeout(() => {
          webhooks.push(String(req.headers["webhook-id"]));
          res.writeHead(200).end("ok");
        }, 150);
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    // An SMTP server that accepts a message only if its sender is still connected after HOLD_MS: a
    // message whose sender was killed mid-send is never accepted, as a real server would not.
    const gone = new Set<string>();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onClose(session) {
        gone.add(session.id);
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          setTimeout(() => {
            if (gone.has(session.id)) return callback(new Error("sender gone"));
            const id = /^message-id:\s*(.+)$/im.exec(Buffer.concat(chunks).toString("utf8"))?.[1]?.trim() ?? "?";
            accepted.push(id);
            callback();
          }, HOLD_MS);
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;

    // A business with an owner (who gets the message-taken emails) and a webhook endpoint.
    const sys = systemRepository(db.system);
    workspaceId = createId("workspace");
    await sys.insertWorkspace({ id: workspaceId, name: "Crash Test Dental", slug: workspaceId });
    const owner = createId("user");
    await sys.insertUser({ id: owner, email: `owner-${workspaceId}@example.com`, name: "Owner", passwordHash: "x" });
    await sys.insertMembership({ id: createId("membership"), workspaceId, userId: owner, role: "owner" });
    const endpointId = createId("webhookEndpoint");
    await tenantScope(db, workspaceId).webhooks.insert({
      id: endpointId,
      url: receiverUrl,
      eventTypes: ["message.taken"],
      secret: createToolSecretsCipher(ENCRYPTION_KEY).sealSecret({ id: endpointId, workspaceId }, `whsec_${randomBytes(24).toString("base64")}`),
    });
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
    await db?.close();
    await new Promise((r) => receiver?.close(r));
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });

  it("loses no job and sends no email twice across kill -9", async () => {
    const env = {
      DATABASE_URL: dbUrl,
      ENCRYPTION_KEY: ENCRYPTION_KEY.toString("hex"),
      JWT_SECRET: "worker-crash-test-secret-0123456789abcdef",
      ALLOW_PRIVATE_NETWORK_TOOLS: "true",
      SMTP_URL: smtpUrl,
      EMAIL_FROM: "OrbisVoice <no-reply@crash.example.com>",
      NODE_ENV: "development",
      // The shortest lease: jobs held by the killed worker run again after 15 s plus a maintenance pass.
      JOB_LEASE_SEC: "15",
    };
    workers.push(await startWorkerProcess(env));

    const eventIds: string[] = [];
    for (let i = 0; i < EVENTS; i++) {
      eventIds.push(
        await tenantScope(db, workspaceId).transaction((t) =>
          t.events.record("message.taken", {
            messageId: createId("message"),
            agentId: null,
            callId: null,
            callerName: `Caller ${i}`,
            callbackNumber: "+15550100200",
            text: `Message ${i}`,
            urgency: "normal",
          }),
        ),
      );
    }

    // Kill the first worker while it is part-way through.
    await until(() => webhooks.length >= 5 && accepted.length >= 3, 60_000, "the first deliveries");
    workers[0]!.child.kill("SIGKILL");
    await new Promise((r) => workers[0]!.child.once("exit", r));
    const atKill = { webhooks: new Set(webhooks).size, emails: accepted.length };

    workers.push(await startWorkerProcess(env));
    // Jobs held by the dead worker come back after their lease (15 s) plus a maintenance pass.
    await until(() => eventIds.every((id) => webhooks.includes(id)) && new Set(accepted).size >= EVENTS, 150_000, "every delivery after the restart");
    await sleep(2000);

    const lost = eventIds.filter((id) => !webhooks.includes(id));
    const duplicateWebhooks = webhooks.length - new Set(webhooks).size;
    const duplicateEmails = accepted.length - new Set(accepted).size;
    console.log(
      `worker kill -9: ${EVENTS} events; at the kill ${atKill.webhooks} webhooks and ${atKill.emails} emails done; ` +
        `after restart: webhooks lost ${lost.length}, duplicate webhook deliveries ${duplicateWebhooks} (same webhook-id, receivers dedupe), ` +
        `emails accepted ${accepted.length}, duplicates ${duplicateEmails}`,
    );
    expect(lost).toEqual([]);
    expect(new Set(accepted).size).toBe(EVENTS);
    expect(duplicateEmails).toBe(0);
    // At most the deliveries that were in flight at the kill can arrive twice.
    expect(duplicateWebhooks).toBeLessThanOrEqual(4);
  }, 300_000);
});
