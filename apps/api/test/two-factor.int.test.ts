import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode, totpStepAt } from "@orbis/auth";
import { schema, tenantScope } from "@orbis/db";
import { eq } from "@orbis/db/testing";
import { addMember, bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

// The api's clock, moved on by one TOTP step (30 s) whenever a test needs a fresh code: a code is accepted once.
let clock = Date.now();
const now = () => new Date(clock);
const nextStep = () => (clock += 30_000);
const code = (secret: string) => totpCode(secret, totpStepAt(now()));

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({}, { now });
});
afterAll(() => t.close());

// One address of its own: failed codes count against the address, and Redis keeps counts across files and runs.
const octet = () => Math.floor(Math.random() * 250) + 1;
const remoteAddress = `10.${octet()}.${octet()}.${octet()}`;
const post = (url: string, payload: object, token?: string) =>
  t.app.inject({ method: "POST", url, payload, remoteAddress, ...(token ? { headers: bearer(token) } : {}) });
const me = (token: string) => t.app.inject({ method: "GET", url: "/v1/auth/me", headers: bearer(token) });
const auditActions = async (workspaceId: string) => (await tenantScope(t.db, workspaceId).audit.list()).map((r) => r.action);

/** Enrols the account's user from the dashboard; answers the secret and the recovery codes. */
async function enrol(a: Account) {
  const setup = await post("/v1/auth/two-factor/setup", {}, a.token);
  expect(setup.statusCode).toBe(200);
  const { secret } = setup.json();
  const enabled = await post("/v1/auth/two-factor/enable", { code: code(secret) }, a.token);
  expect(enabled.statusCode).toBe(200);
  nextStep();
  return { secret: secret as string, recoveryCodes: enabled.json().recoveryCodes as string[] };
}

async function challengeFor(a: { email: string; password: string }) {
  const res = await post("/v1/auth/login", { email: a.email, password: a.password });
  expect(res.statusCode).toBe(200);
  return res;
}

describe("enrolling from the dashboard", () => {
  it("setup gives a secret and an otpauth URI, a code confirms it, recovery codes are shown once; the secret is encrypted at rest", async () => {
    const a = await signup(t.app, "enrol");
    expect((await t.app.inject({ method: "GET", url: "/v1/auth/two-factor", headers: bearer(a.token) })).json()).toEqual({
      enabled: false,
      pending: false,
      recoveryCodesLeft: 0,
      requiredByWorkspace: false,
    });
    const setup = await post("/v1/auth/two-factor/setup", {}, a.token);
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUri } = setup.json();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toBe(`otpauth://totp/OrbisVoice:${encodeURIComponent(a.email)}?secret=${secret}&issuer=OrbisVoice&algorithm=SHA1&digits=6&period=30`);
    expect((await t.app.inject({ method: "GET", url: "/v1/auth/two-factor", headers: bearer(a.token) })).json()).toMatchObject({
      enabled: false,
      pending: true,
    });

    const [row] = await t.db.system.select().from(schema.userTwoFactor).where(eq(schema.userTwoFactor.userId, a.userId));
    expect(row!.secret).toMatch(/^v1\./);
    expect(row!.secret).not.toContain(secret);

    const wrong = await post("/v1/auth/two-factor/enable", { code: "000000" }, a.token);
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.details[0].path).toBe("body.code");
    const enabled = await post("/v1/auth/two-factor/enable", { code: code(secret) }, a.token);
    expect(enabled.statusCode).toBe(200);
    const { recoveryCodes } = enabled.json();
    expect(recoveryCodes).toHaveLength(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/);
    const [after] = await t.db.system.select().from(schema.userTwoFactor).where(eq(schema.userTwoFactor.userId, a.userId));
    expect(after!.recoveryCodeHashes).toHaveLength(10);
    expect(JSON.stringify(after)).not.toContain(recoveryCodes[0]);

    expect((await me(a.token)).json().twoFactorEnabled).toBe(true);
    expect((await t.app.inject({ method: "GET", url: "/v1/auth/two-factor", headers: bearer(a.token) })).json()).toMatchObject({
      enabled: true,
      recoveryCodesLeft: 10,
    });
    // Enabling again, or starting another enrolment while it is on, is a conflict.
    expect((await post("/v1/auth/two-factor/setup", {}, a.token)).statusCode).toBe(409);
    expect(await auditActions(a.workspaceId)).toContain("auth.two_factor_enabled");
    nextStep();
  });
});

describe("signing in with a second step", () => {
  it("a correct password answers a challenge, not a session; the code completes it, once", async () => {
    const a = await signup(t.app, "twostep");
    const { secret } = await enrol(a);
    const first = await challengeFor(a);
    expect(first.json()).toEqual({ twoFactor: "code", challengeToken: expect.any(String), expiresAt: expect.any(String) });
    expect(first.headers["set-cookie"]).toBeUndefined();
    // The challenge is not a session.
    expect((await me(first.json().challengeToken)).statusCode).toBe(401);

    const { challengeToken } = first.json();
    const wrong = await post("/v1/auth/login/two-factor", { challengeToken, code: "123456" });
    expect(wrong.statusCode).toBe(401);
    const ok = await post("/v1/auth/login/two-factor", { challengeToken, code: code(secret) });
    expect(ok.statusCode).toBe(200);
    expect(String(ok.headers["set-cookie"])).toMatch(/orbis_session=/);
    expect((await me(ok.json().token)).json()).toMatchObject({ user: { id: a.userId }, twoFactorEnabled: true });

    // The same code does not work twice, and a challenge completes once.
    const again = await challengeFor(a);
    expect((await post("/v1/auth/login/two-factor", { challengeToken: again.json().challengeToken, code: code(secret) })).statusCode).toBe(401);
    nextStep();
    expect((await post("/v1/auth/login/two-factor", { challengeToken, code: code(secret) })).statusCode).toBe(401);
    expect((await post("/v1/auth/login/two-factor", { challengeToken: again.json().challengeToken, code: code(secret) })).statusCode).toBe(200);
    nextStep();

    const actions = await auditActions(a.workspaceId);
    expect(actions).toContain("auth.login");
    expect(actions).toContain("auth.login_failed");
  });

  it("a recovery code signs in once in place of a code", async () => {
    const a = await signup(t.app, "recovery");
    const { recoveryCodes } = await enrol(a);
    const typed = recoveryCodes[0]!.toUpperCase().replaceAll("-", " ");
    const ok = await post("/v1/auth/login/two-factor", { challengeToken: (await challengeFor(a)).json().challengeToken, code: typed });
    expect(ok.statusCode).toBe(200);
    expect((await me(ok.json().token)).statusCode).toBe(200);
    const reused = await post("/v1/auth/login/two-factor", { challengeToken: (await challengeFor(a)).json().challengeToken, code: recoveryCodes[0] });
    expect(reused.statusCode).toBe(401);
    expect((await t.app.inject({ method: "GET", url: "/v1/auth/two-factor", headers: bearer(ok.json().token) })).json().recoveryCodesLeft).toBe(9);
  });

  it("wrong codes count as failed sign-ins: the account locks after five", async () => {
    const a = await signup(t.app, "guess");
    const { secret } = await enrol(a);
    const { challengeToken } = (await challengeFor(a)).json();
    for (let i = 0; i < 5; i++) expect((await post("/v1/auth/login/two-factor", { challengeToken, code: String(100000 + i) })).statusCode).toBe(401);
    const locked = await post("/v1/auth/login/two-factor", { challengeToken, code: code(secret) });
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("disabling takes a current code (or a recovery code); afterwards the password alone signs in", async () => {
    const a = await signup(t.app, "disable");
    const { secret } = await enrol(a);
    const wrong = await post("/v1/auth/two-factor/disable", { code: "000000" }, a.token);
    expect(wrong.statusCode).toBe(422);
    expect((await post("/v1/auth/two-factor/disable", { code: code(secret) }, a.token)).statusCode).toBe(200);
    nextStep();
    const plain = await challengeFor(a);
    expect(plain.json().token).toEqual(expect.any(String));
    expect((await me(a.token)).json().twoFactorEnabled).toBe(false);
    expect(await auditActions(a.workspaceId)).toEqual(expect.arrayContaining(["auth.two_factor_enabled", "auth.two_factor_disabled"]));
  });
});

describe("a workspace that requires two-factor sign-in", () => {
  it("only an owner with two-factor sign-in may require it; members without it enrol at their next sign-in", async () => {
    const owner = await signup(t.app, "required");
    const admin = await addMember(t.app, owner, "admin");
    const staff = await addMember(t.app, owner, "staff");
    expect(
      (await t.app.inject({ method: "PUT", url: "/v1/workspaces/current/two-factor", headers: bearer(admin.token), payload: { required: true } })).statusCode,
    ).toBe(403);
    const notYet = await t.app.inject({ method: "PUT", url: "/v1/workspaces/current/two-factor", headers: bearer(owner.token), payload: { required: true } });
    expect(notYet.statusCode).toBe(409);
    await enrol(owner);
    const set = await t.app.inject({ method: "PUT", url: "/v1/workspaces/current/two-factor", headers: bearer(owner.token), payload: { required: true } });
    expect(set.statusCode).toBe(200);
    expect(set.json().requireTwoFactor).toBe(true);
    expect(await auditActions(owner.workspaceId)).toContain("workspace.two_factor_required");

    // The member's session of before keeps working; their next sign-in asks them to enrol.
    expect((await me(staff.token)).statusCode).toBe(200);
    const login = await challengeFor(staff);
    expect(login.json()).toMatchObject({ twoFactor: "enroll" });
    const { challengeToken } = login.json();
    // An enrolment challenge is not a code challenge.
    expect((await post("/v1/auth/login/two-factor", { challengeToken, code: "123456" })).statusCode).toBe(401);
    const setup = await post("/v1/auth/login/two-factor/setup", { challengeToken });
    expect(setup.statusCode).toBe(200);
    const { secret } = setup.json();
    expect((await post("/v1/auth/login/two-factor/enable", { challengeToken, code: "000000" })).statusCode).toBe(422);
    const enrolled = await post("/v1/auth/login/two-factor/enable", { challengeToken, code: code(secret) });
    expect(enrolled.statusCode).toBe(200);
    expect(enrolled.json().recoveryCodes).toHaveLength(10);
    expect((await me(enrolled.json().token)).json()).toMatchObject({ user: { id: staff.userId }, twoFactorEnabled: true });
    nextStep();
    // From now on, a code.
    expect((await challengeFor(staff)).json()).toMatchObject({ twoFactor: "code" });

    // Someone joining through an invitation is asked the same.
    const invite = await post("/v1/workspaces/current/invitations", { email: `joiner-${Date.now()}@example.com`, role: "viewer" }, owner.token);
    const accepted = await post("/v1/invitations/accept", { token: invite.json().token, name: "Joiner", password: "joiner password" });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ twoFactor: "enroll" });
    expect(accepted.json().token).toBeUndefined();

    // The admin is asked as well; turning the requirement off lets them in with the password alone.
    expect((await challengeFor(admin)).json()).toMatchObject({ twoFactor: "enroll" });
    const off = await t.app.inject({ method: "PUT", url: "/v1/workspaces/current/two-factor", headers: bearer(owner.token), payload: { required: false } });
    expect(off.json().requireTwoFactor).toBe(false);
    expect((await challengeFor(admin)).json().token).toEqual(expect.any(String));
  });
});
