/**
 * The public affiliate programme in Chromium: open /affiliates, apply (the form's own messages first),
 * open the verification link from the dev outbox, land on the dashboard "awaiting review"; the operator
 * approves (in the database here: the operator console has its own journey); reload → the referral link,
 * with a copy button. Then sign out and back in with an emailed sign-in link. The signed-in dashboard
 * passes axe's WCAG 2.1 A/AA rules.
 */
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import axe from "axe-core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlatform, createRuntime, type Runtime } from "@orbis/cli";
import { testConfig } from "@orbis/config";
import { schema } from "@orbis/db";
import { eq } from "@orbis/db/testing";
import { webMount } from "@orbis/web";
import { ensureBuilt, hasChromium, launch, watchErrors } from "./harness.ts";

/** A port free right now: the server must know its public URL (the links in emails) before it listens. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** axe-core's WCAG 2.x A and AA rules on the page as it is now; one line per violation. */
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

describe.runIf(hasChromium)("affiliate programme in Chromium", () => {
  let runtime: Runtime;
  let app: Awaited<ReturnType<typeof buildPlatform>>;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    ensureBuilt();
    const port = await freePort();
    base = `http://localhost:${port}`;
    const dataDir = mkdtempSync(join(tmpdir(), "orbis-affiliates-e2e-"));
    runtime = createRuntime(testConfig({ dataDir, port, publicBaseUrl: base, rateLimitPerMinute: 10_000 }));
    await runtime.db.migrate();
    app = await buildPlatform(runtime, { mounts: [webMount] });
    await app.listen({ port, host: "127.0.0.1" });
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await runtime?.close();
  });

  /** The link in the newest email of `template` to `address` (kept in the dev outbox: no SMTP server). */
  async function linkIn(address: string, template: string, path: string): Promise<string> {
    let url: string | undefined;
    await expect
      .poll(async () => {
        const rows = await runtime.db.system.select().from(schema.emails).where(eq(schema.emails.toAddress, address));
        const text = rows.filter((r) => r.template === template).sort((a, b) => +b.createdAt - +a.createdAt)[0]?.text ?? "";
        url = new RegExp(`${base}/affiliates/${path}\\?token=[\\w-]+`).exec(text)?.[0];
        return url;
      })
      .toBeTruthy();
    return url!;
  }

  it("applies, verifies from the emailed link, waits for review, then gets a link; signs out and back in by email", { timeout: 120_000 }, async () => {
    const address = `partner-${Date.now()}@agency.example.org`;
    const ctx = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
    const page = await ctx.newPage();
    const errors = watchErrors(page);

    // 1. The programme page: what it pays, and the form's own messages for a bad submission.
    await page.goto(`${base}/affiliates`);
    await page.getByRole("heading", { name: "Affiliate programme" }).waitFor();
    await page.getByRole("list", { name: "What the programme pays" }).getByText("30 % of every paid invoice").waitFor();
    const form = page.getByRole("form", { name: "Apply to the affiliate programme" });
    await form
      .getByRole("region", { name: /Affiliate terms/ })
      .getByText(/Prohibited practices/)
      .waitFor();
    await form.getByLabel("Email").fill("not-an-email");
    await form.getByLabel("Website (optional)").fill("agency");
    await form.getByRole("button", { name: "Apply" }).click();
    await form.getByText("Name is required").waitFor();
    await form.getByText("Email must be an address like name@example.com").waitFor();
    await form.getByText("Website must be a full address, like https://example.com").waitFor();
    await form.getByText("Accept the affiliate terms to apply").waitFor();

    // 2. A correct application: "Check your email".
    await form.getByLabel("Name").fill("Paula Partner");
    await form.getByLabel("Email").fill(address);
    await form.getByLabel("Website (optional)").fill("https://agency.example.org");
    await form.getByLabel(/How you will promote/).fill("Our clients are dental practices");
    await form.getByLabel("I have read and accept the affiliate terms.").check();
    await form.getByRole("button", { name: "Apply" }).click();
    await page.getByRole("status").getByText("Check your email").waitFor();

    // 3. The verification link from the outbox signs in and opens the dashboard: awaiting review, no link yet.
    await page.goto(await linkIn(address, "affiliate_verify", "verify"));
    await page.waitForURL(`${base}/affiliates/dashboard`);
    await page.getByRole("status").getByText("Your application is awaiting review.").waitFor();
    await page.getByText("Your link appears once you are approved.").waitFor();

    // 4. The operator approves; a reload shows the default link, which copies.
    const [affiliate] = await runtime.db.system.select().from(schema.affiliates).where(eq(schema.affiliates.email, address));
    expect(affiliate).toMatchObject({ status: "pending", termsVersion: "2026-12" });
    await runtime.db.system.update(schema.affiliates).set({ status: "approved" }).where(eq(schema.affiliates.id, affiliate!.id));
    await page.reload();
    await page
      .getByRole("status")
      .getByText(/Your application is approved/)
      .waitFor();
    const links = page.getByRole("list", { name: "Referral links" });
    const url = (await links.getByText(new RegExp(`^${base}/r/paula-partner-[a-z2-7]{6}$`)).textContent())!;
    await links.getByRole("button", { name: `Copy ${url}` }).click();
    await links.getByRole("button", { name: `Copied ${url}` }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    await page.getByRole("heading", { name: "Funnel" }).waitFor();
    await page.getByRole("heading", { name: "Payouts" }).waitFor();
    expect(await violations(page)).toEqual([]);

    // 5. Sign out; the dashboard asks to sign in; an emailed link signs in again.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${base}/affiliates`);
    await page.goto(`${base}/affiliates/dashboard`);
    const signIn = page.getByRole("form", { name: "Sign in to the affiliate dashboard" });
    await signIn.getByLabel("Affiliate email").fill(address);
    await signIn.getByRole("button", { name: "Email me a sign-in link" }).click();
    await page
      .getByRole("status")
      .getByText(/we sent it a sign-in link/)
      .waitFor();
    await page.goto(await linkIn(address, "affiliate_login", "sign-in"));
    await page.waitForURL(`${base}/affiliates/dashboard`);
    await page
      .getByRole("list", { name: "Referral links" })
      .getByRole("button", { name: `Copy ${url}` })
      .waitFor();

    // 6. A used link is refused plainly.
    await page.goto(await linkIn(address, "affiliate_login", "sign-in"));
    await page
      .getByRole("alert")
      .getByText(/invalid, expired or already used/)
      .waitFor();

    expect(errors).toEqual([]);
    await ctx.close();
  });
});
