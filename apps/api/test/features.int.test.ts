import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "@orbis/config";
import { createId, PLAN_FEATURES } from "@orbis/contracts";
import { referralAdminRepository, type Database } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

/**
 * Feature flags (`GET /v1/features`): the plan's features (billing off: all), then the operator's
 * per-workspace overrides (`PUT /v1/admin/workspaces/:id/features`); practice routes answer 402 without
 * `sales_practice`.
 */
let shared: Database;
beforeAll(async () => {
  shared = await createTestDatabase();
});
afterAll(() => shared.close());

const flagsOf = async (t: TestApp, who: Account) => {
  const res = await t.app.inject({ url: "/v1/features", headers: bearer(who.token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().flags as Record<string, boolean>;
};
const override = (t: TestApp, operator: Account, workspaceId: string, flag: string, enabled: boolean | null) =>
  t.app.inject({ method: "PUT", url: `/v1/admin/workspaces/${workspaceId}/features`, headers: bearer(operator.token), payload: { flag, enabled } });
const personas = (t: TestApp, who: Account) => t.app.inject({ url: "/v1/practice/personas", headers: bearer(who.token) });

describe("billing off", () => {
  let t: TestApp;
  let operator: Account;
  let customer: Account;
  beforeAll(async () => {
    t = await buildTestApp({}, { db: shared });
    operator = await signup(t.app, "flags-operator");
    customer = await signup(t.app, "flags-customer");
    await referralAdminRepository(t.db.system).addPlatformAdmin(operator.userId);
  });
  afterAll(() => t.close());

  it("every feature is on", async () => {
    expect(await flagsOf(t, customer)).toEqual(Object.fromEntries(PLAN_FEATURES.map((f) => [f, true])));
    expect((await personas(t, customer)).statusCode).toBe(200);
  });

  it("an operator's override turns sales practice off (402 on practice routes, even before the body is read) and back to the plan", async () => {
    const off = await override(t, operator, customer.workspaceId, "sales_practice", false);
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().flags).toMatchObject({ sales_practice: false, webhooks: true });
    expect((await flagsOf(t, customer)).sales_practice).toBe(false);

    const gated = await personas(t, customer);
    expect(gated.statusCode).toBe(402);
    expect(gated.json().error).toMatchObject({ code: "plan_limit", message: "Sales practice is not included in this workspace's plan" });
    const badBody = await t.app.inject({ method: "POST", url: "/v1/practice/sessions", headers: bearer(customer.token), payload: { personaId: 1 } });
    expect(badBody.statusCode).toBe(402);
    // Other workspaces keep it.
    expect((await personas(t, operator)).statusCode).toBe(200);

    const back = await override(t, operator, customer.workspaceId, "sales_practice", null);
    expect(back.json().flags.sales_practice).toBe(true);
    expect((await personas(t, customer)).statusCode).toBe(200);
  });

  it("only the operator sets overrides; an unknown workspace is 404, an unknown flag 422", async () => {
    expect((await override(t, customer, customer.workspaceId, "sales_practice", false)).statusCode).toBe(403);
    expect((await override(t, operator, createId("workspace"), "sales_practice", false)).statusCode).toBe(404);
    expect((await override(t, operator, customer.workspaceId, "teleportation", false)).statusCode).toBe(422);
  });

  it("signed-out callers get 401 on the flags and on practice routes", async () => {
    expect((await t.app.inject({ url: "/v1/features" })).statusCode).toBe(401);
    expect((await t.app.inject({ url: "/v1/practice/personas" })).statusCode).toBe(401);
  });
});

describe("billing on", () => {
  let t: TestApp;
  let operator: Account;
  let customer: Account;
  beforeAll(async () => {
    t = await buildTestApp({ billing: { ...testConfig().billing, mode: "stripe" } }, { db: shared });
    operator = await signup(t.app, "flags-operator-paid");
    customer = await signup(t.app, "flags-free");
    await referralAdminRepository(t.db.system).addPlatformAdmin(operator.userId);
  });
  afterAll(() => t.close());

  it("the default (free) plan's features only: no sales practice until the operator turns it on", async () => {
    const flags = await flagsOf(t, customer);
    expect(flags).toMatchObject({ sales_practice: false, cloud_voices: false });
    expect((await personas(t, customer)).statusCode).toBe(402);
    expect((await override(t, operator, customer.workspaceId, "sales_practice", true)).statusCode).toBe(200);
    expect((await flagsOf(t, customer)).sales_practice).toBe(true);
    expect((await personas(t, customer)).statusCode).toBe(200);
  });
});
