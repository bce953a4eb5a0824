import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { RESULTS, ensureBuilt, hasChromium, launch, signupViaApi, startPlatform, watchErrors, type Platform } from "./harness.ts";

const PHONE = { width: 390, height: 844 };
const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/** A typed call through "Try this agent" shows up in analytics and usage, on a 390 px phone; the voice previews. */
describe.runIf(hasChromium)("analytics and usage after a call", () => {
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

  it("counts the call per agent and per day, without sideways scrolling, and plays the voice preview", async () => {
    const base = platform.baseUrl;
    const ctx = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    await signupViaApi(ctx, base, "analytics");
    const made = await ctx.request.post(`${base}/v1/templates/dental/agents`, { data: { name: "Front desk" } });
    expect(made.status()).toBe(201);
    const agent = (await made.json()) as { id: string };
    await ctx.request.post(`${base}/v1/agents/${agent.id}/publish`, { data: {} });
    const page = await ctx.newPage();
    const errors = watchErrors(page);

    // Before any call: nothing to count.
    await page.goto(`${base}/dashboard/analytics`);
    await page.getByText("No calls in this range").waitFor({ timeout: 10_000 });

    await page.goto(`${base}/dashboard/agents/${agent.id}/try`);
    await page.getByRole("button", { name: "Start typed call" }).click();
    const agentLines = page.getByRole("list", { name: "Live transcript" }).locator('[data-role="agent"]');
    await agentLines.first().waitFor({ timeout: 20_000 });
    await page.getByLabel("Type a message").fill("Hi, what are your opening hours?");
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => agentLines.count(), { timeout: 20_000 }).toBeGreaterThan(1);
    await page.getByRole("button", { name: "End call" }).click();
    await page.getByRole("link", { name: "Open this call's record" }).waitFor();

    await page.goto(`${base}/dashboard/analytics`);
    const card = page.getByTestId("analytics-agent");
    await card.waitFor({ timeout: 10_000 });
    expect(await card.count()).toBe(1);
    expect(await card.getByTestId("analytics-calls").innerText()).toBe("1");
    await card.getByRole("list", { name: "Outcomes" }).waitFor();
    // A typed call's turns have no speech timings: the latency section says so rather than showing dashes.
    expect(await card.innerText()).toMatch(/Latency \(0 timed turns\)\s+No timed turns in this range/);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(RESULTS, "analytics-390.png"), fullPage: true });

    await page.goto(`${base}/dashboard/usage`);
    await expect
      .poll(
        () =>
          page
            .getByTestId("usage-calls")
            .innerText()
            .catch(() => ""),
        { timeout: 10_000 },
      )
      .toBe("1");
    const today = page.getByRole("table", { name: "Calls and minutes per day and channel" }).locator("tbody tr");
    await today.first().waitFor();
    expect(await today.count()).toBe(1);
    expect(await today.first().innerText()).toMatch(/1 · \d+\.\d min/);
    const csv = await page.getByRole("link", { name: "Download CSV" }).getAttribute("href");
    const download = await ctx.request.get(`${base}${csv}`);
    expect(download.status()).toBe(200);
    expect((await download.text()).split("\r\n")[0]).toMatch(/^day,calls_web,calls_twilio,calls_telnyx,/);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(RESULTS, "usage-390.png"), fullPage: true });

    // The agent's voice, synthesised by the server and played by an <audio> element.
    await page.goto(`${base}/dashboard/agents/${agent.id}`);
    await page.getByRole("button", { name: "Preview voice" }).click();
    const audio = page.getByTestId("voice-preview-audio");
    await audio.waitFor({ timeout: 20_000 });
    const seconds = await audio.evaluate(
      (el: HTMLAudioElement) =>
        new Promise<number>((resolve) => (el.readyState >= 1 ? resolve(el.duration) : el.addEventListener("loadedmetadata", () => resolve(el.duration)))),
    );
    expect(seconds).toBeGreaterThan(1);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);

    expect(errors).toEqual([]);
    await ctx.close();
  });
});
