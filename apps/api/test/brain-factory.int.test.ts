import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentConfigSchema } from "@orbis/contracts";
import { createBrainFactory } from "@orbis/agent-runtime";
import { testBusiness } from "./bookings.fixtures.ts";
import { bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let owner: Account;
let agentId: string;

beforeAll(async () => {
  t = await buildTestApp();
  owner = await signup(t.app, "factory");
  agentId = (await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(owner.token), payload: validAgent })).json().id;
});
afterAll(() => t.close());

async function greeting(brain: Awaited<ReturnType<ReturnType<typeof createBrainFactory>>>) {
  const session = brain.startSession({ callId: "call_factorytest0001", workspaceId: owner.workspaceId, agentId, channel: "web" });
  const out: string[] = [];
  for await (const e of session.greet(new AbortController().signal)) if (e.type === "text") out.push(e.text);
  return out.join(" ");
}

describe("createBrainFactory", () => {
  it("falls back to the generic template under the workspace name, reuses the brain while nothing changes", async () => {
    const brains = createBrainFactory(t.db);
    const agent = agentConfigSchema.parse({ ...validAgent, greeting: "" });
    const first = await brains(owner.workspaceId, agentId, agent);
    expect(await greeting(first)).toMatch(/factory workspace/);
    expect(await brains(owner.workspaceId, agentId, agent)).toBe(first);
    expect(first.phraseSpec?.().slots).toBeTruthy();

    const configured = await brains(owner.workspaceId, agentId, { ...agent, business: testBusiness as unknown as Record<string, unknown> });
    expect(configured).not.toBe(first);
    expect(await greeting(configured)).toMatch(/Test Dental/);
  });

  it("picks up the agent's HTTP tools (a new tool makes a new brain)", async () => {
    const brains = createBrainFactory(t.db);
    const agent = agentConfigSchema.parse(validAgent);
    const before = await brains(owner.workspaceId, agentId, agent);
    await t.app.inject({
      method: "POST",
      url: `/v1/agents/${agentId}/tools`,
      headers: bearer(owner.token),
      payload: { name: "lookup", description: "d", args: { type: "object" }, url: "https://hooks.example.com/x" },
    });
    expect(await brains(owner.workspaceId, agentId, agent)).not.toBe(before);
  });
});
