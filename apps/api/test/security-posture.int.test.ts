/**
 * The api's production posture: a valid OpenAPI document (every $ref resolves), docs served by config
 * (API_DOCS), CORS never `*` with credentials and preflights limited to the methods in use, security
 * headers on API answers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "./helpers.ts";

const DASHBOARD = "https://app.example.com";

/** Every `$ref` in a document, with where it stands. */
function refsOf(node: unknown, at = "#"): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((v, i) => refsOf(v, `${at}/${i}`));
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([k, v]) => (k === "$ref" && typeof v === "string" ? [{ at, ref: v }] : refsOf(v, `${at}/${k}`)));
}

/** The target of a local JSON pointer (`#/components/schemas/x`), undefined when it names nothing. */
function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ corsOrigins: [DASHBOARD] });
});
afterAll(() => t.close());

describe("the OpenAPI document", () => {
  it("is a document whose every $ref resolves (tools routes included)", async () => {
    const doc = (await t.app.inject("/openapi.json")).json();
    const refs = refsOf(doc);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter(({ ref }) => resolvePointer(doc, ref) === undefined)).toEqual([]);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/agents/{id}/tools"]));
  });

  it("and its UI are not served with API_DOCS=off", async () => {
    const off = await buildTestApp({ apiDocs: false });
    try {
      expect((await off.app.inject("/openapi.json")).statusCode).toBe(404);
      expect((await off.app.inject("/docs")).statusCode).toBe(404);
      expect((await off.app.inject("/docs/")).statusCode).toBe(404);
    } finally {
      await off.close();
    }
    expect((await t.app.inject("/docs/")).statusCode).toBe(200);
  });
});

describe("CORS", () => {
  const preflight = (url: string, origin: string, method: string) =>
    t.app.inject({ method: "OPTIONS", url, headers: { origin, "access-control-request-method": method, "access-control-request-headers": "content-type" } });

  it("allows a configured dashboard origin with credentials, naming it (never *), for the methods the routes use", async () => {
    const res = await preflight("/v1/agents", DASHBOARD, "PATCH");
    expect(res.statusCode).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe(DASHBOARD);
    expect(res.headers["access-control-allow-credentials"]).toBe("true");
    expect(
      String(res.headers["access-control-allow-methods"])
        .split(",")
        .map((m) => m.trim())
        .sort(),
    ).toEqual(["DELETE", "GET", "PATCH", "POST", "PUT"]);
    const get = await t.app.inject({ url: "/v1/templates", headers: { origin: DASHBOARD } });
    expect(get.headers["access-control-allow-origin"]).toBe(DASHBOARD);
    expect(get.headers.vary).toMatch(/origin/i);
  });

  it("gives another origin no CORS grant on the dashboard's routes", async () => {
    const res = await preflight("/v1/agents", "https://evil.example.net", "POST");
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
  });

  it("lets any page call the widget's routes, POST only and without credentials", async () => {
    const res = await preflight("/v1/voice/sessions", "https://customer.example.org", "POST");
    expect(res.headers["access-control-allow-origin"]).toBe("https://customer.example.org");
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
    expect(res.headers["access-control-allow-methods"]).toBe("POST");
  });
});

describe("security headers", () => {
  it("on API answers (success and error): nosniff, a CSP that loads nothing and forbids framing", async () => {
    for (const url of ["/v1/templates", "/v1/agents", "/openapi.json"]) {
      const res = await t.app.inject(url);
      expect(res.headers["x-content-type-options"], url).toBe("nosniff");
      expect(res.headers["content-security-policy"], url).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers["x-frame-options"], url).toBe("SAMEORIGIN");
    }
  });

  it("on the docs UI: its own CSP, scripts from its own origin only", async () => {
    const res = await t.app.inject("/docs/");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-security-policy"]).toMatch(/script-src 'self'/);
  });
});
