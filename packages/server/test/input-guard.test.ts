import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { z } from "zod";
import { errorBodySchema } from "@orbis/contracts";
import { createServer, type Server } from "../src/index.ts";
import { findUnsafeInput, MAX_INPUT_DEPTH } from "../src/input-guard.ts";

const nested = (depth: number, leaf = "1") => '{"a":'.repeat(depth) + leaf + "}".repeat(depth);

describe("findUnsafeInput", () => {
  it("names every string value or key with a NUL or a lone surrogate, and nothing else", () => {
    expect(findUnsafeInput({ name: "ok 😀 é", list: ["fine", "\u{1F600}"] }, "body")).toEqual([]);
    expect(findUnsafeInput({ name: "a\u0000b", list: ["x", "\ud800"], nested: { ["k\udc00"]: 1, tail: "😀\ude00" } }, "body")).toEqual([
      { path: "body.name", message: "must not contain a NUL character (U+0000)" },
      { path: "body.list.1", message: "must not contain an unpaired UTF-16 surrogate" },
      { path: "body.nested.k\\udc00", message: "key must not contain an unpaired UTF-16 surrogate" },
      { path: "body.nested.tail", message: "must not contain an unpaired UTF-16 surrogate" },
    ]);
    expect(findUnsafeInput("\u0000", "querystring")).toEqual([{ path: "querystring", message: "must not contain a NUL character (U+0000)" }]);
  });

  it("refuses nesting past the limit without recursing into it", () => {
    expect(findUnsafeInput(JSON.parse(nested(MAX_INPUT_DEPTH)), "body")).toEqual([]);
    const deep = findUnsafeInput(JSON.parse(nested(100_000)), "body");
    expect(deep).toHaveLength(1);
    expect(deep[0]!.message).toBe(`nests deeper than ${MAX_INPUT_DEPTH} levels`);
    expect(deep[0]!.path).toBe(["body", ...Array<string>(MAX_INPUT_DEPTH).fill("a")].join("."));
  });

  it("lists at most 20 issues", () => {
    expect(findUnsafeInput(Array<string>(1000).fill("\u0000"), "body")).toHaveLength(20);
  });
});

describe("the server base refuses unsafe input on every route", () => {
  let app: Server;
  beforeAll(async () => {
    app = createServer({ logLevel: "silent", trustProxy: false, metrics: new Registry() });
    app.post("/any", { schema: { body: z.record(z.string(), z.unknown()) } }, async () => ({ ok: true }));
    app.get("/items/:id", { schema: { querystring: z.object({ q: z.string().optional() }) } }, async () => ({ ok: true }));
    // A route that keeps its JSON as text (a carrier webhook checking a signature over the bytes).
    await app.register(async (scope) => {
      scope.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => done(null, body));
      scope.post("/raw", async (request) => ({ length: (request.body as string).length }));
    });
    await app.ready();
  });
  afterAll(() => app.close());

  const refused = async (res: { statusCode: number; json(): unknown }, status: number, message: RegExp) => {
    expect(res.statusCode).toBe(status);
    const body = errorBodySchema.parse(res.json());
    expect(body.error.message).toMatch(message);
  };

  it("a NUL or a lone surrogate anywhere in a schemaless body is a 422 with the field's path", async () => {
    await refused(await app.inject({ method: "POST", url: "/any", payload: { options: { voice: "x\u0000" } } }), 422, /^body\.options\.voice: .*NUL/);
    await refused(await app.inject({ method: "POST", url: "/any", payload: { list: ["ok", "\ud800"] } }), 422, /^body\.list\.1: .*surrogate/);
    expect((await app.inject({ method: "POST", url: "/any", payload: { name: "Zoë 😀" } })).statusCode).toBe(200);
  });

  it("checks query strings, path parameters and bodies a route keeps as text", async () => {
    await refused(await app.inject({ url: "/items/1?q=%00" }), 422, /^querystring\.q: /);
    await refused(await app.inject({ url: "/items/a%00b" }), 422, /^params\.id: /);
    const raw = { method: "POST" as const, url: "/raw", headers: { "content-type": "application/json" } };
    await refused(await app.inject({ ...raw, payload: '{"data":{"to":"\\u0000"}}' }), 422, /^body\.data\.to: /);
    expect((await app.inject({ ...raw, payload: '{"data":{"to":"+15550100"}}' })).statusCode).toBe(200);
  });

  it("a 5,000-deep body is a 422, not a stack overflow; a body over 1 MiB is a 413", async () => {
    await refused(
      await app.inject({ method: "POST", url: "/any", headers: { "content-type": "application/json" }, payload: nested(5000) }),
      422,
      /nests deeper/,
    );
    const huge = JSON.stringify({ text: "x".repeat(1024 * 1024) });
    await refused(await app.inject({ method: "POST", url: "/any", headers: { "content-type": "application/json" }, payload: huge }), 413, /too large/);
  });
});
