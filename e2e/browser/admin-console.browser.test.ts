import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlatform, createRuntime, type Runtime } from "@orbis/cli";
import { testConfig } from "@orbis/config";
import { createId } from "@orbis/contracts";
import { schema } from "@orbis/db";
import { webMount } from "@orbis/web";
import { createPlatformAdmin } from "../../apps/cli/src/commands.ts";
import { RESULTS, ensureBuilt, hasChromium, launch, signupViaApi, watchErrors } from "./harness.ts";

/** The operator made with `orbis admin create` signs in, reads the referral analytics and approves a pending affiliate. */
describe.runIf(hasChromium)("operator console", () => {
  let runtime: Runtime;
  let app: Awaited<ReturnType<typeof buildPlatform>>;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    ensureBuilt();
    runtime = createRuntime(testConfig({ dataDir: mkdtempSync(join(tmpdir(), "orbis-admin-e2e-")), rateLimitPerMinute: 10_000 }));
    await runtime.db.migrate();
    app = await buildPlatform(runtime, { mounts: [webMount] });
    await app.listen({ port: 0, host: "127.0.0.1" });
    base = `http://localhost:${(app.server.address() as { port: number }).port}`;
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await runtime?.close();
  });

  /** A referred workspace of this month (so the default range shows it) and an affiliate awaiting review. */
  async function seed(referrerUserId: string) {
    const db = runtime.db.system;
    const linkId = createId("referralLink");
    await db.insert(schema.referralLinks).values({ id: linkId, code: `friend-${linkId.slice(4, 12)}`, userId: referrerUserId, programId: "refer-and-earn" });
    const workspaceId = createId("workspace");
    await db.insert(schema.workspaces).values({ id: workspaceId, name: "Referred Bakery", slug: `referred-bakery-${workspaceId.slice(3, 11)}` });
    await db.insert(schema.referralAttributions).values({
      workspaceId,
      linkId,
      programId: "refer-and-earn",
      referrerUserId,
      signupAt: new Date(),
      activatedAt: new Date(),
    });
    await db.insert(schema.affiliates).values({
      id: createId("affiliate"),
      name: "Pat Pending",
      email: `pat-${Date.now()}@affiliates.example`,
      website: "https://pat.example",
      promotion: "A newsletter for dental practices",
      status: "pending",
      termsVersion: "2026-12",
      termsAcceptedAt: new Date(),
      emailVerifiedAt: new Date(),
    });
  }

  it("a customer who is not the operator is told the area is not theirs", async () => {
    const ctx = await browser.newContext();
    await signupViaApi(ctx, base, "customer");
    const page = await ctx.newPage();
    await page.goto(`${base}/admin`);
    await page.getByRole("heading", { name: "This area is for the platform operator" }).waitFor({ timeout: 15_000 });
    await ctx.close();
  });

  it("the operator sees the analytics and approves a pending affiliate", async () => {
    const ctx = await browser.newContext();
    const { email } = await signupViaApi(ctx, base, "operator");
    const made = await createPlatformAdmin(runtime.db, { email });
    await seed(made.userId);
    const page = await ctx.newPage();
    const errors = watchErrors(page);

    await page.goto(`${base}/admin`);
    await page.getByRole("heading", { name: "Referral analytics" }).waitFor({ timeout: 15_000 });
    await page.getByTestId("admin-funnel").waitFor();
    expect(await page.getByTestId("funnel-signups").innerText()).toBe("1");
    expect(await page.getByTestId("funnel-activations").innerText()).toBe("1");
    expect(await page.getByTestId("top-referrers").innerText()).toContain("operator owner");
    expect(await page.getByRole("link", { name: "Export CSV" }).getAttribute("href")).toMatch(/^\/v1\/admin\/referrals\/analytics\.csv\?from=/);
    await page.getByRole("img", { name: "Signup cohorts per month" }).waitFor();

    await page.getByRole("navigation", { name: "Operator console" }).getByRole("link", { name: "Affiliates" }).click();
    const card = page.getByTestId("admin-affiliate").filter({ hasText: "Pat Pending" });
    await card.getByText("pending", { exact: true }).waitFor({ timeout: 10_000 });
    await card.getByRole("button", { name: "Approve Pat Pending" }).click();
    await card.getByText("approved", { exact: true }).waitFor({ timeout: 10_000 });
    expect(await card.getByRole("button", { name: "Approve Pat Pending" }).count()).toBe(0);

    await page.getByRole("navigation", { name: "Operator console" }).getByRole("link", { name: "Workspaces" }).click();
    await page.getByTestId("admin-workspaces").getByText("via referral · operator owner").waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(RESULTS, "admin-console.png"), fullPage: true });
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
