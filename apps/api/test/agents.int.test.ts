import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "@orbis/db/testing";
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
    expect(agent.providers).toMatchObject({ stt: ["offline"], tts: ["offline"], llm: [] });
    expect(agent.providers).not.toHaveProperty("brain");
  });

  it("gets, updates and deletes an agent", async () => {
    const { id } = (await create(owner.token)).json();
    expect((await t.app.inject({ method: "GET", url: `/v1/agents/${id}`, headers: bearer(viewer.token) })).json().id).toBe(id);
    const upd = await t.app.inject({
      method: "PATCH",
      url: `/v1/agents/${id}`,
      headers: bearer(owner.token),
      payload: { greeting: "Hello!", turnTaking: { silenceMs: 900 } },
    });
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

  it("lists each agent exactly as GET /:id answers it (the page's JSON is rendered by PostgreSQL)", async () => {
    const other = await signup(t.app, "rendering");
    const awkward = {
      name: 'Dr. "Ana" Ñúñez — 歯科 🦷',
      systemPrompt: "Line one\nline\ttwo \\ back\\slash \u0001 control, \u2028 separator, </script>",
      greeting: "",
      voice: "kal",
      language: "es",
      providers: {
        stt: ["deepgram", "offline"],
        tts: ["offline"],
        llm: ["openai"],
        realtime: null,
        options: { temperature: 0.3, nested: { list: [1, "two", null] } },
      },
      tools: [
        { type: "transfer", to: "+15551234567" },
        { type: "webhook", url: "https://example.com/h?a=1&b=2" },
      ],
      business: { hours: { mon: "9-5" }, faqs: [{ q: "Parking?", a: "Yes — free." }], price: 12.5, open: true, none: null },
      turnTaking: { silenceMs: 750, entitySilenceMs: 1500, completeSilenceMs: 250, minSpeechMs: 120, maxTurnMs: 20000, bargeInMs: 400 },
      idleTimeoutSec: 90,
      recordCalls: true,
    };
    const plain = (await create(other.token, { name: "Plain" })).json();
    const fancy = (await create(other.token, awkward)).json();
    await t.app.inject({ method: "POST", url: `/v1/agents/${plain.id}/publish`, headers: bearer(other.token) });
    const res = await t.app.inject({ method: "GET", url: "/v1/agents", headers: bearer(other.token) });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    const listed = res.json();
    expect(listed.nextCursor).toBeNull();
    expect(listed.data.map((a: { id: string }) => a.id)).toEqual([fancy.id, plain.id]);
    for (const item of listed.data) {
      const one = (await t.app.inject({ method: "GET", url: `/v1/agents/${item.id}`, headers: bearer(other.token) })).json();
      expect(item).toStrictEqual(one);
    }
    expect(listed.data[0]).toMatchObject(awkward);
    expect(listed.data[1]).toMatchObject({ status: "published", publishedVersion: 1 });
  });

  it("pages through agents created within one millisecond without skipping any", async () => {
    const other = await signup(t.app, "same-ms");
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await create(other.token, { name: `Twin ${i}` })).json().id);
    // Four rows 100 µs apart inside one millisecond: a cursor cut to milliseconds skips the rest of it.
    for (const [i, id] of ids.entries())
      await t.db.system.execute(sql`update agents set created_at = ${`2026-03-04T05:06:07.1234${i}Z`}::timestamptz where id = ${id}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string; createdAt: string }[]; nextCursor: string | null } = (
        await t.app.inject({ method: "GET", url: `/v1/agents?limit=1${cursor ? `&cursor=${cursor}` : ""}`, headers: bearer(other.token) })
      ).json();
      seen.push(...page.data.map((a) => a.id));
      if (page.data[0]) expect(page.data[0].createdAt).toBe("2026-03-04T05:06:07.123Z");
      cursor = page.nextCursor;
    } while (cursor && seen.length <= ids.length);
    expect(seen).toEqual([...ids].reverse());
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
    const cursorOf = (text: string) => Buffer.from(text).toString("base64url");
    for (const cursor of [
      "zzz",
      cursorOf("2026-13-40T00:00:00Z|agt_x"),
      cursorOf("2026-02-30T00:00:00Z|agt_x"),
      cursorOf("yesterday|agt_x"),
      cursorOf("2026-01-01T00:00:00.000Z|"),
    ]) {
      const badCursor = await t.app.inject({ method: "GET", url: `/v1/agents?cursor=${cursor}`, headers: bearer(owner.token) });
      expect(badCursor.statusCode, cursor).toBe(422);
      expect(badCursor.json().error.message).toContain("query.cursor");
    }
  });

  it("requires authentication (401)", async () => {
    for (const [method, url] of [
      ["GET", "/v1/agents"],
      ["POST", "/v1/agents"],
      ["GET", "/v1/agents/agt_00000000000000000000"],
    ] as const) {
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
