import axe from "axe-core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, hasChromium, launch, signupViaApi, startPlatform, type Platform } from "./harness.ts";

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core's WCAG 2.x A and AA rules on the page as it is now; one line per violation. */
async function violations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol: the pages' CSP (no inline scripts) stays as it is.
  await page.evaluate(axe.source);
  const found = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: Violation[] }> } };
    return (await w.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })).violations;
  });
  return found.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`);
}

/** Every public and dashboard page passes axe's WCAG 2.1 A/AA rules with no violation. */
describe.runIf(hasChromium)("accessibility (axe-core)", () => {
  let platform: Platform;
  let browser: Browser;

  beforeAll(async () => {
    ensureBuilt();
    platform = await startPlatform();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  it("public pages, sign-in pages and every dashboard page have no violations", { timeout: 180_000 }, async () => {
    const base = platform.baseUrl;
    const anonymous = await browser.newPage();
    const found: string[] = [];
    for (const path of [
      "/",
      "/features",
      "/pricing",
      "/guides",
      "/guides/twilio",
      "/affiliates",
      "/affiliates/verify",
      "/affiliates/dashboard",
      "/login",
      "/signup",
      "/reset-password",
      "/reset-password?token=a-token",
      "/forgot-password",
      "/verify-email",
      "/no-such-page",
    ]) {
      await anonymous.goto(`${base}${path}`);
      await anonymous.locator("h1").first().waitFor();
      for (const v of await violations(anonymous)) found.push(`${path}: ${v}`);
    }
    const ctx = await browser.newContext();
    await signupViaApi(ctx, base, "a11y");
    const agent = (await (await ctx.request.post(`${base}/v1/templates/dental/agents`, { data: { name: "Front desk" } })).json()) as { id: string };
    const page = await ctx.newPage();
    for (const path of [
      "/dashboard",
      "/dashboard/agents",
      `/dashboard/agents/${agent.id}`,
      `/dashboard/agents/${agent.id}/try`,
      `/dashboard/agents/${agent.id}/tools`,
      `/dashboard/agents/${agent.id}/tests`,
      "/dashboard/calls",
      "/dashboard/appointments",
      "/dashboard/messages",
      "/dashboard/phone-numbers",
      "/dashboard/providers",
      "/dashboard/usage",
      "/dashboard/billing",
      "/dashboard/analytics",
      "/dashboard/audit",
      "/dashboard/api-keys",
      "/dashboard/team",
      "/dashboard/settings",
      "/dashboard/security",
      "/dashboard/webhooks",
      "/dashboard/privacy",
      "/dashboard/outbox",
      "/dashboard/campaigns",
      "/dashboard/campaigns/new",
      "/dashboard/campaigns/do-not-call",
      "/dashboard/practice",
      "/dashboard/practice/personas/builtin_logistics_ops_manager",
      "/dashboard/practice/personas/new",
      "/dashboard/practice/scenarios/builtin_cold_call_book_meeting",
      "/dashboard/practice/sessions",
      "/dashboard/practice/progress",
      "/dashboard/practice/team",
      "/dashboard/practice/goals",
      "/dashboard/practice/activities",
      "/dashboard/practice/what-if",
      "/onboarding",
    ]) {
      await page.goto(`${base}${path}`);
      await page.waitForLoadState("networkidle");
      await page
        .locator("h1:visible")
        .first()
        .waitFor({ timeout: 10_000 })
        .catch(() => found.push(`${path}: no visible heading`));
      for (const v of await violations(page)) found.push(`${path}: ${v}`);
    }
    // With content: an email open in the Outbox (the signup's verification email), an endpoint and its delivery log.
    await page.goto(`${base}/dashboard/outbox`);
    await page.getByRole("list", { name: "Emails" }).getByRole("button").first().click();
    await page.locator("iframe").waitFor();
    for (const v of await violations(page)) found.push(`/dashboard/outbox (an email open): ${v}`);
    await page.getByRole("tab", { name: "Plain text" }).click();
    for (const v of await violations(page)) found.push(`/dashboard/outbox (plain text): ${v}`);
    await ctx.request.post(`${base}/v1/webhook-endpoints`, { data: { url: "https://crm.example.com/hooks", eventTypes: ["message.taken"] } });
    await page.goto(`${base}/dashboard/webhooks`);
    await page.getByRole("button", { name: "Deliveries" }).click();
    await page.getByText("No deliveries yet").waitFor();
    for (const v of await violations(page)) found.push(`/dashboard/webhooks (an endpoint): ${v}`);
    expect(found).toEqual([]);
    await ctx.close();
  });
});
