import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callSlotKeys, createCache, type Cache } from "@orbis/cache";
import { getBusinessTemplate } from "@orbis/brain";
import { testTargets } from "@orbis/config";
import { createDatabase } from "@orbis/db";
import { postTwilioForm, type TwilioAccount } from "../telephony/twilio-emulator.ts";
import { createScratchDatabase, freePorts, isRunning, logDirectory, startOrbisProcess, until, type OrbisProcess, type ProcessRole } from "./process-cluster.ts";
import { openTwilioMediaStream } from "./twilio-media-stream.ts";
import { TypedCall } from "./typed-call.ts";

/**
 * Many processes, one system (issue 23, part 1): 2 api + 2 gateway + 1 worker processes
 * (`orbis start --role …`) on one fresh PostgreSQL database and one Redis, as a deployment runs them
 * behind a proxy that sends /v1/stream and /v1/telephony/* to gateways and the rest to api processes.
 * Nothing is shared in memory: what one process changes, the others see through the database and Redis.
 * Needs TEST_DATABASE_URL and TEST_REDIS_URL (CI sets both); skipped otherwise.
 */
const { databaseUrl, redisUrl } = testTargets();
const WIDGET_ORIGIN = "http://widget.localhost:8080";
const PUBLIC_BASE = "https://voice.example.test";
const PER_WORKSPACE = 3;
const PER_KEY = 2;
const RATE_PER_MINUTE = 8;
const JWT_SECRET = `many-processes-${randomBytes(16).toString("hex")}`;
const ENCRYPTION_KEY = randomBytes(32).toString("hex");
/**
 * The client address this run's requests come from, through the proxy (X-Forwarded-For, TRUST_PROXY on
 * the api processes). Per-IP budgets live in the shared Redis for a minute: without an address of its
 * own, this run would share 127.0.0.1's with the run before and with other test files on the same Redis.
 */
const CLIENT_IP = `10.${[0, 0, 0].map(() => randomBytes(1)[0]! % 250).join(".")}`;

interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A JSON request to one process, as the proxy would forward it. */
async function request(p: OrbisProcess, method: string, path: string, o: { auth?: string; body?: unknown } = {}): Promise<Reply> {
  const res = await fetch(`${p.baseUrl}${path}`, {
    method,
    headers: {
      "x-forwarded-for": CLIENT_IP,
      ...(o.auth ? { authorization: `Bearer ${o.auth}` } : {}),
      ...(o.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // TwiML, an empty 204: kept as text.
  }
  return { status: res.status, headers: res.headers, body };
}

function expectStatus(reply: Reply, status: number): Reply {
  if (reply.status !== status) throw new Error(`expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply;
}

const dental = getBusinessTemplate("dental");
const ORIGINAL_GREETING = "Thanks for calling Bright Smile Dental. This is the virtual receptionist. How can I help you today?";

/** A workspace (signed up through `api`) with a published dental receptionist. */
async function signUpWithAgent(api: OrbisProcess, label: string) {
  const signup = expectStatus(
    await request(api, "POST", "/v1/auth/signup", {
      body: { email: `owner-${randomBytes(6).toString("hex")}@example.com`, password: "password123", name: "Owner", workspaceName: label },
    }),
    201,
  );
  const token = signup.body.token as string;
  const agent = expectStatus(
    await request(api, "POST", "/v1/agents", { auth: token, body: { name: "Receptionist", greeting: ORIGINAL_GREETING, business: dental.business } }),
    201,
  );
  expectStatus(await request(api, "POST", `/v1/agents/${agent.body.id}/publish`, { auth: token, body: {} }), 200);
  return { token, workspaceId: signup.body.workspace.id as string, agentId: agent.body.id as string };
}

async function createKey(api: OrbisProcess, token: string, kind: "publishable" | "secret"): Promise<string> {
  const body = kind === "publishable" ? { name: "widget", kind, allowedOrigins: [WIDGET_ORIGIN] } : { name: "server", kind };
  return expectStatus(await request(api, "POST", "/v1/api-keys", { auth: token, body }), 201).body.key as string;
}

describe.skipIf(!databaseUrl || !redisUrl)("2 api + 2 gateway + 1 worker processes on PostgreSQL and Redis", () => {
  const startedAt = performance.now();
  let startSec = 0;
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let sql: pg.Pool;
  let cache: Cache;
  let logs = "";
  const processes: OrbisProcess[] = [];
  let api1: OrbisProcess, api2: OrbisProcess, gw1: OrbisProcess, gw2: OrbisProcess;
  /** Workspace A: the web calls. Two widget keys, so the per-key and per-workspace limits can be told apart. */
  let a: { token: string; workspaceId: string; agentId: string; key1: string; key2: string; secret: string };
  /** Workspace B: a Twilio number. */
  let b: { token: string; workspaceId: string; agentId: string; number: string; account: TwilioAccount };

  const streamUrl = (gw: OrbisProcess, key = a.key1) => `${gw.wsBase}/v1/stream?agentId=${a.agentId}&apiKey=${key}`;
  const dial = (gw: OrbisProcess, key = a.key1) => new TypedCall(streamUrl(gw, key), WIDGET_ORIGIN);
  const liveSlots = () => cache.countLeases(callSlotKeys.workspace(a.workspaceId));
  const gatewayOf = async (callId: string) =>
    (await sql.query<{ gateway_id: string }>("select gateway_id from calls where id = $1", [callId])).rows[0]?.gateway_id;

  beforeAll(async () => {
    database = await createScratchDatabase(databaseUrl!, "orbis_cluster");
    // One migration before the five start (each `orbis start` migrates too, then finds nothing to do).
    const migrator = createDatabase({ databaseUrl: database.url, poolSize: 1 });
    await migrator.migrate();
    await migrator.close();
    sql = new pg.Pool({ connectionString: database.url, max: 2 });
    cache = createCache({ redisUrl });
    logs = logDirectory("orbis-cluster");

    const common = {
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl!,
      JWT_SECRET,
      ENCRYPTION_KEY,
      PUBLIC_BASE_URL: PUBLIC_BASE,
    };
    const byRole: Record<ProcessRole, Record<string, string>> = {
      api: { RATE_LIMIT_PER_MINUTE: String(RATE_PER_MINUTE), TRUST_PROXY: "true" },
      gateway: { MAX_CALLS_PER_WORKSPACE: String(PER_WORKSPACE), MAX_CALLS_PER_KEY: String(PER_KEY), CALL_LEASE_SEC: "15" },
      worker: {},
    };
    const plan: [string, ProcessRole][] = [
      ["api-1", "api"],
      ["api-2", "api"],
      ["gateway-1", "gateway"],
      ["gateway-2", "gateway"],
      ["worker", "worker"],
    ];
    const ports = await freePorts(plan.length);
    // All five at once: each spends its start compiling TypeScript and connecting, which overlaps.
    const t0 = performance.now();
    const started = await Promise.allSettled(
      plan.map(([name, role], i) =>
        startOrbisProcess({
          name,
          role,
          port: ports[i]!,
          logDir: logs,
          // Each process its own data directory (speech models cache, recordings), as on separate hosts.
          env: { ...common, ...byRole[role], DATA_DIR: mkdtempSync(join(tmpdir(), `orbis-${name}-`)) },
        }),
      ),
    );
    for (const s of started) if (s.status === "fulfilled") processes.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    startSec = (performance.now() - t0) / 1000;
    [api1, api2, gw1, gw2] = processes as [OrbisProcess, OrbisProcess, OrbisProcess, OrbisProcess];

    const first = await signUpWithAgent(api1, "Cluster Dental");
    a = {
      ...first,
      key1: await createKey(api1, first.token, "publishable"),
      key2: await createKey(api1, first.token, "publishable"),
      secret: await createKey(api1, first.token, "secret"),
    };
    const second = await signUpWithAgent(api1, "Cluster Phones");
    const account = { accountSid: `AC${randomBytes(16).toString("hex")}`, authToken: `tok-${randomBytes(12).toString("hex")}` };
    const number = `+1415555${String(1000 + Math.floor(Math.random() * 9000))}`;
    expectStatus(await request(api1, "PUT", "/v1/credentials/twilio", { auth: second.token, body: account }), 200);
    expectStatus(await request(api1, "POST", "/v1/phone-numbers", { auth: second.token, body: { number, provider: "twilio", agentId: second.agentId } }), 201);
    b = { ...second, number, account };
  }, 240_000);

  afterAll(async () => {
    for (const p of processes) if (isRunning(p)) p.child.kill("SIGKILL");
    await Promise.all(processes.map((p) => p.exited));
    await sql?.end();
    await cache?.close();
    await database?.drop();
    const totalSec = (performance.now() - startedAt) / 1000;
    const each = processes.map((p) => `${p.name} ${(p.readyMs / 1000).toFixed(1)} s`).join(", ");
    console.log(
      `many-processes: ${totalSec.toFixed(1)} s in all; the five processes ready in ${startSec.toFixed(1)} s, started in parallel (${each}); logs in ${logs}`,
    );
  }, 60_000);

  it("a config change published through api #2 is what the next call on gateway #1 runs", { timeout: 90_000 }, async () => {
    // Gateway #1 has run this agent before the change (whatever it keeps per agent is warm).
    const before = dial(gw1);
    expect(await before.ready).toBeDefined();
    await before.agentSays(/Bright Smile Dental/);
    expect((await before.hangUp()).code).toBe(1000);

    const greeting = "Thanks for calling Lakeside Smiles. How can I help you today?";
    const business = { ...dental.business, name: "Lakeside Smiles", address: { ...dental.business.address, line1: "9 Harbor Road" } };
    expectStatus(await request(api2, "PATCH", `/v1/agents/${a.agentId}`, { auth: a.token, body: { greeting, business } }), 200);
    expectStatus(await request(api2, "POST", `/v1/agents/${a.agentId}/publish`, { auth: a.token, body: {} }), 200);

    // Text arrives ahead of its audio: these need not wait for the agent's speech to play out.
    const after = dial(gw1);
    expect(await after.ready).toBeDefined();
    expect(await after.agentSays(/How can I help you today\?$/)).toBe(greeting);
    expect(await after.askFor("Where are you located?", /Harbor Road|Main Street/)).toMatch(/9 Harbor Road/);
    expect((await after.hangUp()).code).toBe(1000);
    await until(async () => (await liveSlots()) === 0, 5000, "the calls' slots to be released");
  });

  it("the per-key and per-workspace concurrent-call limits hold across both gateways", { timeout: 60_000 }, async () => {
    // Key 1: one call on each gateway fills the key's limit; a third, on either, is refused.
    const held = [dial(gw1), dial(gw2)];
    expect(await Promise.all(held.map((c) => c.ready))).not.toContain(undefined);
    const overKey = dial(gw2);
    expect((await overKey.closed).code).toBe(4001);
    expect(overKey.error).toMatch(/too many concurrent calls for this key/);
    expect(await overKey.ready).toBeUndefined();

    // Key 2 of the same workspace: one more call fills the workspace; the next is refused for the workspace.
    held.push(dial(gw2, a.key2));
    expect(await held[2]!.ready).toBeDefined();
    const overWorkspace = dial(gw1, a.key2);
    expect((await overWorkspace.closed).code).toBe(4001);
    expect(overWorkspace.error).toMatch(/too many concurrent calls for this workspace/);
    expect(await liveSlots()).toBe(PER_WORKSPACE);

    expect((await Promise.all(held.map((c) => c.hangUp()))).map((c) => c.code)).toEqual([1000, 1000, 1000]);
    await until(async () => (await liveSlots()) === 0, 5000, "the calls' slots to be released");
    // Freed everywhere: gateway #1 admits a call again.
    const again = dial(gw1, a.key2);
    expect(await again.ready).toBeDefined();
    await again.hangUp();
    await until(async () => (await liveSlots()) === 0, 5000, "the call's slot to be released");
  });

  it("the live-calls view (GET /v1/calls?status=in_progress) on either api lists the calls of both gateways", { timeout: 60_000 }, async () => {
    const calls = [dial(gw1), dial(gw2)];
    const ids = (await Promise.all(calls.map((c) => c.ready))) as string[];
    expect(ids).not.toContain(undefined);
    // Each call is held by the process it was placed on.
    const gateways = await Promise.all(ids.map(gatewayOf));
    expect(gateways[0]).toBeTruthy();
    expect(gateways[1]).toBeTruthy();
    expect(gateways[0]).not.toBe(gateways[1]);

    for (const api of [api1, api2]) {
      const live = expectStatus(await request(api, "GET", "/v1/calls?status=in_progress", { auth: a.token }), 200).body as {
        data: { id: string; status: string }[];
      };
      expect(live.data.map((c) => c.id).sort()).toEqual([...ids].sort());
      expect(live.data.every((c) => c.status === "in_progress")).toBe(true);
    }

    await Promise.all(calls.map((c) => c.hangUp()));
    // Ended on their gateways: gone from the live view of both apis.
    for (const api of [api1, api2]) {
      await until(
        async () => (await request(api, "GET", "/v1/calls?status=in_progress", { auth: a.token })).body.data.length === 0,
        5000,
        `${api.name}'s live view to empty`,
      );
    }
    await until(async () => (await liveSlots()) === 0, 5000, "the calls' slots to be released");
  });

  it("the API rate limit is one budget across both api processes", { timeout: 30_000 }, async () => {
    const replies: Reply[] = [];
    // Alternating between the two processes, as a round-robin proxy would.
    for (let i = 0; i < RATE_PER_MINUTE + 2; i++) replies.push(await request(i % 2 === 0 ? api1 : api2, "GET", "/v1/agents", { auth: a.secret }));
    expect(replies.map((r) => r.status)).toEqual([...Array<number>(RATE_PER_MINUTE).fill(200), 429, 429]);
    // One counter: each answer counts the requests the other process served too.
    expect(replies.slice(0, RATE_PER_MINUTE).map((r) => Number(r.headers.get("x-ratelimit-remaining")))).toEqual(
      Array.from({ length: RATE_PER_MINUTE }, (_, i) => RATE_PER_MINUTE - 1 - i),
    );
    expect(replies.at(-1)!.body.error.code).toBe("rate_limited");
    expect(replies.at(-2)!.body.error.code).toBe("rate_limited");
  });

  it("a Twilio webhook is answered by either gateway; the media stream and status callbacks may land on the other", { timeout: 60_000 }, async () => {
    const form = (callSid: string, status = "ringing", extra: Record<string, string> = {}) => ({
      AccountSid: b.account.accountSid,
      ApiVersion: "2010-04-01",
      CallSid: callSid,
      CallStatus: status,
      Direction: "inbound",
      From: "+12125550100",
      To: b.number,
      ...extra,
    });
    const post = (p: OrbisProcess, path: string, params: Record<string, string>) =>
      postTwilioForm(b.account, { localBase: p.baseUrl, publicBase: PUBLIC_BASE, path: `/v1/telephony/twilio/${path}`, params });
    const callOf = async (sid: string) =>
      (
        await sql.query<{ id: string; status: string; gateway_id: string | null }>("select id, status, gateway_id from calls where provider_call_id = $1", [
          sid,
        ])
      ).rows[0];
    const sid1 = `CA${randomBytes(16).toString("hex")}`;
    const sid2 = `CA${randomBytes(16).toString("hex")}`;

    // The carrier routes are the gateway role's: an api process does not serve them.
    expect((await request(api1, "POST", "/v1/telephony/twilio/voice", { body: {} })).status).toBe(404);

    // Two calls to the same number, the webhook of each on another gateway: both answered with a stream.
    const voice1 = await post(gw1, "voice", form(sid1));
    const voice2 = await post(gw2, "voice", form(sid2));
    for (const v of [voice1, voice2]) {
      expect(v.status).toBe(200);
      expect(v.body).toMatch(/<Connect><Stream url="wss:\/\/voice\.example\.test\/v1\/telephony\/twilio\/media"><Parameter name="token" value="[^"]+"\/>/);
    }
    expect((await callOf(sid1))?.status).toBe("ringing");
    expect((await callOf(sid2))?.status).toBe("ringing");

    // Call 1's webhook was answered by gateway #1; its media stream reaches gateway #2, which takes the call.
    const stream = await openTwilioMediaStream(b.account, { twiml: voice1.body, localWsBase: gw2.wsBase, callSid: sid1 });
    expect(await stream.firstAudio).toBe(true);
    const call1 = (await callOf(sid1))!;
    expect(call1.status).toBe("in_progress");
    expect(call1.gateway_id).toBe(await gatewayOfProcess(gw2));
    await stream.stop();

    // Status callbacks land on whichever gateway: both calls end.
    expect((await post(gw1, "status", form(sid1, "completed", { CallDuration: "3", SequenceNumber: "2" }))).status).toBe(204);
    expect((await post(gw1, "status", form(sid2, "no-answer", { SequenceNumber: "1" }))).status).toBe(204);
    await until(async () => (await callOf(sid1))?.status === "completed", 5000, "call 1 to be completed");
    expect((await callOf(sid2))?.status).toBe("no_answer");
  });

  /** The gateway id a process stamps on its calls: read from a call it holds. */
  const gatewayIds = new Map<OrbisProcess, string>();
  async function gatewayOfProcess(gw: OrbisProcess): Promise<string> {
    const known = gatewayIds.get(gw);
    if (known) return known;
    const probe = dial(gw);
    const id = await probe.ready;
    await probe.hangUp();
    const gatewayId = (await gatewayOf(id!))!;
    gatewayIds.set(gw, gatewayId);
    await until(async () => (await liveSlots()) === 0, 5000, "the probe call's slot to be released");
    return gatewayId;
  }

  it("rolling restart: SIGTERM on gateway #1 ends its live call with end/1012 and loses no turn; new calls go to gateway #2", { timeout: 90_000 }, async () => {
    const gw2Id = await gatewayOfProcess(gw2);
    const live = dial(gw1);
    const callId = (await live.ready)!;
    expect(callId).toBeDefined();
    await live.greeting();
    // The first turn is complete (its answer played out) before the signal.
    const firstAnswer = await live.ask("Where are you located?");
    expect(firstAnswer).toMatch(/Harbor Road/);
    // The second line is taken (echoed) and the agent has started answering it when the signal comes.
    const from = live.agentLines().length;
    await live.say("What are your hours?");
    await until(() => live.agentLines().length > from, 10_000, "the agent to start answering");

    const signalledAt = performance.now();
    gw1.child.kill("SIGTERM");
    const closed = await live.closed;
    const toldSec = (performance.now() - signalledAt) / 1000;
    // Told to reconnect elsewhere: `end {reason: server_shutdown}` then close 1012 (service restart).
    expect(live.messages.at(-1)).toEqual({ type: "end", reason: "server_shutdown" });
    expect(closed.code).toBe(1012);

    // While it drains, gateway #1 is not ready (503) and admits no call; gateway #2 takes the new ones.
    await until(async () => !(await gw1.isReady()), 5000, "gateway #1 to stop answering ready");
    expect(await gw2.isReady()).toBe(true);
    const refused = dial(gw1);
    expect(await refused.ready).toBeUndefined();
    const next = dial(gw2);
    const nextId = (await next.ready)!;
    expect(nextId).toBeDefined();
    expect(await gatewayOf(nextId)).toBe(gw2Id);
    await next.agentSays(/Lakeside Smiles/);

    expect(await gw1.exited).toBe(0);
    console.log(`many-processes: SIGTERM → live call told (end, 1012) in ${toldSec.toFixed(2)} s; gateway #1 exited 0`);

    // The call row is closed, with every turn said before the signal (read through the other api).
    const detail = expectStatus(await request(api2, "GET", `/v1/calls/${callId}`, { auth: a.token }), 200).body as {
      status: string;
      endReason: string;
      endedAt: string | null;
      turns: { seq: number; userText: string | null; agentText: string | null }[];
    };
    expect(detail).toMatchObject({ status: "completed", endReason: "server_shutdown" });
    expect(detail.endedAt).not.toBeNull();
    expect(detail.turns.map((t) => t.userText).filter((t) => t !== null)).toEqual(["Where are you located?", "What are your hours?"]);
    expect(detail.turns.find((t) => t.userText === "Where are you located?")?.agentText).toBe(firstAnswer);
    // The open turn, cut by the shutdown, is stored with what the agent had said of it.
    expect(detail.turns.at(-1)?.agentText).toBeTruthy();

    // Gateway #1 gave its slot back on the way out: only the call on gateway #2 counts.
    expect(await liveSlots()).toBe(1);
    expect((await next.hangUp()).code).toBe(1000);
    await until(async () => (await liveSlots()) === 0, 5000, "the last call's slot to be released");
  });

  it("the one worker relays the events of calls from both gateways", { timeout: 60_000 }, async () => {
    const ended = async () =>
      (
        await sql.query<{ gateway_id: string; relayed: boolean }>(
          `select c.gateway_id, e.relayed_at is not null as relayed
             from domain_events e join calls c on c.id = e.payload->>'callId'
            where e.type = 'call.ended' and e.workspace_id = $1`,
          [a.workspaceId],
        )
      ).rows;
    await until(async () => (await ended()).every((r) => r.relayed), 30_000, "every call.ended event to be relayed");
    const rows = await ended();
    expect(new Set(rows.map((r) => r.gateway_id)).size).toBe(2);
  });
});
