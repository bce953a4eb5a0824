import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createId } from "@orbis/contracts";
import { schema, tenantScope } from "@orbis/db";
import { eq } from "@orbis/db/testing";
import { testBusiness } from "./bookings.fixtures.ts";
import { addMember, bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let owner: Account;
let other: Account;

beforeAll(async () => {
  // The platform has an Anthropic key and no other: OpenAI needs the workspace's own.
  t = await buildTestApp({ providerKeys: { anthropic: { apiKey: "sk-ant-platform" }, ollama: { baseUrl: "http://127.0.0.1:11434" } } });
  owner = await signup(t.app, "versions");
  other = await signup(t.app, "versions-other");
});
afterAll(() => t.close());

const as = (account: Account, method: "GET" | "POST" | "PATCH" | "PUT", url: string, payload?: Record<string, unknown>) =>
  t.app.inject({ method, url, headers: bearer(account.token), ...(payload === undefined ? {} : { payload }) });

async function newAgent(patch: Record<string, unknown> = {}): Promise<string> {
  const res = await as(owner, "POST", "/v1/agents", { ...validAgent, ...patch });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}
const publish = (id: string, account = owner) => as(account, "POST", `/v1/agents/${id}/publish`, {});
const versionRows = async (agentId: string) => (await t.db.system.select().from(schema.agentVersions).where(eq(schema.agentVersions.agentId, agentId))).length;
const auditActions = async (workspaceId: string, targetId: string) =>
  (await t.db.system.select().from(schema.auditLogs).where(eq(schema.auditLogs.workspaceId, workspaceId)))
    .filter((r) => r.targetId === targetId)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .map((r) => r.action);

describe("POST /v1/agents/:id/publish", () => {
  it("snapshots the draft as a version; publishing again unchanged answers that version and creates none", async () => {
    const id = await newAgent();
    const first = await publish(id);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ status: "published", publishedVersion: 1, unchanged: false, version: { version: 1, agentId: id } });
    expect(first.json().version.config.greeting).toBe(validAgent.greeting);

    const again = await publish(id);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ publishedVersion: 1, unchanged: true, version: { id: first.json().version.id, version: 1 } });
    expect(await versionRows(id)).toBe(1);

    await as(owner, "PATCH", `/v1/agents/${id}`, { greeting: "Changed." });
    const changed = await publish(id);
    expect(changed.json()).toMatchObject({ publishedVersion: 2, unchanged: false, version: { version: 2 } });
    expect(await versionRows(id)).toBe(2);
    // One audit row per version created, none for the unchanged publish.
    expect((await auditActions(owner.workspaceId, id)).filter((a) => a === "agent.published")).toEqual(["agent.published", "agent.published"]);
  });

  it("a viewer cannot publish (403)", async () => {
    const id = await newAgent();
    const viewer = await addMember(t.app, owner, "viewer");
    expect((await publish(id, viewer)).statusCode).toBe(403);
  });
});

describe("publish readiness (422, every problem in details)", () => {
  const refused = async (id: string) => {
    const res = await publish(id);
    expect(res.statusCode, res.body).toBe(422);
    const body = res.json().error;
    expect(body.code).toBe("validation_failed");
    expect(await versionRows(id)).toBe(0);
    return body as { message: string; details: { check: string; path: string; message: string }[] };
  };

  it("an LLM provider with no key (neither the platform's nor the workspace's) is refused, naming what to store", async () => {
    const id = await newAgent({ providers: { llm: ["openai"] } });
    const error = await refused(id);
    expect(error.message).toMatch(/Cannot publish: .*openai.*PUT \/v1\/credentials\/openai/);
    expect(error.details).toEqual([expect.objectContaining({ check: "llm_provider_key", path: "providers.llm.0" })]);

    // The workspace stores its own key: now it runs.
    const put = await as(owner, "PUT", "/v1/credentials/openai", { apiKey: "sk-workspace-0123456789" });
    expect(put.statusCode, put.body).toBeLessThan(300);
    expect((await publish(id)).statusCode).toBe(200);
  });

  it("the platform's key counts; a vendor needing no key passes; an unknown provider is refused", async () => {
    expect((await publish(await newAgent({ providers: { llm: ["anthropic"] } }))).statusCode).toBe(200);
    expect((await publish(await newAgent({ providers: { llm: ["ollama"] } }))).statusCode).toBe(200);
    const error = await refused(await newAgent({ providers: { llm: ["gemini", "no-such-model"] } }));
    expect(error.details.map((d) => d.check)).toEqual(["llm_provider_key", "llm_provider_known"]);
    expect(error.message).toMatch(/and 1 more problem\b/);
  });

  it("an enabled HTTP tool whose URL the outbound guard refuses is refused; disabled it is not", async () => {
    const id = await newAgent();
    const tenant = tenantScope(t.db, owner.workspaceId);
    const toolId = createId("tool");
    await tenant.agentTools.insert({
      id: toolId,
      agentId: id,
      name: "lookup_order",
      description: "Finds an order",
      args: [],
      url: "http://127.0.0.1:9/orders",
      secret: "tsec_test",
    });
    const error = await refused(id);
    expect(error.details).toEqual([expect.objectContaining({ check: "http_tool_url", path: "tools.lookup_order.url" })]);
    expect(error.message).toMatch(/lookup_order/);
    await tenant.agentTools.update(id, toolId, { enabled: false });
    expect((await publish(id)).statusCode).toBe(200);
  });

  it("a booking receptionist with no opening hours is refused", async () => {
    const closed = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    const id = await newAgent({ business: { ...testBusiness, hours: closed } });
    const error = await refused(id);
    expect(error.details).toEqual([expect.objectContaining({ check: "booking_hours", path: "business.hours" })]);
    expect(error.message).toMatch(/opening hours/);
    await as(owner, "PUT", `/v1/agents/${id}/business`, testBusiness);
    expect((await publish(id)).statusCode).toBe(200);
  });
});

describe("versions: read, diff, roll back", () => {
  it("GET one version; 404 for a version that does not exist; 422 for one that is not a number", async () => {
    const id = await newAgent();
    await publish(id);
    const one = await as(owner, "GET", `/v1/agents/${id}/versions/1`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ version: 1, agentId: id, config: { greeting: validAgent.greeting } });
    expect((await as(owner, "GET", `/v1/agents/${id}/versions/7`)).statusCode).toBe(404);
    expect((await as(owner, "GET", `/v1/agents/${id}/versions/one`)).statusCode).toBe(422);
  });

  it("diff lists each changed field of the draft against a version", async () => {
    const id = await newAgent();
    await publish(id);
    expect((await as(owner, "GET", `/v1/agents/${id}/versions/1/diff`)).json()).toEqual({ version: 1, changes: [] });
    await as(owner, "PATCH", `/v1/agents/${id}`, { greeting: "New hello.", turnTaking: { silenceMs: 900 }, providers: { llm: ["anthropic"] } });
    const diff = await as(owner, "GET", `/v1/agents/${id}/versions/1/diff`);
    expect(diff.statusCode).toBe(200);
    expect(diff.json().changes).toEqual(
      expect.arrayContaining([
        { path: "greeting", before: validAgent.greeting, after: "New hello." },
        { path: "turnTaking.silenceMs", before: 600, after: 900 },
        { path: "providers.llm.0", after: "anthropic" },
      ]),
    );
    expect(diff.json().changes).toHaveLength(3);
  });

  it("rollback publishes the earlier config as a new version, restores the draft and writes an audit row", async () => {
    const id = await newAgent({ greeting: "Version one." });
    await publish(id);
    await as(owner, "PATCH", `/v1/agents/${id}`, { greeting: "Version two." });
    await publish(id);
    await as(owner, "PATCH", `/v1/agents/${id}`, { greeting: "Unpublished draft." });

    const back = await as(owner, "POST", `/v1/agents/${id}/versions/1/rollback`, {});
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({
      greeting: "Version one.",
      publishedVersion: 3,
      unchanged: false,
      version: { version: 3, config: { greeting: "Version one." } },
    });
    expect((await as(owner, "GET", `/v1/agents/${id}`)).json()).toMatchObject({ greeting: "Version one.", publishedVersion: 3 });
    expect((await as(owner, "GET", `/v1/agents/${id}/versions`)).json().data.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(await auditActions(owner.workspaceId, id)).toContain("agent.rolled_back");

    // Rolling back to what callers already hear creates nothing.
    const same = await as(owner, "POST", `/v1/agents/${id}/versions/3/rollback`, {});
    expect(same.json()).toMatchObject({ publishedVersion: 3, unchanged: true });
    expect(await versionRows(id)).toBe(3);
    expect((await as(owner, "POST", `/v1/agents/${id}/versions/9/rollback`, {})).statusCode).toBe(404);
  });

  it("a rollback to a config that can no longer run is refused like a publish (422)", async () => {
    const id = await newAgent();
    // A version published while it could run (stored directly: this workspace has no Gemini key).
    const config = (await as(owner, "GET", `/v1/agents/${id}`)).json();
    const ownerTenant = tenantScope(t.db, owner.workspaceId);
    await ownerTenant.agents.insertVersion({
      id: createId("agentVersion"),
      agentId: id,
      version: 1,
      config: { ...config, providers: { ...config.providers, llm: ["gemini"] } },
    });
    const res = await as(owner, "POST", `/v1/agents/${id}/versions/1/rollback`, {});
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details[0]).toMatchObject({ check: "llm_provider_key" });
  });

  it("another workspace cannot read, diff, roll back or publish the agent's versions (404)", async () => {
    const id = await newAgent();
    await publish(id);
    for (const [method, url] of [
      ["GET", `/v1/agents/${id}/versions`],
      ["GET", `/v1/agents/${id}/versions/1`],
      ["GET", `/v1/agents/${id}/versions/1/diff`],
      ["POST", `/v1/agents/${id}/versions/1/rollback`],
      ["POST", `/v1/agents/${id}/publish`],
    ] as const) {
      const res = await as(other, method, url, method === "POST" ? {} : undefined);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect(await versionRows(id)).toBe(1);
  });
});
