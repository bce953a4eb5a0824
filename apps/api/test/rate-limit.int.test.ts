import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testTargets } from "@orbis/config";
import { bearer, buildTestApp, signup, type TestApp } from "./helpers.ts";

const LIMIT = 100;
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ rateLimitPerMinute: LIMIT });
});
afterAll(() => t.close());

async function secretKey(app: TestApp["app"], token: string) {
  return (await app.inject({ method: "POST", url: "/v1/api-keys", headers: bearer(token), payload: { name: "rl", kind: "secret" } })).json().key as string;
}

describe("rate limits", () => {
  it("the 101st request in a minute with one API key gets 429 with Retry-After", async () => {
    const owner = await signup(t.app, "rl");
    const key = await secretKey(t.app, owner.token);
    for (let i = 0; i < LIMIT; i++) {
      const res = await t.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(key) });
      expect(res.statusCode).toBe(200);
    }
    const limited = await t.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(key) });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited.json().error.code).toBe("rate_limited");
    // Another key, and the dashboard session, are not affected.
    const other = await secretKey(t.app, owner.token);
    expect((await t.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(other) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(owner.token) })).statusCode).toBe(200);
  });

  it("auth routes are limited per IP", async () => {
    // Fresh addresses per run: Redis keeps the previous run's window for a minute.
    const octet = () => Math.floor(Math.random() * 250) + 1;
    const ip = `10.${octet()}.${octet()}.${octet()}`;
    for (let i = 0; i < LIMIT; i++) {
      const res = await t.app.inject({ method: "POST", url: "/v1/auth/login", remoteAddress: ip, payload: { email: "x@y.co" } });
      expect(res.statusCode).toBe(422);
    }
    const limited = await t.app.inject({ method: "POST", url: "/v1/auth/login", remoteAddress: ip, payload: { email: "x@y.co" } });
    expect(limited.statusCode).toBe(429);
    const otherIp = await t.app.inject({ method: "POST", url: "/v1/auth/login", remoteAddress: `10.${octet()}.${octet()}.0`, payload: { email: "x@y.co" } });
    expect(otherIp.statusCode).toBe(422);
  });

  it.runIf(testTargets().redisUrl)("requests split across two app instances sharing Redis share one budget", async () => {
    const second = await buildTestApp({ rateLimitPerMinute: LIMIT }, { db: t.db });
    try {
      const owner = await signup(t.app, "rl-shared");
      const key = await secretKey(t.app, owner.token);
      for (let i = 0; i < LIMIT; i++) {
        const app = i % 2 === 0 ? t.app : second.app;
        expect((await app.inject({ method: "GET", url: "/v1/agents", headers: bearer(key) })).statusCode).toBe(200);
      }
      expect((await second.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(key) })).statusCode).toBe(429);
      expect((await t.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(key) })).statusCode).toBe(429);
    } finally {
      await second.close();
    }
  });
});
