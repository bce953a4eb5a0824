import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantScope } from "@orbis/db";
import { addMember, bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let owner: Account;
let viewer: Account;
let staff: Account;
beforeAll(async () => {
  t = await buildTestApp();
  owner = await signup(t.app, "agents");
  viewer = await addMember(t.app, owner, "viewer");
  staff = await addMember(t.app, owner, "staff");
});
afterAll(() => t.close());

const create = (token: string, payload: object = validAgent) => t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(token), payload });

describe("/v1/agents", () => {
  it("creates an agent with defaults filled in", async () => {
    const res = await create(owner.token);
    expect(res.statusCode).toBe(201);
    const agent = res.json();
    expect(agent.id).toMatch(/^agt_/);
    expect(agent).toMatchObject({ name: "Front desk", status: "draft", voice: "slt", language: "en-US", idleTimeoutSec: 1800, publishedVersion: null });
    expect(agent.turnTaking).toMatchObject({ silenceMs: 600, bargeInMs: 300 });
    expect(agent.providers).toMatchObject({ brain: "receptionist", stt: ["offline"], tts: ["offline"] });
  });

  it("gets, updates and deletes an agent", async () => {
    const { id } = (await create(owner.token)).json();
    expect((await t.app.inject({ method: "GET", url: `/v1/agents/${id}`, headers: bearer(viewer.token) })).json().id).toBe(id);
    const upd = await t.app.inject({ method: "PATCH", url: `/v1/agents/${id}`, headers: bearer(owner.token), payload: { greeting: "Hello!", turnTaking: { silenceMs: 900 } } });
    expect(upd.statusCode).toBe(200);
    expect(upd.json()).toMatchObject({ greeting: "Hello!", name: "Front desk", turnTaking: { silenceMs: 900, entitySilenceMs: 1400 } });
    const del = await t.app.inject({ method: "DELETE", url: `/v1/agents/${id}`, headers: bearer(owner.token) });
    expect(del.statusCode).toBe(204);
    expect((await t.app.inject({ method: "GET", url: `/v1/agents/${id}`, headers: bearer(owner.token) })).statusCode).toBe(404);
    const audit = await tenantScope(t.db, owner.workspaceId).audit.list();
    expect(audit.find((r) => r.action === "agent.deleted" && r.targetId === id)).toBeTruthy();
  });

  it("paginates newest first with a cursor", async () => {
    const other = await signup(t.app, "paging");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create(other.token, { name: `Agent ${i}` })).json().id);
    const p1 = (await t.app.inject({ method: "GET", url: "/v1/agents?limit=2", headers: bearer(other.token) })).json();
    expect(p1.data.map((a: { id: string }) => a.id)).toEqual([ids[4], ids[3]]);
    const p2 = (await t.app.inject({ method: "GET", url: `/v1/agents?limit=2&cursor=${p1.nextCursor}`, headers: bearer(other.token) })).json();
    expect(p2.data.map((a: { id: string }) => a.id)).toEqual([ids[2], ids[1]]);
    const p3 = (await t.app.inject({ method: "GET", url: `/v1/agents?limit=2&cursor=${p2.nextCursor}`, headers: bearer(other.token) })).json();
    expect(p3.data.map((a: { id: string }) => a.id)).toEqual([ids[0]]);
    expect(p3.nextCursor).toBeNull();
  });

  it("publish snapshots the config as numbered versions", async () => {
    const { id } = (await create(owner.token)).json();
    const p1 = await t.app.inject({ method: "POST", url: `/v1/agents/${id}/publish`, headers: bearer(owner.token) });
    expect(p1.json()).toMatchObject({ status: "published", publishedVersion: 1 });
    await t.app.inject({ method: "PATCH", url: `/v1/agents/${id}`, headers: bearer(owner.token), payload: { greeting: "v2 greeting" } });
    const p2 = await t.app.inject({ method: "POST", url: `/v1/agents/${id}/publish`, headers: bearer(owner.token) });
    expect(p2.json().publishedVersion).toBe(2);
    const versions = (await t.app.inject({ method: "GET", url: `/v1/agents/${id}/versions`, headers: bearer(viewer.token) })).json().data;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(versions[0].config.greeting).toBe("v2 greeting");
    expect(versions[1].config.greeting).toBe(validAgent.greeting);
  });

  it("validates input with the path of the problem (422)", async () => {
    const res = await create(owner.token, { name: "", turnTaking: { silenceMs: 5 } });
    expect(res.statusCode).toBe(422);
    const paths = res.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["body.name", "body.turnTaking.silenceMs"]));
    const badId = await t.app.inject({ method: "GET", url: "/v1/agents/not-an-id", headers: bearer(owner.token) });
    expect(badId.statusCode).toBe(422);
    expect(badId.json().error.details[0].path).toBe("params.id");
    const badCursor = await t.app.inject({ method: "GET", url: "/v1/agents?cursor=zzz", headers: bearer(owner.token) });
    expect(badCursor.statusCode).toBe(422);
  });

  it("requires authentication (401)", async () => {
    for (const [method, url] of [["GET", "/v1/agents"], ["POST", "/v1/agents"], ["GET", "/v1/agents/agt_00000000000000000000"]] as const) {
      const res = await t.app.inject({ method, url, payload: method === "POST" ? validAgent : undefined });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it("viewer and staff read but cannot write (403)", async () => {
    const { id } = (await create(owner.token)).json();
    expect((await t.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(viewer.token) })).statusCode).toBe(200);
    for (const who of [viewer, staff]) {
      expect((await create(who.token)).statusCode).toBe(403);
      expect((await t.app.inject({ method: "PATCH", url: `/v1/agents/${id}`, headers: bearer(who.token), payload: { name: "x" } })).statusCode).toBe(403);
      expect((await t.app.inject({ method: "DELETE", url: `/v1/agents/${id}`, headers: bearer(who.token) })).statusCode).toBe(403);
      expect((await t.app.inject({ method: "POST", url: `/v1/agents/${id}/publish`, headers: bearer(who.token) })).statusCode).toBe(403);
    }
  });

  it("answers 404 for an id that does not exist", async () => {
    const res = await t.app.inject({ method: "GET", url: "/v1/agents/agt_00000000000000000000", headers: bearer(owner.token) });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: "not_found", message: "Agent not found" } });
  });
});
