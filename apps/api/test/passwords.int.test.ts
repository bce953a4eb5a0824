import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ publicBaseUrl: "https://voice.example.com" });
});
afterAll(() => t.close());

const me = (token: string) => t.app.inject({ url: "/v1/auth/me", headers: bearer(token) });
const login = (email: string, password: string) => t.app.inject({ method: "POST", url: "/v1/auth/login", payload: { email, password } });
const resetLink = (actor: Account, userId: string) =>
  t.app.inject({ method: "POST", url: "/v1/auth/password-resets", headers: bearer(actor.token), payload: { userId } });
const complete = (token: string, password: string) => t.app.inject({ method: "POST", url: "/v1/auth/password-resets/complete", payload: { token, password } });
const tokenOf = (url: string) => new URL(url).searchParams.get("token")!;
const auditActions = async (owner: Account) =>
  ((await t.app.inject({ url: "/v1/audit-logs?limit=50", headers: bearer(owner.token) })).json() as { data: { action: string }[] }).data.map((r) => r.action);

describe("password reset links made by an owner or admin", () => {
  it("a staff member sets a new password with the link: the old one and their sessions stop working; the link works once", async () => {
    const owner = await signup(t.app, "reset");
    const staff = await addMember(t.app, owner, "staff");
    const made = await resetLink(owner, staff.userId);
    expect(made.statusCode).toBe(201);
    const { url, expiresAt } = made.json();
    expect(url).toMatch(/^https:\/\/voice\.example\.com\/reset-password\?token=[\w-]{40,}$/);
    expect(new Date(expiresAt).getTime() - Date.now()).toBeGreaterThan(50 * 60_000);

    expect((await complete(tokenOf(url), "a brand new passphrase")).statusCode).toBe(200);
    expect((await me(staff.token)).statusCode).toBe(401);
    expect((await login(staff.email, staff.password)).statusCode).toBe(401);
    expect((await login(staff.email, "a brand new passphrase")).statusCode).toBe(200);

    const again = await complete(tokenOf(url), "yet another passphrase");
    expect(again.statusCode).toBe(401);
    expect(again.json().error.message).toMatch(/expired or was already used/);
    expect(await auditActions(owner)).toEqual(expect.arrayContaining(["member.password_reset_link", "auth.password_reset"]));
  });

  it("a newer link replaces the older one; a made-up token is refused; a short password is a 422 naming the field", async () => {
    const owner = await signup(t.app, "reset2");
    const viewer = await addMember(t.app, owner, "viewer");
    const first = tokenOf((await resetLink(owner, viewer.userId)).json().url);
    const second = tokenOf((await resetLink(owner, viewer.userId)).json().url);
    expect((await complete(first, "first link password")).statusCode).toBe(401);
    const short = await complete(second, "short");
    expect(short.statusCode).toBe(422);
    expect(JSON.stringify(short.json().error.details)).toContain("password");
    expect((await complete("x".repeat(43), "made up token pass")).statusCode).toBe(401);
    expect((await complete(second, "second link password")).statusCode).toBe(200);
  });

  it("refuses links for equals or higher ranks, for oneself, for members of other workspaces, and from other workspaces", async () => {
    const owner = await signup(t.app, "reset3");
    const admin = await addMember(t.app, owner, "admin");
    const staff = await addMember(t.app, owner, "staff");
    const otherAdmin = await addMember(t.app, owner, "admin");
    expect((await resetLink(admin, owner.userId)).statusCode).toBe(403);
    expect((await resetLink(admin, otherAdmin.userId)).statusCode).toBe(403);
    expect((await resetLink(owner, owner.userId)).statusCode).toBe(403);
    expect((await resetLink(staff, owner.userId)).statusCode).toBe(403);
    expect((await resetLink(admin, staff.userId)).statusCode).toBe(201);

    // Workspace B's owner cannot make a link for A's member: not a member of B.
    const other = await signup(t.app, "reset3b");
    expect((await resetLink(other, staff.userId)).statusCode).toBe(404);

    // Once the staff member also belongs to B, A can no longer reset their password for them.
    const invite = await t.app.inject({
      method: "POST",
      url: "/v1/workspaces/current/invitations",
      headers: bearer(other.token),
      payload: { email: staff.email, role: "viewer" },
    });
    expect(
      (await t.app.inject({ method: "POST", url: "/v1/invitations/accept", payload: { token: invite.json().token, password: staff.password } })).statusCode,
    ).toBe(200);
    const refused = await resetLink(owner, staff.userId);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toMatch(/another workspace/);
  });
});

describe("changing one's own password", () => {
  it("needs the current password, ends the other sessions and keeps this one", async () => {
    const owner = await signup(t.app, "change");
    const elsewhere = (await login(owner.email, owner.password)).json().token as string;
    const wrong = await t.app.inject({
      method: "POST",
      url: "/v1/auth/password",
      headers: bearer(owner.token),
      payload: { currentPassword: "not my password", newPassword: "a better passphrase" },
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.details[0].path).toBe("body.currentPassword");

    const same = await t.app.inject({
      method: "POST",
      url: "/v1/auth/password",
      headers: bearer(owner.token),
      payload: { currentPassword: owner.password, newPassword: owner.password },
    });
    expect(same.statusCode).toBe(422);

    const changed = await t.app.inject({
      method: "POST",
      url: "/v1/auth/password",
      headers: bearer(owner.token),
      payload: { currentPassword: owner.password, newPassword: "a better passphrase" },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({ sessionsEnded: 1 });
    expect((await me(owner.token)).statusCode).toBe(200);
    expect((await me(elsewhere)).statusCode).toBe(401);
    expect((await login(owner.email, owner.password)).statusCode).toBe(401);
    expect((await login(owner.email, "a better passphrase")).statusCode).toBe(200);
    expect(await auditActions(owner)).toContain("auth.password_changed");
  });

  it("is refused to an API key", async () => {
    const owner = await signup(t.app, "changekey");
    const key = await t.app.inject({ method: "POST", url: "/v1/api-keys", headers: bearer(owner.token), payload: { name: "ci", kind: "secret" } });
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/auth/password",
      headers: bearer(key.json().key),
      payload: { currentPassword: owner.password, newPassword: "a better passphrase" },
    });
    expect(res.statusCode).toBe(403);
  });
});
