import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTool, verifyToolSignature } from "@orbis/brain";
import { createAgentSetupFactory } from "@orbis/agent-runtime";
import { testConfig } from "@orbis/config";
import { agentConfigSchema, createId } from "@orbis/contracts";
import { tenantScope } from "@orbis/db";
import { createAgentWithBusiness } from "./bookings.fixtures.ts";
import { addMember, bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

/**
 * A tool's signing secret and header values are encrypted in its row (`enc:v1:…`), shown to no role,
 * and decrypted only where the tool runs: invoke in the API and the brain of a call (agent-runtime).
 */
let t: TestApp;
let owner: Account;
let admin: Account;
let staff: Account;
let viewer: Account;
let agentId: string;
let server: Server;
let url: string;
const received: { headers: IncomingHttpHeaders; body: string; verified: boolean }[] = [];
let secret = "";

const API_KEY = "tenant-api-key-0123456789";
const BEARER = "Bearer sk_live_abcdefghijklmnop";

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const verified = verifyToolSignature({ secret, header: req.headers["x-orbis-signature"] as string | undefined, body });
      received.push({ headers: req.headers, body, verified });
      res.writeHead(verified ? 200 : 401, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: verified }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  t = await buildTestApp({ allowPrivateNetworkTools: true });
  owner = await signup(t.app, "toolsecrets");
  admin = await addMember(t.app, owner, "admin");
  staff = await addMember(t.app, owner, "staff");
  viewer = await addMember(t.app, owner, "viewer");
  agentId = await createAgentWithBusiness(t.app, owner);
});
afterAll(async () => {
  await t.close();
  await new Promise((r) => server.close(r));
});

const toolBody = (name: string) => ({
  name,
  description: "Looks something up",
  args: { type: "object", properties: { q: { type: "string" } } },
  url,
  headers: { "X-Api-Key": API_KEY, Authorization: BEARER },
  timeoutMs: 2000,
  maxRetries: 0,
});
const rowOf = (toolId: string) => tenantScope(t.db, owner.workspaceId).agentTools.get(agentId, toolId);
const invoke = (toolId: string) =>
  t.app.inject({ method: "POST", url: `/v1/agents/${agentId}/tools/${toolId}/invoke`, headers: bearer(staff.token), payload: { args: { q: "x" } } });

describe("HTTP tool secrets", () => {
  let toolId = "";

  it("the row holds ciphertext only; every role sees header names with hints, never values", async () => {
    const created = await t.app.inject({ method: "POST", url: `/v1/agents/${agentId}/tools`, headers: bearer(owner.token), payload: toolBody("lookup") });
    expect(created.statusCode, created.body).toBe(201);
    ({ id: toolId, secret } = created.json());
    expect(created.json().headerHints).toEqual({ "X-Api-Key": "…6789", Authorization: "…mnop" });
    expect(created.body).not.toContain(API_KEY);

    const row = (await rowOf(toolId))!;
    expect(row.secret).toMatch(/^enc:v1:/);
    expect(Object.values(row.headers as Record<string, string>)).toEqual([expect.stringMatching(/^enc:v1:/), expect.stringMatching(/^enc:v1:/)]);
    const stored = JSON.stringify(row);
    for (const plain of [secret, API_KEY, "sk_live_abcdefghijklmnop"]) expect(stored).not.toContain(plain);

    for (const who of [owner, admin, staff, viewer]) {
      const one = await t.app.inject({ url: `/v1/agents/${agentId}/tools/${toolId}`, headers: bearer(who.token) });
      expect(one.json()).toMatchObject({
        headerHints: { "X-Api-Key": "…6789", Authorization: "…mnop" },
        secretHint: `${secret.slice(0, 9)}…${secret.slice(-4)}`,
      });
      expect(one.json().headers).toBeUndefined();
      const list = await t.app.inject({ url: `/v1/agents/${agentId}/tools`, headers: bearer(who.token) });
      for (const body of [one.body, list.body]) for (const plain of [secret, API_KEY, "sk_live", "enc:v1:"]) expect(body).not.toContain(plain);
    }
  });

  it("invoke decrypts: the request is signed with the secret and carries the headers", async () => {
    const res = await invoke(toolId);
    expect(res.json(), res.body).toMatchObject({ ok: true, result: { ok: true } });
    const last = received.at(-1)!;
    expect(last.verified).toBe(true);
    expect(last.headers["x-api-key"]).toBe(API_KEY);
    expect(last.headers.authorization).toBe(BEARER);
  });

  it("a call's brain (agent-runtime) decrypts the same tool", async () => {
    const setups = createAgentSetupFactory(t.db, { http: { allowPrivateNetwork: true }, encryptionKey: testConfig().encryptionKey });
    const setup = await setups(owner.workspaceId, agentId, agentConfigSchema.parse(validAgent));
    const tool = setup.extraTools!.find((x) => x.name === "lookup")!;
    const ctx = {
      workspaceId: owner.workspaceId,
      agentId,
      callId: null,
      business: setup.business,
      calendar: setup.calendar,
      messages: setup.messages,
      clock: setup.clock!,
    };
    expect(await runTool(tool, { q: "y" }, ctx)).toMatchObject({ ok: true });
    expect(received.at(-1)).toMatchObject({ verified: true, headers: { "x-api-key": API_KEY, authorization: BEARER } });

    const keyless = await createAgentSetupFactory(t.db, { http: { allowPrivateNetwork: true } })(
      owner.workspaceId,
      agentId,
      agentConfigSchema.parse(validAgent),
    );
    expect(keyless.extraTools!.some((x) => x.name === "lookup")).toBe(false);
  });

  it("PATCH merges headers: a value replaces, null removes, others keep their sealed value", async () => {
    const before = (await rowOf(toolId))!.headers as Record<string, string>;
    const res = await t.app.inject({
      method: "PATCH",
      url: `/v1/agents/${agentId}/tools/${toolId}`,
      headers: bearer(owner.token),
      payload: { headers: { "x-api-key": "replaced-key-value-9999", "X-Tenant": "tenant-42-abcdefgh", Authorization: null } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().headerHints).toEqual({ "x-api-key": "…9999", "X-Tenant": "…efgh" });
    const after = (await rowOf(toolId))!.headers as Record<string, string>;
    expect(after["x-api-key"]).toMatch(/^enc:v1:/);
    expect(JSON.stringify(after)).not.toContain("replaced-key-value");
    expect(before.Authorization).toBeDefined();

    await invoke(toolId);
    const last = received.at(-1)!;
    expect(last).toMatchObject({ verified: true, headers: { "x-api-key": "replaced-key-value-9999", "x-tenant": "tenant-42-abcdefgh" } });
    expect(last.headers.authorization).toBeUndefined();
  });

  it("rotate-secret: admin only, audited without the secret, shown once; the old secret stops verifying", async () => {
    const path = `/v1/agents/${agentId}/tools/${toolId}/rotate-secret`;
    expect((await t.app.inject({ method: "POST", url: path, headers: bearer(staff.token) })).statusCode).toBe(403);
    const old = secret;
    const rotated = await t.app.inject({ method: "POST", url: path, headers: bearer(admin.token) });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const body = rotated.json();
    expect(body.secret).toMatch(/^tsec_/);
    expect(body.secret).not.toBe(old);
    expect(body.secretHint).toBe(`${body.secret.slice(0, 9)}…${body.secret.slice(-4)}`);
    expect(JSON.stringify(await rowOf(toolId))).not.toContain(body.secret);

    await invoke(toolId);
    expect(received.at(-1)!.verified).toBe(false);
    secret = body.secret;
    await invoke(toolId);
    expect(received.at(-1)!.verified).toBe(true);

    const audit = await t.app.inject({ url: `/v1/audit-logs?targetType=tool&limit=50`, headers: bearer(owner.token) });
    const entry = audit.json().data.find((e: { action: string; targetId: string }) => e.action === "tool.secret_rotated" && e.targetId === toolId);
    expect(entry).toBeDefined();
    expect(audit.body).not.toContain(body.secret);
    expect(audit.body).not.toContain(old);
    const other = await signup(t.app, "toolsecrets-other");
    expect((await t.app.inject({ method: "POST", url: path, headers: bearer(other.token) })).statusCode).toBe(404);
  });

  it("a legacy plaintext row still runs, and is sealed on its next write", async () => {
    const tenant = tenantScope(t.db, owner.workspaceId);
    const legacyId = createId("tool");
    const legacySecret = "tsec_legacyplaintextsecret0123456789";
    const { headers: _unused, ...rest } = toolBody("legacy");
    await tenant.agentTools.insert({ id: legacyId, agentId, ...rest, method: "POST", enabled: true, headers: { "X-Api-Key": API_KEY }, secret: legacySecret });
    const shown = await t.app.inject({ url: `/v1/agents/${agentId}/tools/${legacyId}`, headers: bearer(viewer.token) });
    expect(shown.json()).toMatchObject({ headerHints: { "X-Api-Key": "…6789" }, secretHint: "tsec_lega…6789" });
    expect(shown.body).not.toContain(API_KEY);

    secret = legacySecret;
    await invoke(legacyId);
    expect(received.at(-1)).toMatchObject({ verified: true, headers: { "x-api-key": API_KEY } });

    const patched = await t.app.inject({
      method: "PATCH",
      url: `/v1/agents/${agentId}/tools/${legacyId}`,
      headers: bearer(owner.token),
      payload: { timeoutMs: 3000 },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const row = (await rowOf(legacyId))!;
    expect(row.secret).toMatch(/^enc:v1:/);
    expect(JSON.stringify(row)).not.toContain(API_KEY);
    expect(JSON.stringify(row)).not.toContain(legacySecret);
    await invoke(legacyId);
    expect(received.at(-1)).toMatchObject({ verified: true, headers: { "x-api-key": API_KEY } });
  });
  it("a value copied to another tool does not decrypt: invoke answers 409, not 500", async () => {
    const tenant = tenantScope(t.db, owner.workspaceId);
    const source = (await rowOf(toolId))!;
    const copyId = createId("tool");
    const { headers: _unused, ...rest } = toolBody("copied");
    await tenant.agentTools.insert({ id: copyId, agentId, ...rest, method: "POST", enabled: true, headers: {}, secret: source.secret });
    const res = await invoke(copyId);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.message).toMatch(/rotate its secret/);
  });
});
