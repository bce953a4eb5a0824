import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createId, earningsSchema } from "@orbis/contracts";
import { schema } from "@orbis/db";
import { bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

/** GET /v1/referrals/me/earnings: the signed-in user's commissions as a referrer, and nobody else's. */
let t: TestApp;
let rita: Account;
let other: Account;
let harbor: Account;
let linkId: string;

beforeAll(async () => {
  t = await buildTestApp();
  rita = await signup(t.app, "rita");
  other = await signup(t.app, "other");
  harbor = await signup(t.app, "harbor");
  linkId = createId("referralLink");
  await t.db.system
    .insert(schema.referralLinks)
    .values({ id: linkId, code: `rita-${linkId.slice(4).toLowerCase()}`, userId: rita.userId, programId: "refer-and-earn" });
});
afterAll(() => t.close());

async function commission(o: {
  status: "pending" | "held" | "approved" | "paid" | "reversed" | "rejected";
  amountUsd: number;
  at: string;
  reasons?: string[];
}) {
  const id = createId("commission");
  await t.db.system.insert(schema.referralCommissions).values({
    id,
    workspaceId: harbor.workspaceId,
    linkId,
    programId: "refer-and-earn",
    referrerUserId: rita.userId,
    kind: "invoice",
    sourceId: `in_${id}`,
    amountUsd: o.amountUsd,
    status: o.status,
    holdUntil: o.status === "pending" ? new Date(new Date(o.at).getTime() + 30 * 86_400_000) : null,
    reasons: o.reasons ?? [],
    createdAt: new Date(o.at),
  });
  return id;
}

const earnings = (headers: Record<string, string>) => t.app.inject({ method: "GET", url: "/v1/referrals/me/earnings", headers });

describe("GET /v1/referrals/me/earnings", () => {
  it("sums by status, estimates pending + held + approved, lists the newest first and charts approved + paid by month", async () => {
    const paid = await commission({ status: "paid", amountUsd: 30, at: "2027-01-10T10:00:00Z" });
    await commission({ status: "approved", amountUsd: 20.1, at: "2027-02-10T10:00:00Z" });
    await commission({ status: "reversed", amountUsd: 7, at: "2027-02-11T10:00:00Z" });
    await commission({ status: "approved", amountUsd: -4, at: "2027-03-01T10:00:00Z", reasons: ["refund"] });
    await commission({ status: "held", amountUsd: 5, at: "2027-03-02T10:00:00Z", reasons: ["click_burst"] });
    const newest = await commission({ status: "pending", amountUsd: 10.25, at: "2027-03-03T10:00:00Z" });
    await commission({ status: "rejected", amountUsd: 99, at: "2027-03-04T09:00:00Z" });

    const res = await earnings(bearer(rita.token));
    expect(res.statusCode).toBe(200);
    const body = earningsSchema.parse(res.json());
    expect(body.totals).toEqual({ pending: 10.25, held: 5, approved: 16.1, paid: 30, reversed: 7 });
    expect(body.estimatedUsd).toBe(31.35);
    expect(body.commissions).toHaveLength(7);
    expect(body.commissions[1]).toMatchObject({ id: newest, status: "pending", amountUsd: 10.25, referredWorkspace: "harbor workspace", reasons: [] });
    expect(body.commissions[1]!.holdUntil).toBe("2027-04-02T10:00:00.000Z");
    expect(body.commissions.at(-1)).toMatchObject({ id: paid, status: "paid" });
    expect(body.commissions.find((c) => c.status === "held")!.reasons).toEqual(["click_burst"]);
    expect(body.monthly).toEqual([
      { month: "2027-01", amountUsd: 30 },
      { month: "2027-02", amountUsd: 20.1 },
      { month: "2027-03", amountUsd: -4 },
    ]);
    // The referred business is shown by its name only.
    expect(res.body).not.toContain(harbor.workspaceId);
  });

  it("another user sees none of them, and neither does the referred workspace's owner", async () => {
    for (const account of [other, harbor]) {
      const res = await earnings(bearer(account.token));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        currency: "usd",
        totals: { pending: 0, held: 0, approved: 0, paid: 0, reversed: 0 },
        estimatedUsd: 0,
        commissions: [],
        monthly: [],
      });
    }
  });

  it("answers 401 without a session and 403 to an API key", async () => {
    expect((await t.app.inject({ method: "GET", url: "/v1/referrals/me/earnings" })).statusCode).toBe(401);
    const key = await t.app.inject({ method: "POST", url: "/v1/api-keys", headers: bearer(rita.token), payload: { name: "server", kind: "secret" } });
    expect(key.statusCode).toBe(201);
    const res = await earnings(bearer(key.json().key));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe("forbidden");
  });
});
