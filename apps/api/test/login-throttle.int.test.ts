import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "@orbis/auth";
import { bearer, buildTestApp, type TestApp } from "./helpers.ts";

const LIMIT = 5;
let t: TestApp;
beforeAll(async () => {
  // Small budgets, so that the limits are reached in a few requests.
  t = await buildTestApp({ rateLimitPerMinute: LIMIT, rateLimitSessionPerMinute: LIMIT });
});
afterAll(() => t.close());

// Fresh addresses per test and run: Redis keeps windows and lockouts across runs.
const octet = () => Math.floor(Math.random() * 250) + 1;
const freshIp = () => `10.${octet()}.${octet()}.${octet()}`;
const accountLockKey = (email: string) => `login:lock:acct:${sha256(email).slice(0, 32)}`;

async function signupFrom(ip: string, label: string) {
  const email = `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = "correct horse battery";
  const res = await t.app.inject({
    method: "POST",
    url: "/v1/auth/signup",
    remoteAddress: ip,
    payload: { email, password, name: label, workspaceName: label },
  });
  expect(res.statusCode).toBe(201);
  return { email, password, token: res.json().token as string, userId: res.json().user.id as string };
}

const login = (email: string, password: string, ip: string) =>
  t.app.inject({ method: "POST", url: "/v1/auth/login", remoteAddress: ip, payload: { email, password } });

describe("login throttling per account, with backoff", () => {
  it("after 5 failures the account is locked for 30 s, then 60 s, 120 s…, whatever the address; success clears it", async () => {
    const a = await signupFrom(freshIp(), "throttle");
    // Each attempt from a new address: the lock is the account's.
    for (let i = 0; i < 4; i++) expect((await login(a.email, "wrong password", freshIp())).statusCode).toBe(401);
    const fifth = await login(a.email, "wrong password", freshIp());
    expect(fifth.statusCode).toBe(401);
    const locked = await login(a.email, a.password, freshIp());
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe("rate_limited");
    expect(locked.json().error.message).toMatch(/Too many failed sign-in attempts/);
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(25);
    expect(Number(locked.headers["retry-after"])).toBeLessThanOrEqual(30);

    // The lock runs out (simulated): the next failure locks for twice as long, and the one after for four times.
    await t.cache.del(accountLockKey(a.email));
    expect((await login(a.email, "wrong again", freshIp())).statusCode).toBe(401);
    const longer = await login(a.email, a.password, freshIp());
    expect(longer.statusCode).toBe(429);
    expect(Number(longer.headers["retry-after"])).toBeGreaterThan(55);
    expect(Number(longer.headers["retry-after"])).toBeLessThanOrEqual(60);
    await t.cache.del(accountLockKey(a.email));
    expect((await login(a.email, "and again", freshIp())).statusCode).toBe(401);
    expect(Number((await login(a.email, a.password, freshIp())).headers["retry-after"])).toBeGreaterThan(115);

    // Once it runs out, the right password signs in and the count starts afresh.
    await t.cache.del(accountLockKey(a.email));
    expect((await login(a.email, a.password, freshIp())).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login(a.email, "wrong password", freshIp())).statusCode).toBe(401);
    expect((await login(a.email, a.password, freshIp())).statusCode).toBe(200);
  });

  it("locks an unknown email the same way, so a lockout tells nothing about which accounts exist", async () => {
    const email = `nobody-${Date.now()}@example.com`;
    for (let i = 0; i < 5; i++) expect((await login(email, "whatever", freshIp())).statusCode).toBe(401);
    expect((await login(email, "whatever", freshIp())).statusCode).toBe(429);
  });

  it("other accounts are not affected by one account's lock", async () => {
    const a = await signupFrom(freshIp(), "locked");
    const b = await signupFrom(freshIp(), "free");
    for (let i = 0; i < 5; i++) await login(a.email, "wrong password", freshIp());
    expect((await login(a.email, a.password, freshIp())).statusCode).toBe(429);
    expect((await login(b.email, b.password, freshIp())).statusCode).toBe(200);
  });
  it("parallel guesses at one account do not all run before the lock lands: one attempt at a time", async () => {
    const a = await signupFrom(freshIp(), "parallel");
    const statuses = (await Promise.all(Array.from({ length: 12 }, () => login(a.email, "wrong password", freshIp())))).map((r) => r.statusCode);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 401).length).toBeLessThan(12);
  });
});

describe("login throttling per IP", () => {
  it("20 failed sign-ins from one address, across any accounts, lock that address out", async () => {
    // A budget per minute that the 21 attempts stay under: the lockout is what refuses.
    const roomy = await buildTestApp({ rateLimitPerMinute: 100 }, { db: t.db, cache: t.cache });
    try {
      const ip = freshIp();
      const victim = await signupFrom(freshIp(), "ip-victim");
      for (let i = 0; i < 20; i++) {
        const res = await roomy.app.inject({
          method: "POST",
          url: "/v1/auth/login",
          remoteAddress: ip,
          payload: { email: `spray-${i}-${Date.now()}@example.com`, password: "Winter2026!" },
        });
        expect(res.statusCode).toBe(401);
      }
      const locked = await roomy.app.inject({
        method: "POST",
        url: "/v1/auth/login",
        remoteAddress: ip,
        payload: { email: victim.email, password: victim.password },
      });
      expect(locked.statusCode).toBe(429);
      expect(Number(locked.headers["retry-after"])).toBeGreaterThan(55);
      // The account itself is fine from anywhere else.
      const elsewhere = await roomy.app.inject({
        method: "POST",
        url: "/v1/auth/login",
        remoteAddress: freshIp(),
        payload: { email: victim.email, password: victim.password },
      });
      expect(elsewhere.statusCode).toBe(200);
    } finally {
      await roomy.close();
    }
  });
});

describe("request limits", () => {
  it("dashboard sessions are limited per user, all their sessions together", async () => {
    const a = await signupFrom(freshIp(), "per-user");
    const b = await signupFrom(freshIp(), "per-user-other");
    const second = (await login(a.email, a.password, freshIp())).json().token as string;
    for (let i = 0; i < LIMIT; i++) {
      const token = i % 2 === 0 ? a.token : second;
      expect((await t.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(token), remoteAddress: freshIp() })).statusCode).toBe(200);
    }
    const limited = await t.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(second), remoteAddress: freshIp() });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited.json().error).toMatchObject({ code: "rate_limited" });
    expect((await t.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(a.token) })).statusCode).toBe(429);
    // Another user has their own budget.
    expect((await t.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(b.token) })).statusCode).toBe(200);
  });

  it("requests without credentials (or with an invalid token) are limited per IP", async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMIT; i++) {
      const headers = i % 2 === 0 ? {} : bearer("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad");
      expect((await t.app.inject({ method: "GET", url: "/v1/agents", headers, remoteAddress: ip })).statusCode).toBe(401);
    }
    const limited = await t.app.inject({ method: "GET", url: "/v1/agents", remoteAddress: ip });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect((await t.app.inject({ method: "GET", url: "/v1/agents", remoteAddress: freshIp() })).statusCode).toBe(401);
  });
});
