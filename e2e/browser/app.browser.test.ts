import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, hasChromium, launch, RESULTS, signupViaApi, startHostSite, startPlatform, watchErrors, type Platform } from "./harness.ts";

const shot = (page: Page, name: string) => page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: true });

describe.runIf(hasChromium)("dashboard and widget in Chromium", () => {
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

  it("landing and pricing render with the plans and a call to action", async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${platform.baseUrl}/`);
    await page.getByRole("heading", { name: "Never miss a call again." }).waitFor();
    await shot(page, "landing");
    await page.getByRole("link", { name: "Pricing" }).first().click();
    for (const text of ["Starter", "$299", "Up to 250 calls a month", "Growth", "$899", "Up to 999 calls a month", "Custom"]) {
      await page.getByText(text, { exact: true }).first().waitFor();
    }
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${platform.baseUrl}/`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("sends an unauthenticated visitor from /dashboard to the login page", async () => {
    const page = await browser.newPage();
    await page.goto(`${platform.baseUrl}/dashboard/agents`);
    await page.waitForURL(/\/login\?next=%2Fdashboard%2Fagents/);
    await page.getByRole("heading", { name: "Log in" }).waitFor();
    await page.close();
  });

  it("signup → onboarding wizard → a published agent with the chosen template in the API; logout; login", async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const email = `owner-${Date.now()}@example.com`;
    await page.goto(`${platform.baseUrl}/signup`);
    await page.getByLabel("Your name").fill("Dana Owner");
    await page.getByLabel("Business name").fill("Smile Bright");
    await page.getByLabel("Work email").fill(email);
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("must be at least 8 characters").waitFor(); // the shared zod schema, client side
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/onboarding$/);

    await page.getByText("Dental practice", { exact: false }).first().click();
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("Business name").fill("Smile Bright Dental");
    await page.getByRole("button", { name: "Next" }).click(); // hours
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByText("These are the services").waitFor();
    for (let step = 0; step < 3; step++) await page.getByRole("button", { name: "Next" }).click(); // services, staff, FAQs
    await page.getByLabel("Agent name").fill("Smile Bright front desk");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Create my agent" }).click();
    await page.getByTestId("onboarding-done").waitFor();
    await page.getByText("/widget.js").first().waitFor();

    const agents = (await (await ctx.request.get(`${platform.baseUrl}/v1/agents`)).json()) as { data: { id: string; name: string; status: string }[] };
    expect(agents.data).toHaveLength(1);
    expect(agents.data[0]).toMatchObject({ name: "Smile Bright front desk", status: "published" });
    const business = (await (await ctx.request.get(`${platform.baseUrl}/v1/agents/${agents.data[0]!.id}/business`)).json()) as {
      configured: boolean;
      business: { name: string; services: { id: string }[] };
    };
    expect(business.configured).toBe(true);
    expect(business.business.name).toBe("Smile Bright Dental");
    expect(business.business.services.map((s) => s.id)).toContain("cleaning"); // the dental template's services

    await page.getByRole("button", { name: "Go to dashboard" }).click();
    await page.getByRole("heading", { name: /Welcome, Dana/ }).waitFor();
    await shot(page, "dashboard-overview");
    await page.goto(`${platform.baseUrl}/dashboard/agents/${agents.data[0]!.id}`);
    await page.getByRole("button", { name: "Save changes" }).waitFor();
    await page.getByLabel("End-of-turn silence (ms)").fill("50");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Too small: expected number to be >=200").waitFor();
    await page.getByLabel("End-of-turn silence (ms)").fill("700");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Saved. Publish to make callers hear it.").waitFor();
    await shot(page, "agent-editor");

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login$/);
    expect((await ctx.request.get(`${platform.baseUrl}/v1/auth/me`)).status()).toBe(401);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("wrong password!");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").waitFor();
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(/\/dashboard$/);
    await page.getByText("Smile Bright front desk").first().waitFor();
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it("shows a viewer no edit controls", async () => {
    const owner = await browser.newContext();
    await signupViaApi(owner, platform.baseUrl, "viewerco");
    const agent = (await (await owner.request.post(`${platform.baseUrl}/v1/agents`, { data: { name: "Front desk" } })).json()) as { id: string };
    const viewerEmail = `viewer-${Date.now()}@example.com`;
    const invite = (await (
      await owner.request.post(`${platform.baseUrl}/v1/workspaces/current/invitations`, { data: { email: viewerEmail, role: "viewer" } })
    ).json()) as { token: string };

    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${platform.baseUrl}/invite?token=${invite.token}`);
    await page.getByLabel("Your name").fill("Vic Viewer");
    await page.getByLabel("Password").fill("viewer password 1");
    await page.getByRole("button", { name: "Accept invitation" }).click();
    await page.waitForURL(/\/dashboard$/);
    await expect.poll(() => page.getByTestId("role").textContent()).toBe("viewer");

    await page.goto(`${platform.baseUrl}/dashboard/agents`);
    await page.getByRole("link", { name: "Front desk" }).waitFor();
    expect(await page.getByRole("link", { name: "New agent" }).count()).toBe(0);
    await page.goto(`${platform.baseUrl}/dashboard/agents/${agent.id}`);
    await page.getByLabel("Greeting").waitFor();
    expect(await page.getByRole("button", { name: "Save changes" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Publish" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Delete agent" }).count()).toBe(0);
    expect(await page.getByLabel("Greeting").isDisabled()).toBe(true);
    await page.goto(`${platform.baseUrl}/dashboard/team`);
    await page.getByText("Vic Viewer").waitFor();
    expect(await page.getByRole("button", { name: "Send invitation" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Remove" }).count()).toBe(0);
    await page.goto(`${platform.baseUrl}/dashboard/api-keys`);
    await page.getByText("Only admins and owners manage API keys").waitFor();
    await ctx.close();
    await owner.close();
  });

  it("appointments (day/week) and messages: empty states, the owner acts on them, a viewer only reads", async () => {
    const base = platform.baseUrl;
    // The browser is in Los Angeles; the business (and its workspace) in New York: the dashboard shows New York times.
    const owner = await browser.newContext({ timezoneId: "America/Los_Angeles" });
    await signupViaApi(owner, base, "bookco");
    expect((await owner.request.put(`${base}/v1/workspaces/current`, { data: { timezone: "America/New_York" } })).status()).toBe(200);
    const agent = (await (await owner.request.post(`${base}/v1/templates/dental/agents`, { data: { name: "Desk" } })).json()) as { id: string };
    const page = await owner.newPage();
    const errors = watchErrors(page);

    await page.goto(`${base}/dashboard/appointments`);
    await page.getByText("No appointments this week.").waitFor();
    await page.getByRole("button", { name: "Day", exact: true }).click();
    await page.getByText("No appointments this day").waitFor();
    await page.goto(`${base}/dashboard/messages`);
    await page.getByText("No messages yet").waitFor();

    // An appointment at the first free slot of the coming week, and a message taken by the agent's tool.
    const from = new Date(Date.now() + 3600_000).toISOString();
    const to = new Date(Date.now() + 8 * 86_400_000).toISOString();
    const avail = (await (
      await owner.request.get(
        `${base}/v1/appointments/availability?agentId=${agent.id}&serviceId=cleaning&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      )
    ).json()) as { slots: { start: string }[] };
    const slot = avail.slots[0]!.start;
    const booked = await owner.request.post(`${base}/v1/appointments`, {
      data: { agentId: agent.id, serviceId: "cleaning", start: slot, customerName: "Pat Patient", customerPhone: "+12125550100" },
    });
    expect(booked.status()).toBe(201);
    const invoked = await owner.request.post(`${base}/v1/agents/${agent.id}/tools/take_message/invoke`, {
      data: { args: { callerName: "Robin Caller", callbackNumber: "+12125550113", text: "Please call me back about my bill.", urgency: "high" } },
    });
    expect(invoked.status()).toBe(200);
    const day = new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" }).format(new Date(slot)); // yyyy-mm-dd

    await page.goto(`${base}/dashboard/appointments?date=${day}&view=week`);
    const week = page.getByTestId("appointment").filter({ hasText: "Pat Patient" });
    await week.waitFor();
    await page.getByRole("button", { name: "Day", exact: true }).click();
    await week.getByText("Cleaning").waitFor();
    const nyTime = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", hour: "numeric", minute: "2-digit" }).format(new Date(slot));
    expect(await week.locator("p").first().textContent()).toContain(nyTime);
    await page.getByText(/Times in America\/New York \((EST|EDT)\)/).waitFor();
    await week.getByRole("button", { name: "Cancel" }).waitFor();
    await shot(page, "appointments");
    await page.getByRole("button", { name: "New appointment" }).click();
    await page.getByRole("button", { name: "Book appointment" }).click();
    await page.getByLabel("Customer name").and(page.locator('[aria-invalid="true"]')).waitFor(); // the shared zod schema, client side
    await page.getByRole("button", { name: "Close" }).click();

    await page.goto(`${base}/dashboard/messages`);
    const msg = page.getByTestId("message").filter({ hasText: "Robin Caller" });
    await msg.getByText("Please call me back about my bill.").waitFor();
    await msg.getByText("Urgent").waitFor();
    await msg.getByRole("button", { name: "Mark read" }).click();
    await msg.getByText("Read", { exact: true }).waitFor();
    await page.getByLabel("Status").selectOption("new");
    await page.getByText("No messages match").waitFor();
    // 375 px wide: the pages reflow instead of scrolling sideways.
    await page.setViewportSize({ width: 375, height: 800 });
    for (const path of [`/dashboard/appointments?date=${day}&view=week`, "/dashboard/messages", "/dashboard/calls", "/dashboard"]) {
      await page.goto(`${base}${path}`);
      await page.getByRole("heading", { level: 1 }).waitFor();
      await page.waitForLoadState("networkidle");
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), path).toBeLessThanOrEqual(0);
    }
    expect(errors).toEqual([]);

    const viewerEmail = `viewer-b-${Date.now()}@example.com`;
    const invite = (await (await owner.request.post(`${base}/v1/workspaces/current/invitations`, { data: { email: viewerEmail, role: "viewer" } })).json()) as {
      token: string;
    };
    const viewer = await browser.newContext({ timezoneId: "America/New_York" });
    expect(
      (await viewer.request.post(`${base}/v1/invitations/accept`, { data: { token: invite.token, name: "Val Viewer", password: "viewer password 2" } })).ok(),
    ).toBe(true);
    const vpage = await viewer.newPage();
    await vpage.goto(`${base}/dashboard/appointments?date=${day}&view=day`);
    await vpage.getByTestId("appointment").filter({ hasText: "Pat Patient" }).waitFor();
    expect(await vpage.getByRole("button", { name: "Cancel" }).count()).toBe(0);
    expect(await vpage.getByRole("button", { name: "New appointment" }).count()).toBe(0);
    await vpage.goto(`${base}/dashboard/messages`);
    await vpage.getByText("Robin Caller").waitFor();
    expect(await vpage.getByRole("button", { name: /Mark|Done|Reopen/ }).count()).toBe(0);
    await viewer.close();
    await owner.close();
  });

  it("a typed booking call in Try this agent: the call page shows its tool calls and outcome, the appointment links to it", async () => {
    const base = platform.baseUrl;
    const ctx = await browser.newContext({ timezoneId: "America/New_York" });
    await signupViaApi(ctx, base, "typedco");
    await ctx.request.put(`${base}/v1/workspaces/current`, { data: { timezone: "America/New_York" } });
    const agent = (await (await ctx.request.post(`${base}/v1/templates/dental/agents`, { data: { name: "Booker" } })).json()) as { id: string };
    await ctx.request.post(`${base}/v1/agents/${agent.id}/publish`, { data: {} });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(`${base}/dashboard/agents/${agent.id}/try`);
    await page.getByRole("button", { name: "Start typed call" }).click();
    const transcript = page.getByRole("list", { name: "Live transcript" });
    const agentLines = transcript.locator('[data-role="agent"]');
    await agentLines.filter({ hasText: "How can I help" }).waitFor({ timeout: 20_000 });
    // The dental script of packages/brain's conversation tests, typed.
    for (const [line, reply] of [
      ["Hi, I'd like to book a cleaning next Tuesday afternoon", /I have .+ or /],
      ["the second one", /name/i],
      ["My name is Jane Smith", /phone number/i],
      ["five five five, two one two, one two three four", /confirm/i],
      ["yes please", /all set/i],
    ] as const) {
      const before = await agentLines.count();
      await page.getByLabel("Type a message").fill(line);
      await page.getByRole("button", { name: "Send" }).click();
      await expect.poll(async () => (await agentLines.allTextContents()).slice(before).join(" "), { timeout: 20_000 }).toMatch(reply);
    }
    await page.getByRole("button", { name: "End call" }).click();
    await page.getByRole("link", { name: "Open this call's record" }).click();
    const outcome = page.getByTestId("call-outcome");
    await outcome.getByText("Appointment booked").waitFor();
    const tools = page.getByRole("list", { name: "Tool calls" });
    const callId = /call_\w+/.exec(page.url())![0];
    const booking = tools.locator("li", { hasText: "book_appointment" });
    await booking.getByText("ok", { exact: true }).waitFor();
    await booking.getByText("details").click();
    await booking.getByText('"customerName": "Jane Smith"').first().waitFor();
    await shot(page, "call-page-booking");

    const appts = (await (await ctx.request.get(`${base}/v1/appointments?agentId=${agent.id}`)).json()) as {
      data: { callId: string | null; customerName: string; start: string }[];
    };
    expect(appts.data).toHaveLength(1);
    expect(appts.data[0]).toMatchObject({ callId, customerName: "Jane Smith" });
    const day = new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" }).format(new Date(appts.data[0]!.start));
    await page.goto(`${base}/dashboard/appointments?date=${day}&view=day`);
    const card = page.getByTestId("appointment").filter({ hasText: "Jane Smith" });
    await card.getByText("booked by the agent").waitFor();
    await card.getByRole("link", { name: "call" }).click();
    await page.waitForURL(new RegExp(`/dashboard/calls/${callId}$`));
    await page.goto(`${base}/dashboard`);
    await expect.poll(() => page.getByTestId("stat-booking-rate").textContent()).toBe("100 %");
    expect(errors).toEqual([]);
    await ctx.close();
  });

  describe("widget on a customer's site (second origin)", () => {
    let site: { origin: string; close(): Promise<void> };
    let agentId: string;
    let allowedKey: string;
    let otherKey: string;

    beforeAll(async () => {
      site = await startHostSite();
      const owner = await browser.newContext();
      await signupViaApi(owner, platform.baseUrl, "widgetco");
      const agent = (await (await owner.request.post(`${platform.baseUrl}/v1/templates/dental/agents`, { data: { name: "Widget agent" } })).json()) as {
        id: string;
      };
      agentId = agent.id;
      await owner.request.post(`${platform.baseUrl}/v1/agents/${agentId}/publish`, { data: {} });
      const mk = async (origins: string[]) =>
        (
          (await (
            await owner.request.post(`${platform.baseUrl}/v1/api-keys`, { data: { name: "w", kind: "publishable", allowedOrigins: origins } })
          ).json()) as { key: string }
        ).key;
      allowedKey = await mk([site.origin]);
      otherKey = await mk(["https://somewhere-else.example"]);
      await owner.close();
    });
    afterAll(() => site?.close());

    const openEmbed = async (key: string) => {
      const ctx = await browser.newContext({ permissions: ["microphone"] });
      const page = await ctx.newPage();
      // Count microphone requests: none may happen before the visitor consents.
      await page.addInitScript(() => {
        const w = window as unknown as { __gum: number };
        w.__gum = 0;
        const md = navigator.mediaDevices;
        if (md) {
          const orig = md.getUserMedia.bind(md);
          md.getUserMedia = (c) => {
            w.__gum++;
            return orig(c);
          };
        }
      });
      const errors = watchErrors(page);
      const t0 = Date.now();
      await page.goto(`${site.origin}/embed.html?host=${encodeURIComponent(platform.baseUrl)}&agentId=${agentId}&key=${key}`);
      await page.waitForFunction(() => performance.getEntriesByName("orbisvoice:ready").length > 0);
      const readyMs = await page.evaluate(() => {
        const script = performance.getEntriesByType("resource").find((e) => e.name.endsWith("/widget.js")) as PerformanceResourceTiming;
        return performance.getEntriesByName("orbisvoice:ready")[0]!.startTime - script.responseEnd;
      });
      return { ctx, page, errors, readyMs, loadMs: Date.now() - t0 };
    };
    const shadow = (page: Page) => page.locator("[data-orbisvoice]");

    it("allowed origin: consent gates the microphone, then a call works end to end (typed turn)", async () => {
      const { ctx, page, errors, readyMs } = await openEmbed(allowedKey);
      console.log(`widget ready ${readyMs.toFixed(1)} ms after widget.js arrived`);
      expect(readyMs).toBeLessThan(150);
      const w = shadow(page);
      await w.getByRole("button", { name: "Talk to us" }).click();
      await w.getByText("This call may be recorded").waitFor();
      expect(await page.evaluate(() => (window as unknown as { __gum: number }).__gum)).toBe(0);
      // The host's hostile button CSS must not reach the widget.
      const bg = await w.getByRole("button", { name: "Start call" }).evaluate((b) => getComputedStyle(b).backgroundColor);
      expect(bg).not.toBe("rgb(255, 105, 180)");
      await w.getByRole("button", { name: "Start call" }).click();
      await w.getByText("Live").waitFor({ timeout: 20_000 });
      expect(await page.evaluate(() => (window as unknown as { __gum: number }).__gum)).toBe(1);
      await w.getByLabel("Type a message").fill("What are your opening hours?");
      await w.getByRole("button", { name: "Send" }).click();
      await w.locator('[data-role="user"]', { hasText: "opening hours" }).waitFor();
      await expect.poll(async () => w.locator('[data-role="agent"]').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      await shot(page, "widget-call");
      await w.getByRole("button", { name: "End call" }).click();
      await w.getByText("Call ended").waitFor();
      expect(errors).toEqual([]);
      await ctx.close();
    });

    it("disallowed origin: a clear error, and no microphone", async () => {
      const { ctx, page } = await openEmbed(otherKey);
      const w = shadow(page);
      await w.getByRole("button", { name: "Talk to us" }).click();
      await w.getByRole("button", { name: "Start call" }).click();
      await w
        .getByRole("alert")
        .filter({ hasText: `Origin ${site.origin} is not allowed for this key` })
        .waitFor();
      await w.getByRole("button", { name: "Retry" }).waitFor();
      await shot(page, "widget-disallowed-origin");
      await ctx.close();
    });
  });
});
