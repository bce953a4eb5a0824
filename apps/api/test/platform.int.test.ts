import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "./helpers.ts";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe("platform routes", () => {
  it("health, readiness and Prometheus metrics", async () => {
    expect((await t.app.inject("/healthz")).json()).toEqual({ status: "ok" });
    expect((await t.app.inject("/readyz")).json()).toMatchObject({ status: "ready", checks: { database: "ok", cache: "ok" } });
    await t.app.inject("/v1/agents");
    const metrics = (await t.app.inject("/metrics")).body;
    expect(metrics).toMatch(/orbis_http_request_duration_seconds_bucket\{.*route="\/v1\/agents"/);
  });

  it("serves the OpenAPI document and its UI from the same schemas", async () => {
    const doc = (await t.app.inject("/openapi.json")).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/auth/signup", "/v1/agents", "/v1/agents/{id}/publish", "/v1/api-keys"]));
    expect(doc.paths["/v1/auth/signup"].post.requestBody.content["application/json"].schema.required).toEqual(expect.arrayContaining(["email", "password"]));
    expect((await t.app.inject("/docs/")).statusCode).toBe(200);
  });

  it("answers unknown routes and malformed JSON in the one error shape", async () => {
    const missing = await t.app.inject("/v1/nope");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe("not_found");
    const bad = await t.app.inject({ method: "POST", url: "/v1/auth/login", headers: { "content-type": "application/json" }, payload: "{bad json" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("bad_request");
  });

  it("sets security headers and echoes a request id", async () => {
    const res = await t.app.inject({ url: "/healthz", headers: { "x-request-id": "req-123" } });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-request-id"]).toBe("req-123");
  });
});

describe("GET /v1/providers", () => {
  it("lists providers with models and voices, available when no key is needed or the workspace stored one", async () => {
    const { signup, bearer } = await import("./helpers.ts");
    const owner = await signup(t.app, "providers");
    expect((await t.app.inject("/v1/providers")).statusCode).toBe(401);
    const list = async () =>
      (await t.app.inject({ url: "/v1/providers", headers: bearer(owner.token) })).json().data as {
        id: string;
        capability: string;
        available: boolean;
        voices: string[];
      }[];
    const before = await list();
    expect(before.find((p) => p.id === "offline" && p.capability === "tts")).toMatchObject({ available: true, voices: expect.arrayContaining(["slt"]) });
    expect(before.find((p) => p.id === "deepgram")?.available).toBe(false);
    const put = await t.app.inject({ method: "PUT", url: "/v1/credentials/deepgram", headers: bearer(owner.token), payload: { apiKey: "dg_test_key_123456" } });
    expect(put.statusCode).toBe(200);
    expect((await list()).find((p) => p.id === "deepgram")?.available).toBe(true);
  });
});
