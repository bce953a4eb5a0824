/**
 * Outbound campaigns from the dashboard, in Chromium: an owner signs in → creates a campaign (agent,
 * caller id, opening with a {{plan}} variable) → uploads a CSV with one bad row: the dry run's preview
 * names that row's problem and the good rows as they will be saved → saves them: they are listed as
 * pending → adds a number to the do-not-call list: it is listed → starts the campaign: Running → pauses
 * it: Paused, in the API too. No worker runs here, so no call is placed (the scheduler and real calls
 * are covered by apps/worker and e2e/telephony); a staff member then sees the campaign read-only.
 */
import axe from "axe-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, hasChromium, launch, RESULTS, signupViaApi, startPlatform, watchErrors, type Platform } from "./harness.ts";

const shot = (page: Page, name: string) => page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: true });

/** axe-core's WCAG 2.x A and AA rules on the page as it is now (as accessibility.browser.test.ts checks the other pages). */
async function violations(page: Page): Promise<string[]> {
  await page.evaluate(axe.source);
  const found = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run(ctx: Document, opts: unknown): Promise<{ violations: { id: string; help: string; nodes: { target: unknown[] }[] }[] }> };
    };
    return (await w.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })).violations;
  });
  return found.map((v) => `${page.url()}: ${v.id}: ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`);
}

const FROM = `+1415555${String(Math.floor(Math.random() * 9000) + 1000)}`;
const CSV = [
  "phone,name,consent,consent_source,plan",
  "+1 (212) 555-0101,Ann Lee,yes,web form 2026-11,gold",
  "555-0102,Bob Roe,yes,web form 2026-11,silver",
  "+13125550103,Cy Poe,yes,paper form,bronze",
].join("\n");

describe.runIf(hasChromium)("outbound campaigns in the dashboard", () => {
  let platform: Platform;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    ensureBuilt();
    platform = await startPlatform();
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  it("creates a campaign, previews a CSV's bad row, saves the good rows, lists a do-not-call number, starts and pauses", { timeout: 120_000 }, async () => {
    const base = platform.baseUrl;
    // The workspace as an owner leaves it before a campaign: a published agent and a connected number.
    const setup = await browser.newContext();
    const { email, password } = await signupViaApi(setup, base, "campaigns");
    const agent = (await (await setup.request.post(`${base}/v1/templates/dental/agents`, { data: { name: "Front desk" } })).json()) as { id: string };
    expect((await setup.request.post(`${base}/v1/agents/${agent.id}/publish`, { data: {} })).ok()).toBe(true);
    const number = await setup.request.post(`${base}/v1/phone-numbers`, { data: { number: FROM, provider: "twilio", agentId: agent.id, label: "Main line" } });
    expect(number.status(), await number.text()).toBe(201);
    await setup.close();

    // 1. Sign in: the login page sends the owner on to Campaigns.
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const a11y: string[] = [];
    await page.goto(`${base}/login?next=%2Fdashboard%2Fcampaigns`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(/\/dashboard\/campaigns$/);
    await expect
      .poll(() => page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Campaigns" }).getAttribute("aria-current"))
      .toBe("page");
    await page.getByText("No campaigns yet").waitFor();
    a11y.push(...(await violations(page)));

    // 2. A new campaign: the agent and the number from the workspace's own lists; a quiet-hours mistake is caught first.
    await page.getByRole("link", { name: "New campaign" }).click();
    await page.waitForURL(/\/dashboard\/campaigns\/new$/);
    await page.getByLabel("Name", { exact: true }).fill("Spring check-ups");
    await expect.poll(() => page.getByLabel("Agent").locator("option").allTextContents()).toEqual(["Choose an agent", "Front desk"]);
    await page.getByLabel("Agent").selectOption({ label: "Front desk" });
    await page.getByLabel("Call from").selectOption(FROM);
    await page.getByLabel("Opening (optional)").fill("Hi {{name}}, this is {{business}} about your {{plan}} plan.");
    await page.getByLabel("From", { exact: true }).fill("07:00");
    await page.getByRole("button", { name: "Create campaign" }).click();
    await page.getByText(/must stay within 08:00–21:00 local time/).waitFor();
    a11y.push(...(await violations(page)));
    await page.getByLabel("From", { exact: true }).fill("09:00");
    await page.getByRole("button", { name: "Create campaign" }).click();
    await page.waitForURL(/\/dashboard\/campaigns\/cmp_[^/]+$/);
    const campaignId = new URL(page.url()).pathname.split("/").pop()!;
    await page.getByRole("heading", { name: "Spring check-ups" }).waitFor();
    await expect.poll(() => page.getByTestId("campaign-status").first().textContent()).toBe("Draft");
    await page.getByText("No contacts yet").waitFor();

    // 3. The CSV as a file: its columns are mapped from their usual names, plan becomes {{plan}}.
    await page.getByLabel("CSV file").setInputFiles({ name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from(CSV) });
    await page.getByText("Loaded contacts.csv.").waitFor();
    const mapping = page.getByRole("region", { name: "Column mapping" });
    expect(await mapping.getByLabel("Phone column").inputValue()).toBe("phone");
    expect(await mapping.getByLabel("Consent source column").inputValue()).toBe("consent_source");
    expect(await page.getByTestId("variable-columns").textContent()).toContain("{{plan}}");

    // 4. Check: the dry run names row 3's phone; the two good rows are previewed, nothing is saved yet.
    await page.getByRole("button", { name: "Check rows" }).click();
    await expect.poll(() => page.getByTestId("check-summary").textContent()).toBe("3 rows read: 2 ready 1 left out");
    const problems = page.getByRole("table", { name: "Rows with problems" });
    expect(await problems.locator("tbody tr").count()).toBe(1);
    const problem = await problems.locator("tbody tr td").allTextContents();
    expect(problem[0]).toBe("3");
    expect(problem[1]).toBe("phone");
    expect(problem[2]).toMatch(/bad phone number "555-0102"/);
    const preview = page.getByRole("table", { name: "Contacts to import" });
    expect(await preview.locator("tbody tr td:nth-child(2)").allTextContents()).toEqual(["+12125550101", "+13125550103"]);
    expect(await preview.locator("tbody tr").first().textContent()).toContain("plan=gold");
    await shot(page, "campaign-upload-preview");
    a11y.push(...(await violations(page)));
    const before = (await (await ctx.request.get(`${base}/v1/campaigns/${campaignId}/contacts`)).json()) as { data: unknown[] };
    expect(before.data).toHaveLength(0);

    // 5. Save the good rows: listed, pending, no attempt yet; the progress counts them.
    await page.getByRole("button", { name: "Save 2 contacts" }).click();
    await expect.poll(() => page.getByTestId("import-done").textContent()).toBe("Saved 2 contacts; 1 row problem left out.");
    const contacts = page.getByRole("table", { name: "Contacts", exact: true });
    await contacts.getByText("+13125550103").waitFor();
    expect(await contacts.locator("tbody tr td:nth-child(1)").allTextContents()).toEqual(["+12125550101", "+13125550103"]);
    expect(await contacts.locator("tbody tr td:nth-child(2)").allTextContents()).toEqual(["Ann Lee", "Cy Poe"]);
    expect(await contacts.locator("tbody tr td:nth-child(4)").allTextContents()).toEqual(["Pending", "Pending"]);
    expect(await contacts.locator("tbody tr td:nth-child(6)").allTextContents()).toEqual(["0", "0"]);
    await expect.poll(() => page.getByTestId("progress-count").textContent()).toBe("0 of 2 done");
    const saved = (await (await ctx.request.get(`${base}/v1/campaigns/${campaignId}/contacts`)).json()) as { data: { phone: string; consentSource: string }[] };
    expect(saved.data.map((c) => [c.phone, c.consentSource])).toEqual([
      ["+12125550101", "web form 2026-11"],
      ["+13125550103", "paper form"],
    ]);

    // 6. The do-not-call list: a number added by hand is listed (and refused by later uploads).
    await page.getByRole("link", { name: "← Campaigns" }).first().click();
    await page.getByRole("link", { name: "Do-not-call list" }).click();
    await page.waitForURL(/\/dashboard\/campaigns\/do-not-call$/);
    await page.getByText("The list is empty").waitFor();
    await page.getByLabel("Phone number").fill("+1 646 555 0199");
    await page.getByLabel("Reason (optional)").fill("asked by email");
    await page.getByRole("button", { name: "Add to the list" }).click();
    await page.getByText("+16465550199 is on the list.").waitFor();
    const dnc = page.getByRole("list", { name: "Do-not-call numbers" });
    await dnc.getByText("+16465550199").waitFor();
    expect(await dnc.locator("li").first().textContent()).toMatch(/Added by hand.*asked by email/);
    await shot(page, "campaigns-do-not-call");
    a11y.push(...(await violations(page)));
    // A second number, taken off again.
    await page.getByLabel("Phone number").fill("+16465550198");
    await page.getByRole("button", { name: "Add to the list" }).click();
    await dnc.getByText("+16465550198").waitFor();
    page.once("dialog", (d) => void d.accept());
    await dnc.getByRole("button", { name: "Remove +16465550198" }).click();
    await expect.poll(() => dnc.locator("li").count()).toBe(1);
    const listed = (await (await ctx.request.get(`${base}/v1/do-not-call`)).json()) as { data: { phone: string; source: string }[] };
    expect(listed.data).toEqual([expect.objectContaining({ phone: "+16465550199", source: "manual" })]);

    // The listed number is refused by the next upload (pasted this time).
    await page.goto(`${base}/dashboard/campaigns/${campaignId}`);
    await page.getByLabel("Or paste CSV").fill("phone,name,consent,consent_source,plan\n+16465550199,Di Fox,yes,web form,gold");
    await page.getByRole("button", { name: "Check rows" }).click();
    await expect
      .poll(() => page.getByRole("table", { name: "Rows with problems" }).locator("tbody tr td").allTextContents())
      .toEqual(["2", "phone", "on the do-not-call list"]);
    expect(await page.getByRole("button", { name: "Save 0 contacts" }).isDisabled()).toBe(true);

    // 7. Start from the list's campaign page: Running; then Pause: Paused (and the API agrees).
    await page.goto(`${base}/dashboard/campaigns`);
    const row = page.getByTestId("campaign-row").filter({ hasText: "Spring check-ups" });
    expect(await row.getByTestId("campaign-status").textContent()).toBe("Draft");
    await row.getByTestId("progress-count").waitFor();
    await shot(page, "campaigns-list");
    a11y.push(...(await violations(page)));
    await row.getByRole("link", { name: "Spring check-ups" }).click();
    await page.getByRole("button", { name: "Start" }).click();
    await expect.poll(() => page.getByTestId("campaign-status").first().textContent()).toBe("Running");
    expect(await page.getByRole("button", { name: "Start" }).count()).toBe(0);
    await page.getByRole("button", { name: "Pause" }).click();
    await expect.poll(() => page.getByTestId("campaign-status").first().textContent()).toBe("Paused");
    await page.getByRole("button", { name: "Resume" }).waitFor();
    await shot(page, "campaign-paused");
    a11y.push(...(await violations(page)));
    const paused = (await (await ctx.request.get(`${base}/v1/campaigns/${campaignId}`)).json()) as { status: string; startedAt: string | null };
    expect(paused.status).toBe("paused");
    expect(paused.startedAt).not.toBeNull();

    // 8. The results link downloads every contact's result as CSV.
    const href = await page.getByRole("link", { name: "Download results (CSV)" }).getAttribute("href");
    const results = await ctx.request.get(`${base}${href}`);
    expect(results.headers()["content-type"]).toContain("text/csv");
    const lines = (await results.text()).trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^phone,name,timezone,status,outcome,attempts/);
    expect(lines).toHaveLength(3);

    // 9. A staff member follows the campaign but cannot change it.
    const invite = await ctx.request.post(`${base}/v1/workspaces/current/invitations`, { data: { email: `staff-${Date.now()}@example.com`, role: "staff" } });
    const staff = await browser.newContext();
    const accepted = await staff.request.post(`${base}/v1/invitations/accept`, {
      data: { token: ((await invite.json()) as { token: string }).token, name: "Sam Staff", password: "staff password 1" },
    });
    expect(accepted.ok(), await accepted.text()).toBe(true);
    const staffPage = await staff.newPage();
    const staffErrors = watchErrors(staffPage);
    await staffPage.goto(`${base}/dashboard/campaigns`);
    await staffPage.getByTestId("campaign-row").first().waitFor();
    expect(await staffPage.getByRole("link", { name: "New campaign" }).count()).toBe(0);
    await staffPage.getByRole("link", { name: "Spring check-ups" }).click();
    await staffPage.getByRole("table", { name: "Contacts", exact: true }).getByText("+12125550101").waitFor();
    expect(await staffPage.getByRole("button", { name: "Resume" }).count()).toBe(0);
    expect(await staffPage.getByRole("button", { name: "Check rows" }).count()).toBe(0);
    expect(await staffPage.getByRole("button", { name: "Save settings" }).count()).toBe(0);
    expect(await staffPage.getByLabel("Name", { exact: true }).isDisabled()).toBe(true);
    await staffPage.goto(`${base}/dashboard/campaigns/do-not-call`);
    await staffPage.getByRole("list", { name: "Do-not-call numbers" }).getByText("+16465550199").waitFor();
    expect(await staffPage.getByRole("button", { name: /^Remove/ }).count()).toBe(0);

    expect(errors).toEqual([]);
    expect(a11y).toEqual([]);
    expect(staffErrors).toEqual([]);
    await staff.close();
    await ctx.close();
  });
});
