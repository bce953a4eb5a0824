import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "@orbis/config";
import { referralAdminRepository, tenantScope, type Database } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

/**
 * The plan features gate what is created (docs/billing.md, Features): cloud voices on agents (create,
 * update, publish, rollback), phone numbers, custom HTTP tools and webhook endpoints answer 402
 * `plan_limit` while the workspace's plan leaves the feature out; the operator's override turns it on;
 * billing off allows everything; what already exists keeps working.
 */

/** BILLING=stripe with one default plan that has no count limits and no features: only the feature gates refuse. */
const CATALOGUE = {
  defaultPlanId: "basic",
  plans: [
    {
      id: "basic",
      name: "Basic",
      monthlyPriceUsd: 0,
      includedCalls: null,
      includedMinutes: null,
      overage: null,
      concurrentCalls: null,
      agents: null,
      phoneNumbers: null,
    },
  ],
};

let dir: string;
let shared: Database;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "orbis-feature-gates-"));
  writeFileSync(join(dir, "plans.json"), JSON.stringify(CATALOGUE));
  shared = await createTestDatabase();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await shared.close();
});

const cloudAgent = { ...validAgent, name: "Cloud", providers: { stt: ["deepgram"], tts: ["elevenlabs", "offline"] } };

type Inject = TestApp["app"]["inject"];
const api = (inject: Inject, who: Account) => ({
  post: (url: string, payload: unknown) => inject({ method: "POST", url, headers: bearer(who.token), payload: payload as object }),
  patch: (url: string, payload: unknown) => inject({ method: "PATCH", url, headers: bearer(who.token), payload: payload as object }),
  get: (url: string) => inject({ url, headers: bearer(who.token) }),
});
const newTool = (name: string) => ({
  name,
  description: "Looks up an order",
  args: { type: "object", properties: { orderId: { type: "string" } }, required: ["orderId"] },
  url: "https://example.com/orders",
  method: "POST",
});
const newEndpoint = { url: "https://example.com/hooks/orbis", eventTypes: ["call.ended"] };
let numbers = 0;
const newNumber = () => ({ number: `+1415555${String(2000 + numbers++).padStart(4, "0")}`, provider: "twilio" });

function expectPlanLimit(
  res: { statusCode: number; body: string; json(): { error: { code: string; message: string; details?: unknown } } },
  message: string | RegExp,
) {
  expect(res.statusCode, res.body).toBe(402);
  expect(res.json().error.code).toBe("plan_limit");
  expect(res.json().error.message).toMatch(message);
}

describe("billing on, the plan without features", () => {
  let t: TestApp;
  let operator: Account;
  let a: Account;
  const override = (workspaceId: string, flag: string, enabled: boolean | null) =>
    t.app.inject({ method: "PUT", url: `/v1/admin/workspaces/${workspaceId}/features`, headers: bearer(operator.token), payload: { flag, enabled } });

  beforeAll(async () => {
    t = await buildTestApp({ billing: { ...testConfig().billing, mode: "stripe", plansFile: join(dir, "plans.json") } }, { db: shared });
    operator = await signup(t.app, "gates-operator");
    a = await signup(t.app, "gates-a");
    await referralAdminRepository(t.db.system).addPlatformAdmin(operator.userId);
  });
  afterAll(() => t.close());

  it("cloud voices: creating, updating, publishing or rolling back to cloud speech is a 402 naming the field; offline agents are untouched", async () => {
    const as = api(t.app.inject.bind(t.app) as Inject, a);
    const refused = await as.post("/v1/agents", cloudAgent);
    expectPlanLimit(refused, /providers\.stt names deepgram; providers\.tts names elevenlabs/);
    expect(refused.json().error.details).toEqual([
      expect.objectContaining({ path: "body.providers.stt", feature: "cloud_voices", providers: ["deepgram"] }),
      expect.objectContaining({ path: "body.providers.tts", feature: "cloud_voices", providers: ["elevenlabs"] }),
    ]);
    expect((await as.get("/v1/agents")).json().data).toEqual([]);

    // The offline engines by any of their names, and an LLM (not a voice), are allowed.
    const offline = await as.post("/v1/agents", { ...validAgent, providers: { stt: ["pocketsphinx"], tts: ["flite", "offline"] } });
    expect(offline.statusCode, offline.body).toBe(201);
    const id = offline.json().id as string;
    expect((await as.post(`/v1/agents/${id}/publish`, {})).statusCode).toBe(200);

    const realtime = await as.patch(`/v1/agents/${id}`, { providers: { realtime: "gemini-live" } });
    expectPlanLimit(realtime, /providers\.realtime names gemini-live/);
    expect(realtime.json().error.details[0]).toMatchObject({ path: "body.providers.realtime" });
    expect((await as.patch(`/v1/agents/${id}`, { greeting: "Hello again." })).statusCode).toBe(200);

    // A draft that names a cloud voice (saved while the plan had it) cannot be published.
    await tenantScope(t.db, a.workspaceId).agents.update(id, { providers: { stt: ["offline"], tts: ["elevenlabs"], llm: [], realtime: null, options: {} } });
    const publish = await as.post(`/v1/agents/${id}/publish`, {});
    expectPlanLimit(publish, /providers\.tts names elevenlabs/);
    expect(publish.json().error.details[0]).toMatchObject({ path: "providers.tts" });
    expect((await as.get(`/v1/agents/${id}`)).json().publishedVersion).toBe(1);

    // Allowed once the operator turns the feature on; a version with cloud voices is then refused again after it is turned off.
    expect((await override(a.workspaceId, "cloud_voices", true)).statusCode).toBe(200);
    expect((await as.post(`/v1/agents/${id}/publish`, {})).statusCode).toBe(200);
    const created = await as.post("/v1/agents", cloudAgent);
    expect(created.statusCode, created.body).toBe(201);
    await as.patch(`/v1/agents/${id}`, { providers: { stt: ["offline"], tts: ["offline"] } });
    expect((await as.post(`/v1/agents/${id}/publish`, {})).json().version.version).toBe(3);
    expect((await override(a.workspaceId, "cloud_voices", null)).statusCode).toBe(200);
    const rollback = await as.post(`/v1/agents/${id}/versions/2/rollback`, {});
    expectPlanLimit(rollback, /providers\.tts names elevenlabs/);
    expect((await as.post(`/v1/agents/${id}/versions/1/rollback`, {})).statusCode).toBe(200);
  });

  it("phone numbers, custom tools and webhooks: creating is a 402 until the operator turns the feature on; what exists keeps working after", async () => {
    const b = await signup(t.app, "gates-b");
    const as = api(t.app.inject.bind(t.app) as Inject, b);
    const agentId = (await as.post("/v1/agents", validAgent)).json().id as string;

    expectPlanLimit(await as.post("/v1/phone-numbers", newNumber()), "Phone numbers are not included in this workspace's plan");
    const tool = await as.post(`/v1/agents/${agentId}/tools`, newTool("orders"));
    expectPlanLimit(tool, "Custom tools are not included in this workspace's plan");
    expect(tool.json().error.details).toEqual({ feature: "custom_tools" });
    expectPlanLimit(await as.post("/v1/webhook-endpoints", newEndpoint), "Webhooks are not included in this workspace's plan");
    expect((await as.get("/v1/phone-numbers")).json().data).toEqual([]);
    expect((await as.get(`/v1/agents/${agentId}/tools`)).json().data).toEqual([]);
    expect((await as.get("/v1/webhook-endpoints")).json().data).toEqual([]);
    // Nothing was audited as created.
    const actions = (await as.get("/v1/audit-logs")).json().data.map((e: { action: string }) => e.action);
    expect(actions.filter((x: string) => /^(phone_number|tool|webhook_endpoint)\.created$/.test(x))).toEqual([]);

    for (const flag of ["phone_numbers", "custom_tools", "webhooks"]) expect((await override(b.workspaceId, flag, true)).statusCode).toBe(200);
    const number = await as.post("/v1/phone-numbers", newNumber());
    expect(number.statusCode, number.body).toBe(201);
    const made = await as.post(`/v1/agents/${agentId}/tools`, newTool("orders"));
    expect(made.statusCode, made.body).toBe(201);
    const endpoint = await as.post("/v1/webhook-endpoints", newEndpoint);
    expect(endpoint.statusCode, endpoint.body).toBe(201);

    // Back to the plan: existing resources are read and changed as before; only new ones are refused.
    for (const flag of ["phone_numbers", "custom_tools", "webhooks"]) await override(b.workspaceId, flag, null);
    expect((await as.patch(`/v1/phone-numbers/${number.json().id}`, { label: "Main line" })).statusCode).toBe(200);
    expect((await as.patch(`/v1/agents/${agentId}/tools/${made.json().id}`, { description: "Finds an order" })).statusCode).toBe(200);
    expect((await as.patch(`/v1/webhook-endpoints/${endpoint.json().id}`, { description: "CRM" })).statusCode).toBe(200);
    expect((await as.get("/v1/phone-numbers")).json().data).toHaveLength(1);
    expectPlanLimit(await as.post("/v1/phone-numbers", newNumber()), /Phone numbers/);
    expectPlanLimit(await as.post(`/v1/agents/${agentId}/tools`, newTool("stock")), /Custom tools/);
    expectPlanLimit(await as.post("/v1/webhook-endpoints", newEndpoint), /Webhooks/);
  });

  it("one workspace's override does not open the gates of another", async () => {
    const c = await signup(t.app, "gates-c");
    const d = await signup(t.app, "gates-d");
    await override(c.workspaceId, "webhooks", true);
    expect((await api(t.app.inject.bind(t.app) as Inject, c).post("/v1/webhook-endpoints", newEndpoint)).statusCode).toBe(201);
    expectPlanLimit(await api(t.app.inject.bind(t.app) as Inject, d).post("/v1/webhook-endpoints", newEndpoint), /Webhooks/);
  });
});

describe("billing off (self-hosted)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({}, { db: shared });
  });
  afterAll(() => t.close());

  it("every gated thing can be created", async () => {
    const a = await signup(t.app, "gates-off");
    const as = api(t.app.inject.bind(t.app) as Inject, a);
    const agent = await as.post("/v1/agents", cloudAgent);
    expect(agent.statusCode, agent.body).toBe(201);
    expect((await as.post(`/v1/agents/${agent.json().id}/publish`, {})).statusCode).toBe(200);
    expect((await as.post("/v1/phone-numbers", newNumber())).statusCode).toBe(201);
    expect((await as.post(`/v1/agents/${agent.json().id}/tools`, newTool("orders"))).statusCode).toBe(201);
    expect((await as.post("/v1/webhook-endpoints", newEndpoint)).statusCode).toBe(201);
  });
});
