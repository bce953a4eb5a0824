import type { InjectOptions } from "fastify";
import { testConfig } from "@orbis/config";
import { signUnsubscribe } from "@orbis/email";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ publicBaseUrl: "https://voice.example.com" });
});
afterAll(() => t.close());

const inject = (options: InjectOptions) => t.app.inject(options);
const forgot = (email: string) => inject({ method: "POST", url: "/v1/auth/forgot-password", payload: { email } });
const complete = (token: string, password: string) => inject({ method: "POST", url: "/v1/auth/password-resets/complete", payload: { token, password } });
const login = (email: string, password: string) => inject({ method: "POST", url: "/v1/auth/login", payload: { email, password } });
const me = (a: Account) => inject({ url: "/v1/auth/me", headers: bearer(a.token) });
const outbox = async (a: Account) =>
  (await inject({ url: "/v1/dev/outbox", headers: bearer(a.token) })).json().data as { id: string; to: string; template: string }[];
const detail = (a: Account, id: string) => inject({ url: `/v1/dev/outbox/${id}`, headers: bearer(a.token) });

/** The emails to an address (system side: a user's own mail belongs to no workspace). */
async function mailTo(address: string, template?: string) {
  const rows = (await t.db.system.execute(
    `select id, template, text, html, workspace_id, status from emails where to_address = '${address.replace(/'/g, "''")}' order by created_at` as never,
  )) as unknown as { rows: { id: string; template: string; text: string; html: string; workspace_id: string | null; status: string }[] };
  return rows.rows.filter((r) => !template || r.template === template);
}
const tokenIn = (text: string, path: string) => new RegExp(`${path}\\?token=([\\w-]+)`).exec(text)?.[1];
const auditActions = async (owner: Account) =>
  ((await inject({ url: "/v1/audit-logs?limit=50", headers: bearer(owner.token) })).json() as { data: { action: string }[] }).data.map((r) => r.action);

describe("forgot password", () => {
  it("answers 202 for a known and an unknown address alike, and emails a reset link only to the account", async () => {
    const owner = await signup(t.app, "forgot");
    const unknown = `nobody-${Date.now()}@example.com`;
    const a = await forgot(owner.email);
    const b = await forgot(unknown);
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect(a.body).toBe(b.body);
    expect(await mailTo(unknown)).toHaveLength(0);
    const [mail] = await mailTo(owner.email, "password_reset");
    expect(mail?.workspace_id).toBeNull();
    expect(mail?.text).toContain("https://voice.example.com/reset-password?token=");

    const token = tokenIn(mail!.text, "reset-password")!;
    expect((await complete(token, "a fresh passphrase")).statusCode).toBe(200);
    expect((await login(owner.email, "a fresh passphrase")).statusCode).toBe(200);
    expect((await complete(token, "another passphrase")).statusCode).toBe(401);
    expect(await auditActions({ ...owner, token: (await login(owner.email, "a fresh passphrase")).json().token })).toEqual(
      expect.arrayContaining(["auth.password_reset_requested", "auth.password_reset"]),
    );
  });

  it("refuses an expired link, and sends no more than three links an hour to one address", async () => {
    const owner = await signup(t.app, "forgot2");
    await forgot(owner.email);
    const token = tokenIn((await mailTo(owner.email, "password_reset"))[0]!.text, "reset-password")!;
    await t.db.system.execute(`update password_resets set expires_at = now() - interval '1 minute' where used_at is null` as never);
    expect((await complete(token, "too late passphrase")).statusCode).toBe(401);
    for (let i = 0; i < 3; i++) expect((await forgot(owner.email)).statusCode).toBe(202);
    expect(await mailTo(owner.email, "password_reset")).toHaveLength(3);
    expect((await forgot("not-an-address")).statusCode).toBe(422);
  });
});

describe("email verification", () => {
  it("signup sends a verification email; its link verifies the address once; me shows it", async () => {
    const owner = await signup(t.app, "verify");
    expect((await me(owner)).json().emailVerified).toBe(false);
    const mails = await mailTo(owner.email, "verify_email");
    expect(mails).toHaveLength(1);
    const token = tokenIn(mails[0]!.text, "verify-email")!;
    expect(token).toBeTruthy();
    const verify = (tk: string) => inject({ method: "POST", url: "/v1/auth/verify-email", payload: { token: tk } });
    expect((await verify("x".repeat(43))).statusCode).toBe(401);
    expect((await verify(token)).statusCode).toBe(200);
    expect((await me(owner)).json().emailVerified).toBe(true);
    expect((await verify(token)).statusCode).toBe(401);
    const resend = await inject({ method: "POST", url: "/v1/auth/resend-verification", headers: bearer(owner.token) });
    expect(resend.statusCode).toBe(409);
    expect(await auditActions(owner)).toContain("auth.email_verified");
  });

  it("resend sends a new link (once a minute) and the old one stops working", async () => {
    const owner = await signup(t.app, "resend");
    const first = tokenIn((await mailTo(owner.email, "verify_email"))[0]!.text, "verify-email")!;
    const resend = () => inject({ method: "POST", url: "/v1/auth/resend-verification", headers: bearer(owner.token) });
    expect((await resend()).statusCode).toBe(202);
    expect((await resend()).statusCode).toBe(429);
    const mails = await mailTo(owner.email, "verify_email");
    expect(mails).toHaveLength(2);
    expect((await inject({ method: "POST", url: "/v1/auth/verify-email", payload: { token: first } })).statusCode).toBe(401);
    const second = tokenIn(mails[1]!.text, "verify-email")!;
    expect((await inject({ method: "POST", url: "/v1/auth/verify-email", payload: { token: second } })).statusCode).toBe(200);
    expect((await inject({ method: "POST", url: "/v1/auth/resend-verification" })).statusCode).toBe(401);
  });
});

describe("notification preferences and unsubscribe", () => {
  it("defaults (daily summary off), partial updates, unknown keys refused, audited", async () => {
    const owner = await signup(t.app, "prefs");
    const get = async () => (await inject({ url: "/v1/me/notification-preferences", headers: bearer(owner.token) })).json();
    expect(await get()).toEqual({ messageTaken: true, appointments: true, dailySummary: false, webhookAlerts: true });
    const put = (payload: object) => inject({ method: "PUT", url: "/v1/me/notification-preferences", headers: bearer(owner.token), payload });
    const changed = await put({ messageTaken: false, dailySummary: true });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({ messageTaken: false, appointments: true, dailySummary: true, webhookAlerts: true });
    expect(await get()).toEqual(changed.json());
    expect((await put({ spam: true })).statusCode).toBe(422);
    expect((await put({ appointments: "no" })).statusCode).toBe(422);
    expect(await auditActions(owner)).toContain("user.notification_preferences_changed");
    expect((await inject({ url: "/v1/me/notification-preferences" })).statusCode).toBe(401);
  });

  it("a signed one-click link switches that kind off; a forged one changes nothing", async () => {
    const owner = await signup(t.app, "unsub");
    const secret = testConfig().jwtSecret!;
    const token = signUnsubscribe(secret, { userId: owner.userId, kind: "appointments", workspaceId: owner.workspaceId });
    const forged = signUnsubscribe("not-the-secret-not-the-secret-000", { userId: owner.userId, kind: "messageTaken", workspaceId: owner.workspaceId });
    const bad = await inject({ url: `/v1/email/unsubscribe?token=${encodeURIComponent(forged)}` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("bad_request");
    const ok = await inject({ url: `/v1/email/unsubscribe?token=${encodeURIComponent(token)}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers["content-type"]).toMatch(/text\/html/);
    expect(ok.body).toContain("You are unsubscribed");
    const prefs = (await inject({ url: "/v1/me/notification-preferences", headers: bearer(owner.token) })).json();
    expect(prefs).toMatchObject({ appointments: false, messageTaken: true });
    expect(await auditActions(owner)).toContain("user.unsubscribed");
  });
});

describe("invitations and the dev outbox", () => {
  it("an invitation emails its accept link; the outbox shows a workspace's emails to its owners only, and 404 to another workspace", async () => {
    const a = await signup(t.app, "outbox-a");
    const b = await signup(t.app, "outbox-b");
    const invitee = `invitee-${Date.now()}@example.com`;
    const invite = await inject({
      method: "POST",
      url: "/v1/workspaces/current/invitations",
      headers: bearer(a.token),
      payload: { email: invitee, role: "staff" },
    });
    expect(invite.statusCode).toBe(201);
    const [mail] = await mailTo(invitee, "invitation");
    expect(mail?.text).toContain(invite.json().acceptUrl);
    expect(mail?.text).toContain("outbox-a workspace");

    const listA = await outbox(a);
    expect(listA.map((e) => e.id)).toContain(mail!.id);
    expect(listA.find((e) => e.template === "verify_email")?.to).toBe(a.email);
    const shown = await detail(a, mail!.id);
    expect(shown.statusCode).toBe(200);
    expect(shown.json().html).toContain(invite.json().acceptUrl.replace(/&/g, "&amp;"));

    const listB = await outbox(b);
    expect(listB.map((e) => e.id)).not.toContain(mail!.id);
    expect(listB.every((e) => e.to === b.email)).toBe(true);
    expect((await detail(b, mail!.id)).statusCode).toBe(404);
    // A's own verification email is A's alone.
    const ownA = listA.find((e) => e.template === "verify_email")!;
    expect((await detail(b, ownA.id)).statusCode).toBe(404);

    const staff = await addMember(t.app, a, "staff");
    expect((await outbox(staff)).map((e) => e.id)).not.toContain(mail!.id);
    expect((await detail(staff, mail!.id)).statusCode).toBe(404);
  });

  it("is not there when an SMTP server is configured", async () => {
    const smtp = await buildTestApp({ smtpUrl: "smtp://127.0.0.1:2525" }, { db: t.db, cache: t.cache });
    try {
      const owner = await signup(smtp.app, "smtp");
      expect((await smtp.app.inject({ url: "/v1/dev/outbox", headers: bearer(owner.token) })).statusCode).toBe(404);
    } finally {
      await smtp.close();
    }
  });
});
