import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBrainFactory } from "@orbis/agent-runtime";
import { buildPlatform, createRuntime } from "@orbis/cli";
import { testConfig } from "@orbis/config";
import { carrierTelephony, echoPipeline, gatewayMount } from "@orbis/gateway";
import { webMount } from "@orbis/web";
import { ensureBuilt, hasChromium, launch, RESULTS, signupViaApi, watchErrors } from "../browser/harness.ts";
import { placeTwilioCall, type TwilioCallResult } from "../telephony/twilio-emulator.ts";
import { twilioAccount } from "../telephony/phone-harness.ts";

/**
 * Practice by phone on the dashboard (docs/practice.md, "By phone"): an owner chooses the practice line,
 * starts a session by phone, sees the number, the code and its countdown waiting for the call; the
 * emulated Twilio caller keys the code, the page says the call is on, and the report follows the hang-up.
 * The pipeline echoes (no speech): this is about the page, the real-audio journey is another file.
 */
describe.runIf(hasChromium)("practise by phone from the dashboard", () => {
  let browser: Browser;
  let base = "";
  let close: () => Promise<void>;

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    ensureBuilt();
    const dataDir = mkdtempSync(join(tmpdir(), "orbis-web-phone-"));
    // The carrier reaches the same host: PUBLIC_BASE_URL is the local address, so signatures are computed over it.
    const runtime = createRuntime(testConfig({ dataDir, rateLimitPerMinute: 10_000 }));
    await runtime.db.migrate();
    const brains = createBrainFactory(runtime.db);
    const gateway = gatewayMount({ brains, pipeline: echoPipeline, extraRoutes: [carrierTelephony({ brains, pipeline: echoPipeline })] });
    const app = await buildPlatform(runtime, { mounts: [webMount, gateway] });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as { port: number };
    base = `http://localhost:${port}`;
    runtime.config.publicBaseUrl = base;
    close = async () => {
      await app.close();
      await runtime.close();
    };
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  it("choose the practice line, start by phone, see the code and its countdown, dial in, then the report", { timeout: 90_000 }, async () => {
    const ctx = await browser.newContext();
    await signupViaApi(ctx, base, "phonepractice");
    const account = twilioAccount();
    const number = "+14155550142";
    expect((await ctx.request.put(`${base}/v1/credentials/twilio`, { data: account })).status()).toBe(200);
    expect((await ctx.request.post(`${base}/v1/phone-numbers`, { data: { number, provider: "twilio", label: "Practice" } })).status()).toBe(201);

    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(`${base}/dashboard/practice`);
    await page.getByRole("heading", { name: "Sales practice", level: 1 }).waitFor();
    const byPhone = page.getByRole("radio", { name: /Practise by phone/ });
    await expect(byPhone.isDisabled()).resolves.toBe(true);
    await page.getByLabel("Practice line (owners and admins)").selectOption({ label: `${number} (Practice)` });
    await page.getByText(`(${number})`).waitFor();

    await page.locator('[data-testid="scenario-card"][data-id="builtin_cold_call_book_meeting"]').getByRole("radio").check();
    await page.locator('[data-testid="persona-card"][data-id="builtin_dental_practice_owner"]').getByRole("radio").check();
    await byPhone.check();
    await page.getByRole("button", { name: "Start practice" }).click();
    await page.waitForURL(/\/dashboard\/practice\/sessions\/prs_/);

    const status = page.getByRole("status").filter({ hasText: /Waiting for your call|On the call|expired/ });
    await expect(status.textContent()).resolves.toBe("Waiting for your call");
    await expect(page.getByRole("link", { name: number }).getAttribute("href")).resolves.toBe(`tel:${number}`);
    const code = (await page.getByLabel("Your practice code").textContent())?.trim() ?? "";
    expect(code).toMatch(/^\d{6}$/);
    const timer = (await page.getByRole("timer", { name: "Code expires in" }).textContent()) ?? "";
    expect(timer).toMatch(/^(10:00|9:5\d)$/);
    await page.screenshot({ path: join(RESULTS, "practice-phone-waiting.png"), fullPage: true });

    // The rep dials the line and keys the code; the line stays up a few seconds.
    const call: Promise<TwilioCallResult> = placeTwilioCall(account, {
      localBase: base.replace("localhost", "127.0.0.1"),
      publicBase: base,
      from: "+12125550100",
      to: number,
      gather: [code],
      steps: [],
      turnTimeoutMs: 800,
      hangUpAfterMs: 5000,
    });
    await page.getByText("On the call", { exact: true }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(RESULTS, "practice-phone-connected.png"), fullPage: true });
    expect((await call).twimls).toHaveLength(2);
    // Hung up: the session is finished by the gateway, and the page shows the report.
    await page.getByText("You hung up").first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(RESULTS, "practice-phone-ended.png"), fullPage: true });
    expect(errors).toEqual([]);
  });
});
