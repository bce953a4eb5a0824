import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantScope } from "@orbis/db";
import { addMember, bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let owner: Account;
beforeAll(async () => {
  t = await buildTestApp();
  owner = await signup(t.app, "keys");
});
afterAll(() => t.close());

const createKey = (token: string, payload: object) => t.app.inject({ method: "POST", url: "/v1/api-keys", headers: bearer(token), payload });

describe("/v1/api-keys", () => {
  it("shows a secret key once, then only its prefix; the key authenticates", async () => {
    const res = await createKey(owner.token, { name: "server", kind: "secret" });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created.key).toMatch(/^sk_[0-9A-Za-z]{40}$/);
    expect(created.id).toMatch(/^key_/);
    expect(created.key.startsWith(created.prefix.replace("…", ""))).toBe(true);
    const list = (await t.app.inject({ method: "GET", url: "/v1/api-keys", headers: bearer(owner.token) })).json().data;
    expect(list.find((k: { id: string }) => k.id === created.id)).not.toHaveProperty("key");
    expect(JSON.stringify(list)).not.toContain(created.key);
    const agents = await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(created.key), payload: validAgent });
    expect(agents.statusCode).toBe(201);
    const row = (await tenantScope(t.db, owner.workspaceId).apiKeys.get(created.id))!;
    expect(row.keyHash).not.toContain(created.key);
  });

  it("a publishable key needs origins and cannot call the management API", async () => {
    const bad = await createKey(owner.token, { name: "widget", kind: "publishable", allowedOrigins: [] });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details[0].path).toBe("body.allowedOrigins");
    const badOrigin = await createKey(owner.token, { name: "widget", kind: "publishable", allowedOrigins: ["https://x.com/path"] });
    expect(badOrigin.statusCode).toBe(422);
    const pk = (await createKey(owner.token, { name: "widget", kind: "publishable", allowedOrigins: ["https://riverside.example"] })).json();
    expect(pk.key).toMatch(/^pk_/);
    const res = await t.app.inject({ method: "GET", url: "/v1/agents", headers: { ...bearer(pk.key), origin: "https://riverside.example" } });
    expect(res.statusCode).toBe(403);
  });

  it("revoking a key stops it at once and is audited", async () => {
    const { id, key } = (await createKey(owner.token, { name: "temp", kind: "secret" })).json();
    expect((await t.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(key) })).statusCode).toBe(200);
    const revoke = await t.app.inject({ method: "DELETE", url: `/v1/api-keys/${id}`, headers: bearer(owner.token) });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json().revokedAt).not.toBeNull();
    expect((await t.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(key) })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "DELETE", url: `/v1/api-keys/${id}`, headers: bearer(owner.token) })).statusCode).toBe(404);
    const actions = (await tenantScope(t.db, owner.workspaceId).audit.list()).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["api_key.created", "api_key.revoked"]));
  });

  it("requires auth (401) and admin (403)", async () => {
    expect((await t.app.inject({ method: "GET", url: "/v1/api-keys" })).statusCode).toBe(401);
    const viewer = await addMember(t.app, owner, "viewer");
    expect((await createKey(viewer.token, { name: "x", kind: "secret" })).statusCode).toBe(403);
    expect((await t.app.inject({ method: "GET", url: "/v1/api-keys", headers: bearer(viewer.token) })).statusCode).toBe(403);
  });

  it("answers 404 for an unknown key id and 422 for a malformed one", async () => {
    expect((await t.app.inject({ method: "DELETE", url: "/v1/api-keys/key_00000000000000000000", headers: bearer(owner.token) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "DELETE", url: "/v1/api-keys/nope", headers: bearer(owner.token) })).statusCode).toBe(422);
  });
});
