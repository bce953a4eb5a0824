import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, hasChromium, launch, RESULTS, startHostSite, startPlatform, watchErrors, type Platform } from "./harness.ts";

/** What the dental template's fictional example business knows; none of it may reach Harbor Physio's callers. */
const TEMPLATE_FACTS = ["Bright Smile", "Main Street", "Springfield", "Maria", "Dr. Lee", "Dr. Patel", "+1212555", "brightsmile"];

describe.runIf(hasChromium)("onboarding with the business's own facts", () => {
  let platform: Platform;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    ensureBuilt();
    platform = await startPlatform();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  it("signs up as Harbor Physio, confirms the dental suggestions, and the agent greets as Harbor Physio", { timeout: 240_000 }, async () => {
    const started = Date.now();
    const base = platform.baseUrl;
    const ctx = await browser.newContext({ timezoneId: "America/Chicago" });
    const page = await ctx.newPage();
    const errors = watchErrors(page);

    await page.goto(`${base}/signup`);
    await page.getByLabel("Your name").fill("Hana Harbor");
    await page.getByLabel("Business name").fill("Harbor Physio");
    await page.getByLabel("Work email").fill(`harbor-${Date.now()}@example.com`);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/onboarding$/);

    // 1. Business type: the dental template only suggests.
    await page.getByText("Dental practice").first().click();
    await page.getByRole("button", { name: "Next" }).click();

    // 2. Own facts: the name from sign-up, the browser's time zone; a plain-language error for a missing name.
    const name = page.getByLabel("Business name");
    expect(await name.inputValue()).toBe("Harbor Physio");
    expect(await page.getByLabel("Time zone").inputValue()).toBe("America/Chicago");
    await name.fill("");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("alert").getByText("Business name is required").waitFor();
    await name.fill("Harbor Physio");
    await page.getByLabel("Phone").fill("+13125550111");
    await page.getByLabel("Email").fill("hello@harborphysio.example");
    await page.getByLabel("Website").fill("https://harborphysio.example");
    await page.getByLabel("Street address").fill("9 Dock Road");
    await page.getByLabel("City").fill("Chicago");
    await page.getByRole("button", { name: "Next" }).click();

    // 3. Hours: Monday as a split shift; an impossible shift is explained, then fixed.
    await page.getByRole("button", { name: "+ Add a split shift for Monday" }).click();
    await page.getByLabel("Monday shift 1 closes").fill("12:00");
    await page.getByLabel("Monday shift 2 opens").fill("13:00");
    await page.getByLabel("Monday shift 2 closes").fill("12:30");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("alert").getByText("Monday shift 2: the opening time must be before the closing time").waitFor();
    await page.getByLabel("Monday shift 2 closes").fill("18:00");
    await page.getByRole("button", { name: "Next" }).click();

    // 4. Services: suggestions pre-ticked; untick whitening, edit the cleaning's price.
    await page.getByLabel("We offer Teeth whitening").uncheck();
    await page.getByLabel("Service 1 Price ($)").fill("95");
    await page.getByRole("button", { name: "Next" }).click();

    // 5. Staff: the business's own.
    await page.getByRole("button", { name: "+ Add a staff member" }).click();
    await page.getByLabel("Staff member 1 name").fill("Kim");
    await page.getByLabel("Staff member 1 role").fill("Physiotherapist");
    await page.getByRole("checkbox", { name: "Cleaning" }).check();
    await page.getByRole("button", { name: "Next" }).click();

    // 6. FAQs: confirm some, drop one.
    await page.getByRole("checkbox", { name: "Use this answer" }).first().uncheck();
    await page.getByRole("button", { name: "Next" }).click();

    // 7. Greeting from the business's own name; a transfer number.
    expect(await page.getByLabel("Greeting").inputValue()).toBe("Thanks for calling Harbor Physio. How can I help you today?");
    await page.getByLabel("Agent name").fill("Harbor front desk");
    await page.getByLabel("Transfer calls to").fill("+13125550199");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Create my agent" }).click();
    await page.getByTestId("onboarding-done").waitFor();
    expect(await page.getByTestId("agent-greeting").textContent()).toContain("Harbor Physio");

    const agents = (await (await ctx.request.get(`${base}/v1/agents`)).json()) as { data: { id: string; status: string }[] };
    expect(agents.data).toHaveLength(1);
    const agentId = agents.data[0]!.id;
    const { business } = (await (await ctx.request.get(`${base}/v1/agents/${agentId}/business`)).json()) as {
      business: {
        name: string;
        timezone: string;
        address: { line1: string };
        hours: { mon: { open: string; close: string }[] };
        services: { id: string; priceCents: number | null; staffIds: string[] }[];
        staff: { name: string; serviceIds: string[] }[];
        escalationPhone: string;
      };
    };
    expect(business).toMatchObject({ name: "Harbor Physio", timezone: "America/Chicago", address: { line1: "9 Dock Road" }, escalationPhone: "+13125550199" });
    expect(business.hours.mon).toEqual([
      { open: "08:00", close: "12:00" },
      { open: "13:00", close: "18:00" },
    ]);
    expect(business.services.map((s) => s.id)).not.toContain("whitening");
    expect(business.services.find((s) => s.id === "cleaning")).toMatchObject({ priceCents: 9500, staffIds: [expect.any(String)] });
    expect(business.staff).toMatchObject([{ name: "Kim", serviceIds: ["cleaning"] }]);
    const stored = JSON.stringify(business);
    for (const fact of TEMPLATE_FACTS) expect(stored).not.toContain(fact);

    // Try this agent: the greeting and a question about where the business is.
    await page.getByRole("button", { name: "Try this agent" }).click();
    await page.getByRole("button", { name: "Start typed call" }).click();
    const agentLines = page.getByRole("list", { name: "Live transcript" }).locator('[data-role="agent"]');
    await agentLines.filter({ hasText: "Harbor Physio" }).first().waitFor({ timeout: 20_000 });
    const before = await agentLines.count();
    await page.getByLabel("Type a message").fill("Where are you located?");
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => agentLines.count(), { timeout: 20_000 }).toBeGreaterThan(before);
    await agentLines.filter({ hasText: "9 Dock Road" }).first().waitFor({ timeout: 20_000 });
    const said = (await agentLines.allTextContents()).join("\n");
    for (const fact of TEMPLATE_FACTS) expect(said).not.toContain(fact);
    await page.getByRole("button", { name: "End call" }).click();

    // The agent page edits the same facts with forms, not JSON.
    await page.goto(`${base}/dashboard/agents/${agentId}`);
    expect(await page.getByLabel("Street address").inputValue()).toBe("9 Dock Road");
    expect(await page.getByLabel("Staff member 1 name").inputValue()).toBe("Kim");
    await page.getByLabel("Staff member 1 name").fill("");
    await page.getByRole("button", { name: "Save business facts" }).click();
    await page.getByRole("alert").getByText("Staff member 1 name is required").waitFor();
    await page.getByLabel("Staff member 1 name").fill("Kim Lee");
    await page.getByRole("button", { name: "Save business facts" }).click();
    await page.getByText("Saved. Publish to make callers hear it.").last().waitFor();
    const saved = (await (await ctx.request.get(`${base}/v1/agents/${agentId}/business`)).json()) as { business: { staff: { name: string }[] } };
    expect(saved.business.staff.map((s) => s.name)).toEqual(["Kim Lee"]);
    await page.screenshot({ path: `${RESULTS}/agent-business-editor.png`, fullPage: true });

    // Website callers hear the published version: an edited greeting waits for Publish.
    const site = await startHostSite();
    const keyRes = await ctx.request.post(`${base}/v1/api-keys`, { data: { name: "site", kind: "publishable", allowedOrigins: [site.origin] } });
    const siteKey = ((await keyRes.json()) as { key: string }).key;
    const widgetGreeting = async () => {
      const visitor = await browser.newContext();
      const vpage = await visitor.newPage();
      await vpage.goto(`${site.origin}/embed.html?host=${encodeURIComponent(base)}&agentId=${agentId}&key=${siteKey}`);
      const w = vpage.locator("[data-orbisvoice]");
      await w.getByRole("button", { name: "Talk to us" }).click();
      await w.getByRole("button", { name: "Type instead" }).click();
      // The embed page shows its own static greeting first; the agent's spoken one names the business.
      const spoken = w.locator('[data-role="agent"]', { hasText: "Harbor Physio" }).first();
      await spoken.waitFor({ timeout: 20_000 });
      const text = (await spoken.textContent()) ?? "";
      await visitor.close();
      return text;
    };
    expect(await widgetGreeting()).toContain("Thanks for calling Harbor Physio");
    await page.goto(`${base}/dashboard/agents/${agentId}`);
    await page.getByLabel("Greeting").fill("Welcome to Harbor Physio on the dock. How can I help?");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Saved").first().waitFor();
    expect(await widgetGreeting()).toContain("Thanks for calling Harbor Physio");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await page
      .getByText(/Published version \d+: callers on your website and phone line hear it now/)
      .waitFor()
      .catch(async (err: unknown) => {
        throw new Error(`publish did not succeed: ${(await page.locator("main").innerText()).slice(0, 600)}`, { cause: err });
      });
    expect(await widgetGreeting()).toContain("Welcome to Harbor Physio on the dock");
    await site.close();

    // A colleague is invited and accepts through the link.
    await page.goto(`${base}/dashboard/team`);
    const colleague = `kim-${Date.now()}@example.com`;
    await page.getByLabel("Email").fill(colleague);
    await page.getByRole("button", { name: "Send invitation" }).click();
    const invite = new URL((await page.getByTestId("created-key").textContent())!.trim());
    const kimCtx = await browser.newContext();
    const kim = await kimCtx.newPage();
    await kim.goto(`${base}${invite.pathname}${invite.search}`);
    await kim.getByLabel("Your name").fill("Kim Lee");
    await kim.getByLabel("Password").fill("kim's own passphrase");
    await kim.getByRole("button", { name: "Accept invitation" }).click();
    await kim.waitForURL(/\/dashboard/);
    await kimCtx.close();

    // A Twilio number: the webhook URL to paste into the Twilio console.
    await page.goto(`${base}/dashboard/phone-numbers`);
    await page.getByLabel("Phone number").fill("+13125550123");
    await page.getByLabel("Carrier").selectOption("twilio");
    await page.getByLabel("Agent").selectOption(agentId);
    await page.getByRole("button", { name: "Add number" }).click();
    await page.getByRole("list", { name: "Phone numbers" }).getByText("+13125550123").waitFor();
    await page.getByText(/\/v1\/telephony\/twilio\/voice$/).waitFor();
    await page.getByRole("button", { name: "Copy Twilio voice webhook URL" }).waitFor();
    console.log(`new-user journey: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
