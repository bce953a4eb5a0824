import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, hasChromium, launch, signupViaApi, startPlatform, watchErrors, type Platform } from "./harness.ts";

/** Every page a phone user opens fits a 390 px screen: nothing scrolls sideways. */
describe.runIf(hasChromium)("pages on a 390 px phone", () => {
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

  it("no dashboard or public page is wider than the screen", async () => {
    const base = platform.baseUrl;
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await signupViaApi(ctx, base, "phone");
    const made = await ctx.request.post(`${base}/v1/templates/dental/agents`, { data: { name: "Front desk with a rather long name for a phone" } });
    expect(made.status()).toBe(201);
    const agent = (await made.json()) as { id: string };
    await ctx.request.post(`${base}/v1/agents/${agent.id}/publish`, { data: {} });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const paths = [
      "/",
      "/features",
      "/pricing",
      "/guides",
      "/guides/twilio",
      "/dashboard",
      "/dashboard/agents",
      `/dashboard/agents/${agent.id}`,
      "/dashboard/calls",
      "/dashboard/appointments?view=day",
      "/dashboard/appointments?view=week",
      "/dashboard/messages",
      "/dashboard/api-keys",
      "/dashboard/team",
      "/dashboard/settings",
      "/dashboard/security",
    ];
    const wide: string[] = [];
    for (const path of paths) {
      await page.goto(`${base}${path}`);
      await page.waitForLoadState("networkidle");
      await page
        .locator("#root h1")
        .first()
        .waitFor({ timeout: 10_000 })
        .catch(() => undefined);
      if ((await page.locator("h1:visible").count()) === 0) wide.push(`${path}: no heading (${(await page.locator("body").innerText()).slice(0, 200)})`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 390) {
        const culprits = await page.evaluate(() =>
          [...document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > 390 || el.scrollWidth > el.clientWidth + 1)
            .reverse()
            .slice(0, 4)
            .map(
              (el) =>
                `${el.tagName.toLowerCase()}.${el.className} r=${Math.round(el.getBoundingClientRect().right)} sw=${el.scrollWidth}: ${(el.textContent ?? "").slice(0, 30)}`,
            ),
        );
        wide.push(`${path}: ${width}px (${culprits.join(" | ")})`);
      }
    }
    // A typed call, then its record: transcript, latency and tool calls on a phone screen.
    await page.goto(`${base}/dashboard/agents/${agent.id}/try`);
    await page.getByRole("button", { name: "Start typed call" }).click();
    const agentLines = page.getByRole("list", { name: "Live transcript" }).locator('[data-role="agent"]');
    await agentLines.first().waitFor({ timeout: 20_000 });
    await page.getByLabel("Type a message").fill("Hi, I'd like to book a cleaning next Tuesday afternoon please, my name is Maximilian Featherstonehaugh");
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => agentLines.count(), { timeout: 20_000 }).toBeGreaterThan(1);
    await page.getByRole("button", { name: "End call" }).click();
    await page.getByRole("link", { name: "Open this call's record" }).click();
    await page.getByTestId("call-outcome").waitFor();
    await page.waitForLoadState("networkidle");
    for (const path of [new URL(page.url()).pathname, "/dashboard/calls"]) {
      if (path !== new URL(page.url()).pathname) await page.goto(`${base}${path}`);
      await page.waitForLoadState("networkidle");
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 390) wide.push(`${path}: ${width}px`);
    }
    expect(wide).toEqual([]);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
