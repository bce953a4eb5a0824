import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpToolConfigSchema } from "@orbis/contracts";
import { compileArgsSchema, compileHttpTool, runTool, signToolRequest, verifyToolSignature, type HttpToolOptions } from "../src/index.ts";
import { toolContext } from "./context.ts";

const SECRET = "whsec_test_secret";
/** The receiver checks the timestamp against its real clock, so the sender signs with real time too. */
const ctx = (over: Parameters<typeof toolContext>[0] = {}) => toolContext({ now: new Date().toISOString(), ...over });
type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server;
let base = "";
const routes = new Map<string, Handler>();
const hits = new Map<string, number>();
const received: Array<{ path: string; body: string; signature: string | undefined; auth: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0] as string;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      received.push({ path, body, signature: req.headers["x-orbis-signature"] as string | undefined, auth: req.headers["x-api-key"] as string | undefined });
      const h = routes.get(path);
      if (h) h(req, body, res);
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  routes.set("/ok", (req, body, res) => {
    const valid = verifyToolSignature({ secret: SECRET, header: req.headers["x-orbis-signature"] as string, body });
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ valid, echo: body ? JSON.parse(body) : null, query: req.url }));
  });
  routes.set("/flaky", (_req, _body, res) => {
    if ((hits.get("/flaky") ?? 0) < 3) res.writeHead(503).end("busy");
    else res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
  routes.set("/down", (_req, _body, res) => res.writeHead(500).end("boom"));
  routes.set("/bad-request", (_req, _body, res) => res.writeHead(400).end("missing field"));
  routes.set("/slow", (_req, _body, res) => setTimeout(() => res.writeHead(200).end("{}"), 600));
  routes.set("/huge", (_req, _body, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ blob: "x".repeat(100_000) })));
  routes.set("/huge-chunked", (_req, _body, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    for (let i = 0; i < 100; i++) res.write("x".repeat(1000));
    res.end();
  });
  routes.set("/html", (_req, _body, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>oops</html>"));
  routes.set("/empty", (_req, _body, res) => res.writeHead(204).end());
  routes.set("/moved", (_req, _body, res) => res.writeHead(302, { location: "/ok" }).end());
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const args = {
  type: "object",
  properties: {
    orderId: { type: "string", description: "order number" },
    quantity: { type: "integer", minimum: 1 },
    size: { type: "string", enum: ["s", "m", "l"] },
    gift: { type: "boolean" },
    tags: { type: "array", items: { type: "string" } },
  },
  required: ["orderId"],
};

function tool(path: string, over: Record<string, unknown> = {}, workspaceId = "ws_a") {
  const config = httpToolConfigSchema.parse({
    name: "order_status",
    description: "Look up an order",
    args,
    url: `${base}${path}`,
    timeoutMs: 500,
    maxRetries: 2,
    headers: { "X-Api-Key": "tenant-key" },
    ...over,
  });
  return compileHttpTool({ workspaceId, secret: SECRET, config }, { retryBaseMs: 1, allowPrivateNetwork: true });
}

describe("tenant HTTP tools", () => {
  it("signs the request so the receiver can verify it, and passes headers and args", async () => {
    const rec = await runTool(tool("/ok"), { orderId: "A-1", quantity: 2, tags: ["x"] }, ctx());
    expect(rec.ok).toBe(true);
    const result = rec.result as { valid: boolean; echo: { tool: string; args: unknown; call: { id: string } } };
    expect(result.valid).toBe(true);
    expect(result.echo.tool).toBe("order_status");
    expect(result.echo.args).toEqual({ orderId: "A-1", quantity: 2, tags: ["x"] });
    expect(result.echo.call.id).toBe("call_a000000000000000000");
    const last = received.at(-1);
    expect(last?.auth).toBe("tenant-key");
    expect(last?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it("verifyToolSignature rejects a wrong secret, a changed body and an old timestamp", () => {
    const body = '{"a":1}';
    const now = 1_800_000_000;
    const header = signToolRequest(SECRET, body, now);
    expect(verifyToolSignature({ secret: SECRET, header, body, nowSec: now })).toBe(true);
    expect(verifyToolSignature({ secret: "other", header, body, nowSec: now })).toBe(false);
    expect(verifyToolSignature({ secret: SECRET, header, body: '{"a":2}', nowSec: now })).toBe(false);
    expect(verifyToolSignature({ secret: SECRET, header, body, nowSec: now + 301 })).toBe(false);
    expect(verifyToolSignature({ secret: SECRET, header: "garbage", body, nowSec: now })).toBe(false);
    expect(verifyToolSignature({ secret: SECRET, header: undefined, body, nowSec: now })).toBe(false);
  });

  it("GET tools send args as query parameters and sign the empty body", async () => {
    const rec = await runTool(tool("/ok", { method: "GET" }), { orderId: "B 2", gift: true }, ctx());
    expect(rec.ok).toBe(true);
    expect((rec.result as { valid: boolean; query: string }).valid).toBe(true);
    expect((rec.result as { query: string }).query).toContain("orderId=B+2");
  });

  it("validates arguments against the compiled schema before calling", async () => {
    const before = hits.get("/ok") ?? 0;
    const t = tool("/ok");
    for (const bad of [
      {},
      { orderId: 5 },
      { orderId: "x", quantity: 0 },
      { orderId: "x", quantity: 1.5 },
      { orderId: "x", size: "xl" },
      { orderId: "x", tags: [1] },
    ]) {
      const rec = await runTool(t, bad, ctx());
      expect(rec.ok).toBe(false);
      expect(rec.error).toMatch(/^validation_failed/);
    }
    expect(hits.get("/ok") ?? 0).toBe(before);
  });

  it("retries 5xx with backoff and succeeds within the bound", async () => {
    const rec = await runTool(tool("/flaky"), { orderId: "x" }, ctx());
    expect(rec.ok).toBe(true);
    expect(hits.get("/flaky")).toBe(3);
  });

  it("gives up after maxRetries on persistent 5xx", async () => {
    const rec = await runTool(tool("/down", { maxRetries: 1 }), { orderId: "x" }, ctx());
    expect(rec.ok).toBe(false);
    expect(rec.error).toMatch(/HTTP 500.*after 2 attempts/);
    expect(hits.get("/down")).toBe(2);
  });

  it("does not retry 4xx", async () => {
    const rec = await runTool(tool("/bad-request"), { orderId: "x" }, ctx());
    expect(rec.ok).toBe(false);
    expect(rec.error).toContain("HTTP 400: missing field");
    expect(hits.get("/bad-request")).toBe(1);
  });

  it("retries network errors (connection refused)", async () => {
    const config = httpToolConfigSchema.parse({ name: "dead_end", description: "x", args, url: "http://127.0.0.1:9/nothing", maxRetries: 2, timeoutMs: 500 });
    let sleeps = 0;
    const t = compileHttpTool({ workspaceId: "ws_a", secret: SECRET, config }, { sleep: async () => void sleeps++, allowPrivateNetwork: true });
    const rec = await runTool(t, { orderId: "x" }, ctx());
    expect(rec.ok).toBe(false);
    expect(rec.error).toMatch(/network error.*after 3 attempts/);
    expect(sleeps).toBe(2);
  });

  it("times out and does not retry a timeout", async () => {
    const rec = await runTool(tool("/slow", { timeoutMs: 150 }), { orderId: "x" }, ctx());
    expect(rec.ok).toBe(false);
    expect(rec.error).toMatch(/timed out after 150 ms/);
    expect(hits.get("/slow")).toBe(1);
  });

  it("refuses oversized responses (declared and streamed)", async () => {
    const a = await runTool(tool("/huge"), { orderId: "x" }, ctx());
    expect(a.ok).toBe(false);
    expect(a.error).toMatch(/too large/);
    const b = await runTool(tool("/huge-chunked"), { orderId: "x" }, ctx());
    expect(b.ok).toBe(false);
    expect(b.error).toMatch(/too large/);
  });

  it("treats non-JSON as an error result and an empty body as null", async () => {
    const a = await runTool(tool("/html"), { orderId: "x" }, ctx());
    expect(a).toMatchObject({ ok: false, error: "bad_request: tool response is not JSON" });
    const b = await runTool(tool("/empty"), { orderId: "x" }, ctx());
    expect(b).toMatchObject({ ok: true, result: null });
  });

  it("a tool of workspace A is never run for workspace B", async () => {
    const before = hits.get("/ok") ?? 0;
    const rec = await runTool(tool("/ok", {}, "ws_a"), { orderId: "x" }, ctx({ workspaceId: "ws_b" }));
    expect(rec).toMatchObject({ ok: false, error: "not_found: tool not found" });
    expect(hits.get("/ok") ?? 0).toBe(before);
  });

  it("refuses JSON Schema outside the supported subset", () => {
    expect(() => compileArgsSchema({ type: "object", properties: { a: { type: "string", pattern: "^x" } } })).toThrow(/unsupported/);
    expect(() => compileArgsSchema({ type: "object", properties: { a: { oneOf: [] } } })).toThrow(/unsupported/);
    expect(() => compileArgsSchema({ type: "string" })).toThrow();
    expect(httpToolConfigSchema.safeParse({ name: "book_appointment", description: "x", args, url: base }).success).toBe(false);
  });
});

describe("tenant HTTP tools behind the outbound guard (private networks off by default)", () => {
  const HINT = "set ALLOW_PRIVATE_NETWORK_TOOLS=true to allow";
  const port = () => new URL(base).port;
  const guardedTool = (url: string, opts: HttpToolOptions = {}) =>
    compileHttpTool(
      {
        workspaceId: "ws_a",
        secret: SECRET,
        config: httpToolConfigSchema.parse({ name: "order_status", description: "x", args, url, timeoutMs: 500, maxRetries: 2 }),
      },
      { retryBaseMs: 1, ...opts },
    );
  const compileError = (url: string) => {
    try {
      guardedTool(url);
    } catch (err) {
      return err;
    }
    return null;
  };

  it("a private IP literal in any spelling does not compile: a 422 naming the address and the opt-in", () => {
    expect(compileError(`${base}/ok`)).toMatchObject({
      code: "validation_failed",
      message: `tool URL points to a private address (127.0.0.1, loopback); ${HINT}`,
    });
    expect(compileError(`http://2130706433:${port()}/ok`)).toMatchObject({ message: `tool URL points to a private address (127.0.0.1, loopback); ${HINT}` });
    expect(compileError("http://169.254.169.254/latest/meta-data/")).toMatchObject({
      message: `tool URL points to a private address (169.254.169.254, linkLocal); ${HINT}`,
    });
    expect(compileError("http://[::ffff:10.0.0.1]/")).toMatchObject({ message: `tool URL points to a private address (::ffff:a00:1, private); ${HINT}` });
    expect(compileError("http://user:pw@example.com/")).toMatchObject({ code: "validation_failed", message: expect.stringMatching(/credentials/) });
    expect(compileError("https://tools.example.com/orders")).toBeNull();
  });

  it("a host name that resolves to loopback is refused on the call, never retried, and nothing is sent", async () => {
    const before = hits.get("/ok") ?? 0;
    let lookups = 0;
    let sleeps = 0;
    const t = guardedTool(`http://orders.test:${port()}/ok`, {
      lookup: async () => (lookups++, [{ address: "127.0.0.1", family: 4 }]),
      sleep: async () => void sleeps++,
    });
    const rec = await runTool(t, { orderId: "x" }, ctx());
    expect(rec).toMatchObject({ ok: false, error: `validation_failed: tool URL resolves to a private address (127.0.0.1, loopback); ${HINT}` });
    expect([lookups, sleeps]).toEqual([1, 0]);
    await expect(t.assertTargetAllowed()).rejects.toMatchObject({ code: "validation_failed", details: { address: "127.0.0.1", range: "loopback" } });
    expect(hits.get("/ok") ?? 0).toBe(before);
  });

  it("the opt-in (allowPrivateNetwork) reaches the same host", async () => {
    const t = guardedTool(`http://orders.test:${port()}/ok`, { allowPrivateNetwork: true, lookup: async () => [{ address: "127.0.0.1", family: 4 }] });
    await expect(t.assertTargetAllowed()).resolves.toBeUndefined();
    expect(await runTool(t, { orderId: "x" }, ctx())).toMatchObject({ ok: true, result: { valid: true } });
  });

  it("a redirect is refused, not followed and not retried: a signed request is not replayed elsewhere", async () => {
    const before = hits.get("/ok") ?? 0;
    const rec = await runTool(guardedTool(`${base}/moved`, { allowPrivateNetwork: true }), { orderId: "x" }, ctx());
    expect(rec.ok).toBe(false);
    expect(rec.error).toMatch(/^bad_request: tool redirect refused \(302 to http:\/\/127\.0\.0\.1:\d+\/ok\); tools must answer directly$/);
    expect(hits.get("/moved")).toBe(1);
    expect(hits.get("/ok") ?? 0).toBe(before);
  });
});
