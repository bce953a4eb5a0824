import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemRepository, tenantScope } from "@orbis/db";
import { createSessionAccess } from "../src/index.ts";
import { bearer, buildTestApp, signup, type TestApp } from "./helpers.ts";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe("POST /v1/auth/signup", () => {
  it("creates a workspace and its owner, and sets an httpOnly session cookie", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/auth/signup",
      payload: { email: "Owner@Example.com", password: "long enough pw", name: "Olive", workspaceName: "Riverside Dental" },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.user).toMatchObject({ email: "owner@example.com", name: "Olive", status: "active" });
    expect(body.user.id).toMatch(/^usr_/);
    expect(body.workspace).toMatchObject({ name: "Riverside Dental" });
    expect(body.workspace.id).toMatch(/^ws_/);
    expect(body.role).toBe("owner");
    expect(body.user).not.toHaveProperty("passwordHash");
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/orbis_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it("answers 422 with the path of the bad field", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/auth/signup",
      payload: { email: "not-an-email", password: "short", name: "x", workspaceName: "y" },
    });
    expect(res.statusCode).toBe(422);
    const { error } = res.json();
    expect(error.code).toBe("validation_failed");
    expect(error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(["body.email", "body.password"]));
  });

  it("refuses a second account with the same email (409)", async () => {
    const a = await signup(t.app, "dup");
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/auth/signup",
      payload: { email: a.email, password: "whatever123", name: "x", workspaceName: "y" },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe("conflict");
  });

  it("stores an argon2id hash, never the password", async () => {
    const a = await signup(t.app, "hash");
    const user = await systemRepository(t.db.system).findUserById(a.userId);
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user?.passwordHash).not.toContain(a.password);
  });
});

describe("login, me, logout", () => {
  it("logs in with the right password and audits it", async () => {
    const a = await signup(t.app, "login");
    const res = await t.app.inject({ method: "POST", url: "/v1/auth/login", payload: { email: a.email, password: a.password } });
    expect(res.statusCode).toBe(200);
    const me = await t.app.inject({ method: "GET", url: "/v1/auth/me", headers: bearer(res.json().token) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { id: a.userId }, workspace: { id: a.workspaceId }, role: "owner", principal: "session" });
    const actions = (await tenantScope(t.db, a.workspaceId).audit.list()).map((r) => r.action);
    expect(actions).toContain("auth.login");
  });

  it("refuses a wrong password with 401 and audits the failure", async () => {
    const a = await signup(t.app, "badpw");
    const res = await t.app.inject({ method: "POST", url: "/v1/auth/login", payload: { email: a.email, password: "wrong password" } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toEqual({ code: "unauthorized", message: "Invalid email or password" });
    const actions = (await tenantScope(t.db, a.workspaceId).audit.list()).map((r) => r.action);
    expect(actions).toContain("auth.login_failed");
  });

  it("refuses an unknown email with the same answer", async () => {
    const res = await t.app.inject({ method: "POST", url: "/v1/auth/login", payload: { email: "nobody@example.com", password: "whatever" } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toBe("Invalid email or password");
  });

  it("accepts the session cookie as well as the Bearer header", async () => {
    const a = await signup(t.app, "cookie");
    const res = await t.app.inject({ method: "GET", url: "/v1/auth/me", cookies: { orbis_session: a.token } });
    expect(res.statusCode).toBe(200);
  });

  it("answers 401 without credentials and with a forged token", async () => {
    expect((await t.app.inject({ method: "GET", url: "/v1/auth/me" })).statusCode).toBe(401);
    const forged = await t.app.inject({ method: "GET", url: "/v1/auth/me", headers: bearer("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad") });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.code).toBe("unauthorized");
  });

  it("logout ends the session: the same token is refused afterwards", async () => {
    const a = await signup(t.app, "logout");
    const out = await t.app.inject({ method: "POST", url: "/v1/auth/logout", headers: bearer(a.token) });
    expect(out.statusCode).toBe(200);
    expect(String(out.headers["set-cookie"])).toMatch(/orbis_session=;/);
    const me = await t.app.inject({ method: "GET", url: "/v1/auth/me", headers: bearer(a.token) });
    expect(me.statusCode).toBe(401);
  });
});

describe("blocked user", () => {
  it("a valid token stops working as soon as the user is blocked", async () => {
    const a = await signup(t.app, "blocked");
    expect((await t.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(a.token) })).statusCode).toBe(200);
    // The operator's path (it also refreshes the cached standing of every session of that user).
    await createSessionAccess(t.db, t.cache).setUserStatus(a.userId, "blocked");
    const res = await t.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(a.token) });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/blocked/);
    const login = await t.app.inject({ method: "POST", url: "/v1/auth/login", payload: { email: a.email, password: a.password } });
    expect(login.statusCode).toBe(403);
  });

  it("a block written straight into the database applies once the cached standing expires", async () => {
    const a = await signup(t.app, "raw-block");
    expect((await t.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(a.token) })).statusCode).toBe(200);
    await systemRepository(t.db.system).setUserStatus(a.userId, "blocked");
    // Simulates the 30 s expiry: the entry is gone, the next request reads the database.
    await t.cache.del(`session:access:${a.workspaceId}:${a.userId}`);
    expect((await t.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(a.token) })).statusCode).toBe(403);
  });
});
