import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentWithBusiness } from "./bookings.fixtures.ts";
import { bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

let strict: TestApp;
let open: TestApp;
let owner: Account;
let agentId = "";
let loopback: Server;
let port = 0;
let requestsReceived = 0;
/** Requests that reached the loopback server while a refused target was tried: must stay 0. */
let leaked = 0;

beforeAll(async () => {
  loopback = createServer((_req, res) => {
    requestsReceived++;
    res.writeHead(200, { "content-type": "application/json" }).end('{"secret":"internal"}');
  });
  await new Promise<void>((r) => loopback.listen(0, "127.0.0.1", r));
  port = (loopback.address() as AddressInfo).port;
  strict = await buildTestApp({ allowPrivateNetworkTools: false });
  // The same database behind an api whose operator opted in (ALLOW_PRIVATE_NETWORK_TOOLS=true).
  open = await buildTestApp({ allowPrivateNetworkTools: true }, { db: strict.db, cache: strict.cache });
  owner = await signup(strict.app, "ssrf");
  agentId = await createAgentWithBusiness(strict.app, owner);
});
afterAll(async () => {
  await open.close();
  await strict.close();
  await new Promise((r) => loopback.close(r));
});

let toolCount = 0;
const toolAt = (url: string) => ({ name: `probe_${toolCount++}`, description: "probe", args: { type: "object" }, url, timeoutMs: 2000, maxRetries: 2 });
const createTool = (t: TestApp, url: string) =>
  t.app.inject({ method: "POST", url: `/v1/agents/${agentId}/tools`, headers: bearer(owner.token), payload: toolAt(url) });
const invoke = (t: TestApp, toolId: string) =>
  t.app.inject({ method: "POST", url: `/v1/agents/${agentId}/tools/${toolId}/invoke`, headers: bearer(owner.token), payload: { args: {} } });

/** URLs refused when a tool is saved: IP literals in any spelling, and credentials. `PORT` is the loopback server's. */
const REFUSED_ON_SAVE = [
  "http://127.0.0.1:PORT/orders",
  "https://127.0.0.1:PORT/orders",
  "http://[::1]:PORT/orders",
  "http://0.0.0.0:PORT/orders",
  "http://2130706433:PORT/orders",
  "http://0x7f000001:PORT/orders",
  "http://0177.0.0.1:PORT/orders",
  "http://127.1:PORT/orders",
  "http://[::ffff:127.0.0.1]:PORT/orders",
  "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
  "http://[::ffff:169.254.169.254]/latest/meta-data/",
  "http://10.0.0.1/admin",
  "http://172.16.0.1/admin",
  "http://192.168.0.1/admin",
  "http://100.64.0.1/admin",
  "http://[fc00::1]/admin",
  "http://[fe80::1]/admin",
  "http://224.0.0.1/",
  "http://admin:hunter2@example.com/orders",
];

describe("SSRF guard on tenant HTTP tools (ALLOW_PRIVATE_NETWORK_TOOLS off)", () => {
  const tried: string[] = [];
  const refused: string[] = [];
  afterAll(() => console.log(`SSRF (api): refused ${refused.length}/${tried.length} targets; requests that reached the loopback server from them: ${leaked}`));

  it(`refuses ${REFUSED_ON_SAVE.length} private, loopback, metadata and credential URLs when a tool is saved (422)`, async () => {
    const before = requestsReceived;
    for (const url of REFUSED_ON_SAVE) {
      const target = url.replace("PORT", String(port));
      tried.push(target);
      const res = await createTool(strict, target);
      expect(res.statusCode, `${target}: ${res.body}`).toBe(422);
      expect(res.json().error.message, target).toMatch(
        /tool URL (points to a private address \(.+\); set ALLOW_PRIVATE_NETWORK_TOOLS=true to allow|must not contain credentials)/,
      );
      refused.push(target);
    }
    const saved = await strict.app.inject({ method: "GET", url: `/v1/agents/${agentId}/tools`, headers: bearer(owner.token) });
    expect(saved.json().data).toEqual([]);
    leaked += requestsReceived - before;
    expect(requestsReceived).toBe(before);
  });

  it("refuses an update that points a tool at a private IP (422)", async () => {
    const created = await createTool(strict, "https://tools.example.com/orders");
    expect(created.statusCode, created.body).toBe(201);
    const target = `http://127.0.0.1:${port}/orders`;
    tried.push(`PATCH ${target}`);
    const patched = await strict.app.inject({
      method: "PATCH",
      url: `/v1/agents/${agentId}/tools/${created.json().id}`,
      headers: bearer(owner.token),
      payload: { url: target },
    });
    expect(patched.statusCode, patched.body).toBe(422);
    expect(patched.json().error.message).toBe("tool URL points to a private address (127.0.0.1, loopback); set ALLOW_PRIVATE_NETWORK_TOOLS=true to allow");
    refused.push(`PATCH ${target}`);
  });

  it("a host name that resolves to loopback is saved, but invoking it is a 422 and the loopback server receives nothing", async () => {
    const before = requestsReceived;
    const target = `http://localhost:${port}/orders`;
    tried.push(`invoke ${target}`);
    const created = await createTool(strict, target);
    expect(created.statusCode, created.body).toBe(201);
    const res = await invoke(strict, created.json().id);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.message).toMatch(
      /^tool URL resolves to a private address \((127\.0\.0\.1|::1), loopback\); set ALLOW_PRIVATE_NETWORK_TOOLS=true to allow$/,
    );
    leaked += requestsReceived - before;
    expect(requestsReceived).toBe(before);
    refused.push(`invoke ${target}`);
  });

  it("a loopback tool saved while the operator allowed it is refused once the flag is off; with the flag on it runs", async () => {
    const target = `http://127.0.0.1:${port}/orders`;
    const created = await createTool(open, target);
    expect(created.statusCode, created.body).toBe(201);
    const toolId = created.json().id as string;

    tried.push(`invoke stored ${target}`);
    const before = requestsReceived;
    const refusedCall = await invoke(strict, toolId);
    expect(refusedCall.statusCode, refusedCall.body).toBe(422);
    expect(refusedCall.json().error.message).toMatch(/^tool URL points to a private address \(127\.0\.0\.1, loopback\)/);
    leaked += requestsReceived - before;
    expect(requestsReceived).toBe(before);
    refused.push(`invoke stored ${target}`);

    const allowed = await invoke(open, toolId);
    expect(allowed.statusCode, allowed.body).toBe(200);
    expect(allowed.json()).toMatchObject({ ok: true, result: { secret: "internal" } });
    expect(requestsReceived).toBe(before + 1);
  });

  it("every target tried was refused", () => {
    expect(refused).toEqual(tried);
    expect(leaked).toBe(0);
    expect(tried.length).toBe(REFUSED_ON_SAVE.length + 3);
  });
});
