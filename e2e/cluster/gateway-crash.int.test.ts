import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createTokenService } from "@orbis/auth";
import { callSlotKeys, createCache, type Cache } from "@orbis/cache";
import { buildPlatform } from "@orbis/cli";
import { testConfig, testTargets } from "@orbis/config";
import { createDatabase, systemRepository, tenantScope, type Database, type PhoneNumberRow } from "@orbis/db";
import { createTelephonyService } from "@orbis/telephony";
import { createTenant, WIDGET_ORIGIN, type Tenant } from "../calls/harness.ts";

/**
 * Two gateway processes (`orbis start --role gateway`) on one PostgreSQL database and one Redis, as in
 * production behind a proxy: the concurrent-call limit spans them, a gateway killed with SIGKILL stops
 * holding call slots within one lease period (CALL_LEASE_SEC, short here), and SIGTERM ends live calls
 * as server_shutdown. Needs TEST_DATABASE_URL and TEST_REDIS_URL (CI sets both).
 */
const { databaseUrl, redisUrl } = testTargets();
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const LEASE_SEC = 3;
const LIMIT = 3;

interface Gateway {
  child: ChildProcess;
  wsUrl: string;
  output: string[];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startGatewayProcess(env: Record<string, string>): Promise<Gateway> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "apps/cli/src/main.ts", "start", "--role", "gateway"], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout!.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr!.on("data", (d: Buffer) => output.push(d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}:\n${output.join("")}`);
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`gateway not ready after 90 s:\n${output.join("")}`);
    await sleep(250);
  }
  return { child, wsUrl: `ws://127.0.0.1:${port}/v1/stream`, output };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Closed {
  code: number;
  messages: { type: string; [k: string]: unknown }[];
}

/** A call: resolves `ready` with its call id once the agent answered, `closed` with how it ended. */
function call(url: string) {
  const messages: Closed["messages"] = [];
  const ws = new WebSocket(url, { origin: WIDGET_ORIGIN });
  const closed = new Promise<Closed>((resolve) => ws.on("close", (code) => resolve({ code, messages })));
  const ready = new Promise<string | undefined>((resolve) => {
    ws.on("message", (d, bin) => {
      if (bin) return;
      const m = JSON.parse(d.toString());
      messages.push(m);
      if (m.type === "ready") resolve(m.callId);
    });
    void closed.then(() => resolve(undefined));
  });
  ws.on("open", () => ws.send(JSON.stringify({ type: "start" })));
  ws.on("error", () => {});
  return { ws, ready, closed, hangUp: () => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: "end" })) };
}

describe.skipIf(!databaseUrl || !redisUrl)("two gateway processes on PostgreSQL and Redis", () => {
  const dbName = `orbis_test_${randomBytes(6).toString("hex")}`;
  let db: Database;
  let cache: Cache;
  let api: Awaited<ReturnType<typeof buildPlatform>>;
  let tenant: Tenant;
  let a: Gateway;
  let b: Gateway;
  const url = (g: Gateway) => `${g.wsUrl}?agentId=${tenant.agentId}&apiKey=${tenant.publishableKey}`;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const dbUrl = new URL(databaseUrl!);
    dbUrl.pathname = `/${dbName}`;
    db = createDatabase({ databaseUrl: dbUrl.toString(), poolSize: 3 });
    await db.migrate();
    cache = createCache({ redisUrl });
    const config = testConfig({ databaseUrl: dbUrl.toString(), redisUrl });
    // The control plane in this process, only to create the tenant (a gateway process serves no REST).
    api = await buildPlatform({ config, db, cache, tokens: createTokenService(config.jwtSecret!), metrics: new Registry() });
    tenant = await createTenant({ app: api });
    const env = {
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: redisUrl!,
      JWT_SECRET: config.jwtSecret!,
      ENCRYPTION_KEY: config.encryptionKey!.toString("hex"),
      MAX_CALLS_PER_WORKSPACE: String(LIMIT),
      CALL_LEASE_SEC: String(LEASE_SEC),
    };
    [a, b] = await Promise.all([
      startGatewayProcess({ ...env, DATA_DIR: mkdtempSync(join(tmpdir(), "orbis-gw-a-")) }),
      startGatewayProcess({ ...env, DATA_DIR: mkdtempSync(join(tmpdir(), "orbis-gw-b-")) }),
    ]);
  }, 180_000);

  afterAll(async () => {
    for (const g of [a, b]) if (g && g.child.exitCode === null && g.child.signalCode === null) g.child.kill("SIGKILL");
    await api?.close();
    await cache?.close();
    await db?.close();
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });

  it("after kill -9 of a gateway holding calls, the slots are free again within one lease period", { timeout: 120_000 }, async () => {
    const telephony = createTelephonyService({ db, cache, maxCallsPerWorkspace: LIMIT });
    const number = { id: "pn_test", agentId: tenant.agentId } as PhoneNumberRow;
    const scope = tenantScope(db, tenant.workspaceId);
    const inbound = (id: string) =>
      telephony.startInbound({ number, tenant: scope }, { provider: "telnyx", providerCallId: id, from: "+14155550100", to: "+14155550199" });

    // A holds every slot of the workspace; B, another process, refuses the next call.
    const held = [call(url(a)), call(url(a)), call(url(a))];
    const heldIds = await Promise.all(held.map((c) => c.ready));
    expect(heldIds).not.toContain(undefined);
    const refused = call(url(b));
    expect((await refused.closed).code).toBe(4001);
    // So does the carrier webhook's admission check: the same count.
    expect((await inbound(`v3:${randomBytes(4).toString("hex")}`)).kind).toBe("over_limit");

    // Long enough for A's heartbeat (a third of the lease) to beat for the calls at least once.
    await sleep(LEASE_SEC * 500);
    a.child.kill("SIGKILL");
    const killedAt = performance.now();
    await new Promise((resolve) => a.child.once("exit", resolve));
    while ((await cache.countLeases(callSlotKeys.workspace(tenant.workspaceId))) > 0) {
      expect(performance.now() - killedAt).toBeLessThan(60_000);
      await sleep(100);
    }
    const freeSec = (performance.now() - killedAt) / 1000;
    console.log(`gateway-crash: seconds until the slots are free again after kill -9: ${freeSec.toFixed(2)} (CALL_LEASE_SEC=${LEASE_SEC})`);
    expect(freeSec).toBeLessThanOrEqual(60);
    expect(freeSec).toBeLessThanOrEqual(LEASE_SEC + 1);

    // B now admits the whole limit again, and no more.
    const again = [call(url(b)), call(url(b)), call(url(b))];
    expect(await Promise.all(again.map((c) => c.ready))).not.toContain(undefined);
    expect((await call(url(b)).closed).code).toBe(4001);
    for (const c of again) c.hangUp();
    expect((await Promise.all(again.map((c) => c.closed))).map((c) => c.code)).toEqual([1000, 1000, 1000]);
    // Released as each call's close handling finishes (just after the client saw the close).
    await expect.poll(() => cache.countLeases(callSlotKeys.workspace(tenant.workspaceId)), { timeout: 2000 }).toBe(0);
    expect((await inbound(`v3:${randomBytes(4).toString("hex")}`)).kind).toBe("answer");

    // The reaper (run now rather than after its 2 minutes) ends A's calls at their last sign of life:
    // the later of the last heartbeat and the last turn's end, after their start.
    await systemRepository(db.system).closeAbandonedCalls(new Date());
    for (const id of heldIds) {
      const row = (await scope.calls.get(id!))!;
      const lastTurn = Math.max(0, ...(await scope.calls.turns(id!)).map((t) => t.endedAt.getTime()));
      expect(row).toMatchObject({ status: "failed", endReason: "gateway_lost" });
      expect(row.endedAt!.getTime()).toBe(Math.max(row.heartbeatAt!.getTime(), lastTurn));
      expect(row.endedAt!.getTime()).toBeGreaterThan(row.startedAt.getTime());
      expect(row.durationSec).toBe(Math.round((row.endedAt!.getTime() - row.startedAt.getTime()) / 1000));
    }
  });

  it("SIGTERM ends a live call with end {reason: server_shutdown}, close 1012, stored as server_shutdown", { timeout: 60_000 }, async () => {
    const live = call(url(b));
    const callId = await live.ready;
    expect(callId).toBeDefined();
    b.child.kill("SIGTERM");
    const closed = await live.closed;
    expect(closed.messages.at(-1)).toEqual({ type: "end", reason: "server_shutdown" });
    expect(closed.code).toBe(1012);
    const exitCode = await new Promise((resolve) => (b.child.exitCode !== null ? resolve(b.child.exitCode) : b.child.once("exit", resolve)));
    expect(exitCode).toBe(0);
    expect(await tenantScope(db, tenant.workspaceId).calls.get(callId!)).toMatchObject({ status: "completed", endReason: "server_shutdown" });
    // Released on the way out, not left to lapse.
    expect(await cache.countLeases(callSlotKeys.workspace(tenant.workspaceId))).toBe(0);
  });
});
