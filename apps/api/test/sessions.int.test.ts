import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCache } from "@orbis/cache";
import { tenantScope } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { bearer, buildTestApp, signup, validAgent, addMember, type TestApp } from "./helpers.ts";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const me = (app: TestApp["app"], token: string) => app.inject({ method: "GET", url: "/v1/auth/me", headers: bearer(token) });

async function login(app: TestApp["app"], email: string, password: string, userAgent = "vitest", workspaceId?: string) {
  const res = await app.inject({
    method: "POST",
    url: "/v1/auth/login",
    headers: { "user-agent": userAgent },
    payload: { email, password, ...(workspaceId ? { workspaceId } : {}) },
  });
  expect(res.statusCode).toBe(200);
  return res.json().token as string;
}

/**
 * Runs `before` on an api, stops it, and runs `after` on a new one on the same database: each with an
 * in-process cache of its own, as processes without Redis have.
 */
async function acrossRestart<T>(before: (app: TestApp["app"]) => Promise<T>, after: (app: TestApp["app"], state: T) => Promise<void>) {
  const db = await createTestDatabase();
  const caches = [createCache(), createCache()];
  try {
    const first = await buildTestApp({}, { db, cache: caches[0] });
    const state = await before(first.app);
    await first.close();
    const second = await buildTestApp({}, { db, cache: caches[1] });
    try {
      await after(second.app, state);
    } finally {
      await second.close();
    }
  } finally {
    await Promise.all(caches.map((c) => c.close()));
    await db.close();
  }
}

describe("sessions are rows: revocations survive a restart without Redis", () => {
  it("a logged-out token stays refused after the api restarts on the same database with an empty cache", async () => {
    await acrossRestart(
      async (app) => {
        const out = await signup(app, "restart");
        const kept = await signup(app, "restart-kept");
        expect((await app.inject({ method: "POST", url: "/v1/auth/logout", headers: bearer(out.token) })).statusCode).toBe(200);
        expect((await me(app, out.token)).statusCode).toBe(401);
        return { out, kept };
      },
      // A new process: nothing of the first one's cache is left, the database is.
      async (app, { out, kept }) => {
        const again = await me(app, out.token);
        expect(again.statusCode).toBe(401);
        expect(again.json().error).toEqual({ code: "unauthorized", message: "Session has ended" });
        expect((await me(app, kept.token)).statusCode).toBe(200);
      },
    );
  });

  it("sign-out-everywhere after a restart as well", async () => {
    await acrossRestart(
      async (app) => {
        const a = await signup(app, "restart-all");
        const other = await login(app, a.email, a.password);
        expect((await me(app, other)).statusCode).toBe(200);
        expect((await app.inject({ method: "POST", url: "/v1/auth/sessions/revoke-all", headers: bearer(a.token) })).statusCode).toBe(200);
        return [a.token, other];
      },
      async (app, tokens) => {
        for (const token of tokens) expect((await me(app, token)).statusCode).toBe(401);
      },
    );
  });
});

describe("GET /v1/auth/sessions, DELETE /v1/auth/sessions/:id", () => {
  it("lists the caller's live sessions with the current one marked, newest first", async () => {
    const a = await signup(t.app, "list");
    const second = await login(t.app, a.email, a.password, "Mozilla/5.0 (test browser)");
    const res = await t.app.inject({ method: "GET", url: "/v1/auth/sessions", headers: bearer(second) });
    expect(res.statusCode).toBe(200);
    const { data } = res.json();
    expect(data).toHaveLength(2);
    expect(data[0]).toMatchObject({ current: true, userAgent: "Mozilla/5.0 (test browser)", workspaceId: a.workspaceId });
    expect(data[0].ip).toMatch(/^10\./);
    expect(data[0].id).toMatch(/^ses_/);
    expect(data[1]).toMatchObject({ current: false });
    for (const s of data)
      expect(Object.keys(s).sort()).toEqual(["createdAt", "current", "expiresAt", "id", "ip", "lastSeenAt", "userAgent", "workspaceId", "workspaceName"]);
  });

  it("ends one session: that token is refused, the others keep working", async () => {
    const a = await signup(t.app, "one");
    const second = await login(t.app, a.email, a.password);
    const list = (await t.app.inject({ method: "GET", url: "/v1/auth/sessions", headers: bearer(a.token) })).json().data as { id: string; current: boolean }[];
    const secondId = list.find((s) => !s.current)!.id;
    const del = await t.app.inject({ method: "DELETE", url: `/v1/auth/sessions/${secondId}`, headers: bearer(a.token) });
    expect(del.statusCode).toBe(204);
    expect((await me(t.app, second)).statusCode).toBe(401);
    expect((await me(t.app, a.token)).statusCode).toBe(200);
    // Gone from the list; ending it again, or another user's session, is a 404.
    const after = (await t.app.inject({ method: "GET", url: "/v1/auth/sessions", headers: bearer(a.token) })).json().data;
    expect(after.map((s: { id: string }) => s.id)).not.toContain(secondId);
    expect((await t.app.inject({ method: "DELETE", url: `/v1/auth/sessions/${secondId}`, headers: bearer(a.token) })).statusCode).toBe(404);
    const b = await signup(t.app, "other-user");
    const bId = (await t.app.inject({ method: "GET", url: "/v1/auth/sessions", headers: bearer(b.token) })).json().data[0].id;
    expect((await t.app.inject({ method: "DELETE", url: `/v1/auth/sessions/${bId}`, headers: bearer(a.token) })).statusCode).toBe(404);
    expect((await me(t.app, b.token)).statusCode).toBe(200);
  });

  it("is for user sessions only: an API key gets 403", async () => {
    const a = await signup(t.app, "keys");
    const key = (await t.app.inject({ method: "POST", url: "/v1/api-keys", headers: bearer(a.token), payload: { name: "k", kind: "secret" } })).json().key;
    expect((await t.app.inject({ method: "GET", url: "/v1/auth/sessions", headers: bearer(key) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: "POST", url: "/v1/auth/sessions/revoke-all", headers: bearer(key) })).statusCode).toBe(403);
  });
});

describe("POST /v1/auth/sessions/revoke-all (sign out everywhere)", () => {
  it("ends every session of the user in every workspace, clears the cookie and audits it in the caller's workspace", async () => {
    const a = await signup(t.app, "everywhere");
    const laptop = await login(t.app, a.email, a.password, "laptop");
    // The same user is also a member of another workspace, with a session there.
    const other = await signup(t.app, "everywhere-other");
    const invite = await t.app.inject({
      method: "POST",
      url: "/v1/workspaces/current/invitations",
      headers: bearer(other.token),
      payload: { email: a.email, role: "staff" },
    });
    await t.app.inject({ method: "POST", url: "/v1/invitations/accept", payload: { token: invite.json().token, password: a.password } });
    const elsewhere = await login(t.app, a.email, a.password, "phone", other.workspaceId);
    expect((await me(t.app, elsewhere)).json().workspace.id).toBe(other.workspaceId);
    const bystander = await signup(t.app, "everywhere-bystander");

    const res = await t.app.inject({ method: "POST", url: "/v1/auth/sessions/revoke-all", headers: bearer(laptop) });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers["set-cookie"])).toMatch(/orbis_session=;/);
    for (const token of [a.token, laptop, elsewhere]) expect((await me(t.app, token)).statusCode).toBe(401);
    expect((await me(t.app, bystander.token)).statusCode).toBe(200);

    const rows = await tenantScope(t.db, a.workspaceId).audit.list();
    const row = rows.find((r) => r.action === "auth.sessions_revoked");
    expect(row).toMatchObject({ actorUserId: a.userId, targetId: a.userId, ip: expect.stringMatching(/^10\./) });
    expect(row?.metadata).toMatchObject({ sessions: 4 });
    // A new login works as usual.
    expect((await me(t.app, await login(t.app, a.email, a.password))).statusCode).toBe(200);
  });
});

describe("authentication runs before the body is parsed or validated", () => {
  it("an unauthenticated request with an invalid body on a protected route is a 401, not a 422", async () => {
    const res = await t.app.inject({ method: "POST", url: "/v1/agents", payload: { name: "", turnTaking: { silenceMs: "soon" } } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toEqual({ code: "unauthorized", message: "Authentication required" });
    expect(res.json().error.details).toBeUndefined();
    // Bad path parameters and malformed JSON are not looked at either.
    expect((await t.app.inject({ method: "GET", url: "/v1/agents/not-an-id" })).statusCode).toBe(401);
    const badJson = await t.app.inject({ method: "POST", url: "/v1/agents", headers: { "content-type": "application/json" }, payload: "{bad json" });
    expect(badJson.statusCode).toBe(401);
    const forged = await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer("sk_" + "x".repeat(40)), payload: { name: "" } });
    expect(forged.statusCode).toBe(401);
  });

  it("a caller without the role gets 403 before validation; with it, the 422 names the field", async () => {
    const owner = await signup(t.app, "order");
    const viewer = await addMember(t.app, owner, "viewer");
    const denied = await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(viewer.token), payload: { name: "" } });
    expect(denied.statusCode).toBe(403);
    const invalid = await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(owner.token), payload: { name: "" } });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().error.details.map((d: { path: string }) => d.path)).toContain("body.name");
    expect((await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(owner.token), payload: validAgent })).statusCode).toBe(201);
  });
});
