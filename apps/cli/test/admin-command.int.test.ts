import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "@orbis/config";
import { referralAdminRepository } from "@orbis/db";
import { buildPlatform, createRuntime, type Runtime } from "../src/index.ts";
import { createPlatformAdmin } from "../src/commands.ts";

/** `orbis admin create --email …`: the operator it makes can sign in and reach the console. */
let runtime: Runtime;
let app: Awaited<ReturnType<typeof buildPlatform>>;

beforeAll(async () => {
  runtime = createRuntime(testConfig({ dataDir: mkdtempSync(join(tmpdir(), "orbis-admin-")) }));
  await runtime.db.migrate();
  app = await buildPlatform(runtime, { api: true });
  await app.ready();
}, 60_000);
afterAll(async () => {
  await app.close();
  await runtime.close();
});

const login = (email: string, password: string) => app.inject({ method: "POST", url: "/v1/auth/login", payload: { email, password } });
const adminMe = (token: string) => app.inject({ method: "GET", url: "/v1/admin/me", headers: { authorization: `Bearer ${token}` } });

describe("orbis admin create", () => {
  it("creates a user with a generated password and an Operator workspace; they sign in and reach the console", async () => {
    const result = await createPlatformAdmin(runtime.db, { email: "ops@orbis.example", name: "Olive Operator" });
    expect(result).toMatchObject({ email: "ops@orbis.example", created: true });
    expect(result.password!.length).toBeGreaterThanOrEqual(16);
    expect(await referralAdminRepository(runtime.db.system).isPlatformAdmin(result.userId)).toBe(true);

    const signedIn = await login("ops@orbis.example", result.password!);
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.json()).toMatchObject({ user: { name: "Olive Operator" }, workspace: { name: "Operator", id: result.workspaceId } });
    const me = await adminMe(signedIn.json().token);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ platformAdmin: true, email: "ops@orbis.example" });
  });

  it("makes an existing user the operator without touching their password; running it again changes nothing", async () => {
    const signup = await app.inject({
      method: "POST",
      url: "/v1/auth/signup",
      payload: { email: "owner@clinic.example", password: "correct horse battery", name: "Clinic Owner", workspaceName: "Clinic" },
    });
    expect(signup.statusCode, signup.body).toBe(201);
    const token = signup.json().token as string;
    expect((await adminMe(token)).statusCode).toBe(403);

    const first = await createPlatformAdmin(runtime.db, { email: "owner@clinic.example" });
    expect(first).toEqual({ userId: signup.json().user.id, email: "owner@clinic.example", created: false });
    expect((await createPlatformAdmin(runtime.db, { email: "owner@clinic.example" })).created).toBe(false);
    expect((await adminMe(token)).statusCode).toBe(200);
    expect((await login("owner@clinic.example", "correct horse battery")).statusCode).toBe(200);
  });

  it("refuses something that is not an email address", async () => {
    await expect(createPlatformAdmin(runtime.db, { email: "not-an-email" })).rejects.toThrow(/--email/);
  });
});
