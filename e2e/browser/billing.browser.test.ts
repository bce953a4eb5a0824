/**
 * A business owner buys a plan, in Chromium, against the platform with BILLING=stripe and a loopback
 * Stripe (the emulator: Checkout's hosted page, invoices, signed webhooks to /v1/billing/stripe/webhook):
 * sign up → Billing shows Free, 0 of 25 calls → Upgrade on Starter → the hosted checkout → "Pay and
 * subscribe" → back on Billing, Starter is active with 250 calls and one paid invoice of $299.00 →
 * the next payment fails → the payment-failed banner, on Billing and on every other page.
 */
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import axe from "axe-core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBilling, createStripeBilling } from "@orbis/billing";
import { buildPlatform, createRuntime, type Runtime } from "@orbis/cli";
import { testConfig } from "@orbis/config";
import { schema } from "@orbis/db";
import { webMount } from "@orbis/web";
import { startStripeEmulator, type StripeEmulator } from "../billing/stripe-emulator.ts";
import { ensureBuilt, hasChromium, launch, signupViaApi, watchErrors } from "./harness.ts";

/** A port free right now: the server must know its public URL (Checkout's return URLs) before it listens. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** axe-core's WCAG 2.1 A/AA violations on the page as it is now (as in accessibility.browser.test.ts). */
async function violations(page: Page): Promise<string[]> {
  await page.evaluate(axe.source);
  const found = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run(ctx: Document, opts: unknown): Promise<{ violations: { id: string; help: string; nodes: { target: unknown[] }[] }[] }> };
    };
    return (await w.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })).violations;
  });
  return found.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe.runIf(hasChromium)("billing with Stripe in Chromium", () => {
  let runtime: Runtime;
  let app: Awaited<ReturnType<typeof buildPlatform>>;
  let emulator: StripeEmulator;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    ensureBuilt();
    const port = await freePort();
    base = `http://localhost:${port}`;
    const webhookSecret = `whsec_${Buffer.from("billing journey webhook secret!!").toString("base64")}`;
    emulator = await startStripeEmulator({ webhookSecret, webhookUrl: `${base}/v1/billing/stripe/webhook` });
    const stripe = { secretKey: "sk_test_x", webhookSecret, apiUrl: emulator.url };
    const config = testConfig({ dataDir: mkdtempSync(join(tmpdir(), "orbis-billing-e2e-")), port, publicBaseUrl: base, rateLimitPerMinute: 10_000 });
    config.billing = { ...config.billing, mode: "stripe", stripe };
    runtime = createRuntime(config);
    // What `orbis start` builds with BILLING=stripe: the plans and Stripe through the SDK, here at the emulator.
    runtime.billing = createBilling(config.billing, { stripe: createStripeBilling(stripe) });
    await runtime.db.migrate();
    app = await buildPlatform(runtime, { mounts: [webMount] });
    await app.listen({ port, host: "127.0.0.1" });
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await runtime?.close();
    await emulator?.close();
  });

  it("upgrades Free → Starter through Checkout, lists the paid invoice, then shows a failed payment", { timeout: 120_000 }, async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const errors = watchErrors(page);

    // 1. Sign up, skip the setup, open Billing from the menu: the free plan, nothing used.
    await page.goto(`${base}/signup`);
    await page.getByLabel("Your name").fill("Bea Buyer");
    await page.getByLabel("Business name").fill("Bea Dental");
    await page.getByLabel("Work email").fill(`buyer-${Date.now()}@example.com`);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/onboarding$/);
    await page.getByRole("link", { name: "Skip for now" }).click();
    await page.waitForURL(`${base}/dashboard`);
    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Billing" }).click();
    await page.waitForURL(`${base}/dashboard/billing`);
    await expect.poll(() => page.getByTestId("current-plan").textContent()).toBe("Free");
    expect(await page.getByTestId("allowance-calls").textContent()).toMatch(/^0 of 25 calls used — resets on \w+ \d+, \d{4}$/);
    await page.getByText("No invoices yet").waitFor();
    const plans = page.getByRole("region", { name: "Plans" });
    const custom = plans.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Custom" }) });
    expect(await custom.getByRole("link", { name: "Contact sales" }).getAttribute("href")).toMatch(/^mailto:/);
    expect(await page.getByRole("alert").count()).toBe(0);
    await page.setViewportSize({ width: 1300, height: 1400 });

    // 2. Upgrade on Starter: Stripe's hosted checkout, then back to Billing.
    const starter = plans.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Starter" }) });
    await starter.getByRole("button", { name: "Upgrade to Starter" }).click();
    await page.waitForURL(new RegExp(`^${escape(emulator.url)}/c/pay/`));
    await page.getByRole("button", { name: "Pay and subscribe" }).click();
    await page.waitForURL(`${base}/dashboard/billing?checkout=success`);
    await page.getByRole("status").filter({ hasText: "Thanks — your plan is active." }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("current-plan").textContent()).toBe("Starter");
    const current = page.locator("section").filter({ has: page.getByRole("heading", { name: "Current plan" }) });
    await current.getByText("Active", { exact: true }).waitFor();
    await current.getByText(/^Renews on \w+ \d+, \d{4}\.$/).waitFor();
    expect(await page.getByTestId("allowance-calls").textContent()).toMatch(/^0 of 250 calls used — resets on /);
    expect(await page.getByTestId("overage").textContent()).toBe("No overage so far. Calls beyond the allowance cost $1.50 each.");
    await starter.getByText("Your current plan").waitFor();
    // The paid subscription changes plan in the Customer Portal from now on.
    const growth = plans.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Growth" }) });
    await growth.getByRole("button", { name: "Upgrade to Growth" }).waitFor();

    // One paid invoice of $299.00, linking to Stripe's hosted invoice.
    const invoices = page.locator("section").filter({ has: page.getByRole("heading", { name: "Invoices" }) });
    const rows = invoices.getByRole("row").filter({ has: page.getByRole("cell") });
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    const cells = await rows.first().getByRole("cell").allTextContents();
    expect(cells.slice(2, 4)).toEqual(["$299.00", "paid"]);
    expect(await rows.first().getByRole("link").first().getAttribute("href")).toMatch(/^https?:\/\//);

    // 3. The next payment fails: the banner asks for a new card before the grace period ends, here and on every page.
    const created = emulator.events.find((e) => e.type === "customer.subscription.created");
    const customerId = (created?.data.object as { customer: string } | undefined)?.customer;
    expect(customerId).toMatch(/^cus_/);
    await emulator.failNextPayment(customerId!);
    await page.goto(`${base}/dashboard/billing`);
    const failed = page.getByRole("alert").filter({ hasText: "Your last payment failed." });
    await failed.getByText(/Update your card by \w+ \d+, \d{4} to keep your plan\./).waitFor({ timeout: 10_000 });
    await failed.getByRole("button", { name: "Manage billing" }).waitFor();
    await current.getByText("Payment due", { exact: true }).waitFor();
    expect(await page.getByTestId("current-plan").textContent()).toBe("Starter"); // the plan holds through the grace period
    // With a plan, an invoice and the red banner, the page still passes axe (contrast included).
    expect(await violations(page)).toEqual([]);

    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Usage" }).click();
    await page.waitForURL(`${base}/dashboard/usage`);
    await page.getByRole("alert").filter({ hasText: "Your last payment failed." }).waitFor();
    expect(await page.getByTestId("allowance-calls").textContent()).toMatch(/^0 of 250 calls used — resets on /);

    // "Manage billing" opens the Customer Portal.
    await page.getByRole("alert").getByRole("button", { name: "Manage billing" }).click();
    await page.waitForURL(new RegExp(`^${escape(emulator.url)}/p/session/`));

    expect(errors).toEqual([]);
    await ctx.close();
  });

  it("warns at 80 % of the free plan's calls and says when calls resume once they are used up", { timeout: 60_000 }, async () => {
    const ctx = await browser.newContext();
    await signupViaApi(ctx, base, "allowance");
    const me = (await (await ctx.request.get(`${base}/v1/auth/me`)).json()) as { workspace: { id: string } };
    // Calls as the gateway records them (real calls count; dashboard test calls would not).
    const addCalls = (n: number, from: number) =>
      runtime.db.system.insert(schema.calls).values(
        Array.from({ length: n }, (_, i) => ({
          id: `call_allowance${from + i}`,
          workspaceId: me.workspace.id,
          channel: "web" as const,
          status: "completed" as const,
        })),
      );
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const nav = page.getByRole("navigation", { name: "Dashboard" });

    // Well within the allowance: no banner.
    await page.goto(`${base}/dashboard/usage`);
    await expect.poll(() => page.getByTestId("allowance-calls").textContent()).toMatch(/^0 of 25 calls used — resets on /);
    expect(await page.getByTestId("allowance-banner").count()).toBe(0);

    // 20 of 25: a polite status with a link to Billing, on every page.
    await addCalls(20, 0);
    await page.reload();
    const warning = page.getByRole("status").filter({ hasText: "You've used 80 % of your plan's calls this month." });
    await warning.waitFor();
    expect(await page.getByTestId("allowance-calls").textContent()).toMatch(/^20 of 25 calls used/);
    await nav.getByRole("link", { name: "Overview" }).click();
    await warning.waitFor();
    await warning.getByRole("link", { name: "Billing" }).click();
    await page.waitForURL(`${base}/dashboard/billing`);
    await page.getByRole("heading", { name: "Billing", level: 1 }).waitFor();
    // Back from a checkout left without paying: a neutral notice, the plan unchanged; "Dismiss" clears it.
    await page.goto(`${base}/dashboard/billing?checkout=cancelled`);
    const cancelled = page.getByRole("status").filter({ hasText: "Checkout was cancelled: nothing was charged" });
    await cancelled.waitFor();
    expect(await page.getByTestId("current-plan").textContent()).toBe("Free");
    await cancelled.getByRole("button", { name: "Dismiss" }).click();
    await page.waitForURL(`${base}/dashboard/billing`);
    // The URL changes first; the notice leaves on the render after it.
    await cancelled.waitFor({ state: "detached" });
    expect(await cancelled.count()).toBe(0);

    // 25 of 25 on a plan without overage: an alert saying when calls resume.
    await addCalls(5, 20);
    await page.goto(`${base}/dashboard`);
    const exhausted = page.getByRole("alert").filter({ hasText: "Your plan's calls are used up:" });
    await exhausted.getByText(/new calls are refused until \w+ \d+, \d{4}\./).waitFor();
    await exhausted.getByRole("link", { name: "See plans" }).waitFor();
    expect(await page.getByRole("status").filter({ hasText: "80 %" }).count()).toBe(0);

    expect(errors).toEqual([]);
    await ctx.close();
  });
});
