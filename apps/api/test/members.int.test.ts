import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCache } from "@orbis/cache";
import { testTargets } from "@orbis/config";
import { tenantScope } from "@orbis/db";
import { addMember, bearer, buildTestApp, signup, type TestApp } from "./helpers.ts";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const members = (token: string) => t.app.inject({ method: "GET", url: "/v1/workspaces/current/members", headers: bearer(token) });

describe("workspace", () => {
  it("reads and updates the current workspace; viewers cannot update", async () => {
    const owner = await signup(t.app, "ws");
    const viewer = await addMember(t.app, owner, "viewer");
    expect((await t.app.inject({ method: "GET", url: "/v1/workspaces/current", headers: bearer(viewer.token) })).json().id).toBe(owner.workspaceId);
    const upd = await t.app.inject({
      method: "PUT",
      url: "/v1/workspaces/current",
      headers: bearer(owner.token),
      payload: { name: "Riverside Dental", timezone: "America/Chicago" },
    });
    expect(upd.json()).toMatchObject({ name: "Riverside Dental", timezone: "America/Chicago" });
    const bad = await t.app.inject({ method: "PUT", url: "/v1/workspaces/current", headers: bearer(owner.token), payload: { timezone: "Mars/Base" } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details[0].path).toBe("body.timezone");
    expect((await t.app.inject({ method: "PUT", url: "/v1/workspaces/current", headers: bearer(viewer.token), payload: { name: "x" } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: "GET", url: "/v1/workspaces/current" })).statusCode).toBe(401);
  });
});

describe("members", () => {
  it("invites by token link; the invitee joins with the invited role", async () => {
    const owner = await signup(t.app, "inv");
    const invite = await t.app.inject({
      method: "POST",
      url: "/v1/workspaces/current/invitations",
      headers: bearer(owner.token),
      payload: { email: "New@Example.com", role: "admin" },
    });
    expect(invite.statusCode).toBe(201);
    const inv = invite.json();
    expect(inv.acceptUrl).toContain(`token=${inv.token}`);
    const list = await t.app.inject({ method: "GET", url: "/v1/workspaces/current/invitations", headers: bearer(owner.token) });
    expect(list.json().data[0]).not.toHaveProperty("token");
    const accept = await t.app.inject({ method: "POST", url: "/v1/invitations/accept", payload: { token: inv.token, name: "Nia", password: "new member pw" } });
    expect(accept.statusCode).toBe(200);
    expect(accept.json()).toMatchObject({ role: "admin", workspace: { id: owner.workspaceId }, user: { email: "new@example.com" } });
    const again = await t.app.inject({ method: "POST", url: "/v1/invitations/accept", payload: { token: inv.token, name: "Nia", password: "new member pw" } });
    expect(again.statusCode).toBe(404);
    const roster = (await members(owner.token)).json().data;
    expect(roster.map((m: { role: string }) => m.role).sort()).toEqual(["admin", "owner"]);
  });

  it("validates invitations (422) and requires admin (403)", async () => {
    const owner = await signup(t.app, "inv2");
    const staff = await addMember(t.app, owner, "staff");
    const bad = await t.app.inject({
      method: "POST",
      url: "/v1/workspaces/current/invitations",
      headers: bearer(owner.token),
      payload: { email: "x", role: "owner" },
    });
    expect(bad.statusCode).toBe(422);
    const denied = await t.app.inject({
      method: "POST",
      url: "/v1/workspaces/current/invitations",
      headers: bearer(staff.token),
      payload: { email: "a@b.co" },
    });
    expect(denied.statusCode).toBe(403);
  });

  it("changes roles and audits it; the last owner cannot be demoted", async () => {
    const owner = await signup(t.app, "roles");
    const staff = await addMember(t.app, owner, "staff");
    const promote = await t.app.inject({
      method: "PATCH",
      url: `/v1/workspaces/current/members/${staff.userId}`,
      headers: bearer(owner.token),
      payload: { role: "admin" },
    });
    expect(promote.json().role).toBe("admin");
    const me = await t.app.inject({ method: "GET", url: "/v1/auth/me", headers: bearer(staff.token) });
    expect(me.json().role).toBe("admin");
    const demoteSelf = await t.app.inject({
      method: "PATCH",
      url: `/v1/workspaces/current/members/${owner.userId}`,
      headers: bearer(owner.token),
      payload: { role: "admin" },
    });
    expect(demoteSelf.statusCode).toBe(409);
    expect(demoteSelf.json().error.message).toMatch(/last owner/);
    const adminTouchesOwner = await t.app.inject({
      method: "PATCH",
      url: `/v1/workspaces/current/members/${owner.userId}`,
      headers: bearer(staff.token),
      payload: { role: "viewer" },
    });
    expect(adminTouchesOwner.statusCode).toBe(403);
    const actions = (await tenantScope(t.db, owner.workspaceId).audit.list()).map((r) => r.action);
    expect(actions).toContain("member.role_changed");
  });

  it("removes a member (their token stops working); the owner cannot be removed", async () => {
    const owner = await signup(t.app, "remove");
    const viewer = await addMember(t.app, owner, "viewer");
    const ownerGone = await t.app.inject({ method: "DELETE", url: `/v1/workspaces/current/members/${owner.userId}`, headers: bearer(owner.token) });
    expect(ownerGone.statusCode).toBe(409);
    const res = await t.app.inject({ method: "DELETE", url: `/v1/workspaces/current/members/${viewer.userId}`, headers: bearer(owner.token) });
    expect(res.statusCode).toBe(204);
    expect((await members(viewer.token)).statusCode).toBe(401);
    const actions = (await tenantScope(t.db, owner.workspaceId).audit.list()).map((r) => r.action);
    expect(actions).toContain("member.removed");
    const missing = await t.app.inject({ method: "DELETE", url: `/v1/workspaces/current/members/${viewer.userId}`, headers: bearer(owner.token) });
    expect(missing.statusCode).toBe(404);
  });

  it("blocking a member refuses their next request", async () => {
    const owner = await signup(t.app, "block");
    const staff = await addMember(t.app, owner, "staff");
    expect((await members(staff.token)).statusCode).toBe(200);
    const block = await t.app.inject({
      method: "PUT",
      url: `/v1/workspaces/current/members/${staff.userId}/status`,
      headers: bearer(owner.token),
      payload: { status: "blocked" },
    });
    expect(block.json().status).toBe("blocked");
    expect((await members(staff.token)).statusCode).toBe(403);
    await t.app.inject({
      method: "PUT",
      url: `/v1/workspaces/current/members/${staff.userId}/status`,
      headers: bearer(owner.token),
      payload: { status: "active" },
    });
    expect((await members(staff.token)).statusCode).toBe(200);
  });

  it("a block made on one api instance refuses the member's next request on another at once", async () => {
    // Two processes share Redis in production; embedded, one process shares its in-memory cache.
    const sharedCache = t.cache.kind === "redis" ? createCache({ redisUrl: testTargets().redisUrl }) : t.cache;
    const other = await buildTestApp({}, { db: t.db, cache: sharedCache });
    try {
      const owner = await signup(t.app, "block-2");
      const staff = await addMember(t.app, owner, "staff");
      const onOther = () => other.app.inject({ method: "GET", url: "/v1/workspaces/current/members", headers: bearer(staff.token) });
      expect((await onOther()).statusCode).toBe(200);
      await t.app.inject({
        method: "PUT",
        url: `/v1/workspaces/current/members/${staff.userId}/status`,
        headers: bearer(owner.token),
        payload: { status: "blocked" },
      });
      expect((await onOther()).statusCode).toBe(403);
      const unblock = await t.app.inject({
        method: "PUT",
        url: `/v1/workspaces/current/members/${staff.userId}/status`,
        headers: bearer(owner.token),
        payload: { status: "active" },
      });
      expect(unblock.statusCode).toBe(200);
      await t.app.inject({ method: "PATCH", url: `/v1/workspaces/current/members/${staff.userId}`, headers: bearer(owner.token), payload: { role: "viewer" } });
      const me = await other.app.inject({ method: "GET", url: "/v1/auth/me", headers: bearer(staff.token) });
      expect(me.json().role).toBe("viewer");
      await t.app.inject({ method: "DELETE", url: `/v1/workspaces/current/members/${staff.userId}`, headers: bearer(owner.token) });
      expect((await onOther()).statusCode).toBe(401);
    } finally {
      await other.close();
      if (sharedCache !== t.cache) await sharedCache.close();
    }
  });
});
