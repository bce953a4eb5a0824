import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, hasChromium, launch, signupViaApi, startPlatform, watchErrors, type Platform } from "./harness.ts";

/** Account recovery as people do it: a forgotten password reset with a link from the owner; a password changed on the Security page. */
describe.runIf(hasChromium)("passwords in Chromium", () => {
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

  it("a staff member who forgot their password gets a link from the owner, sets a new one and logs in with it", async () => {
    const base = platform.baseUrl;
    const owner = await browser.newContext();
    await signupViaApi(owner, base, "forgetful");
    const staffEmail = `staff-${Date.now()}@example.com`;
    const invite = await owner.request.post(`${base}/v1/workspaces/current/invitations`, { data: { email: staffEmail, role: "staff" } });
    const staffCtx = await browser.newContext();
    const accepted = await staffCtx.request.post(`${base}/v1/invitations/accept`, {
      data: { token: ((await invite.json()) as { token: string }).token, name: "Sam Staff", password: "the old password" },
    });
    expect(accepted.ok()).toBe(true);

    // The staff member opens "Forgot your password?": a link by email (the other journey), or one the owner makes.
    const staffPage = await staffCtx.newPage();
    const staffErrors = watchErrors(staffPage);
    await staffPage.goto(`${base}/login`);
    await staffPage.getByRole("link", { name: "Forgot your password?" }).click();
    await staffPage.getByText("we will send you a link to choose a new password").waitFor();

    // The owner makes the link on the Team page.
    const ownerPage = await owner.newPage();
    await ownerPage.goto(`${base}/dashboard/team`);
    await ownerPage.locator("li", { hasText: "Sam Staff" }).getByRole("button", { name: "Password reset link" }).click();
    const made = new URL((await ownerPage.getByTestId("created-key").textContent())!.trim());
    expect(made.pathname).toBe("/reset-password");
    // The link is built on PUBLIC_BASE_URL; the test server listens on a port of its own.
    const link = `${base}${made.pathname}${made.search}`;

    await staffPage.goto(link);
    await staffPage.getByLabel("New password", { exact: true }).fill("a fresh passphrase");
    await staffPage.getByLabel("New password again").fill("a fresh passphrase");
    await staffPage.getByRole("button", { name: "Set new password" }).click();
    await staffPage.getByRole("link", { name: "Log in with the new password" }).click();
    await staffPage.getByLabel("Email").fill(staffEmail);
    await staffPage.getByLabel("Password").fill("a fresh passphrase");
    await staffPage.getByRole("button", { name: "Log in" }).click();
    await staffPage.waitForURL(/\/dashboard/);

    // The link worked once.
    await staffPage.goto(link);
    await staffPage.getByLabel("New password", { exact: true }).fill("a third passphrase");
    await staffPage.getByLabel("New password again").fill("a third passphrase");
    await staffPage.getByRole("button", { name: "Set new password" }).click();
    await staffPage.getByText("expired or was already used").waitFor();
    expect(staffErrors.filter((e) => !e.includes("401"))).toEqual([]);
    await owner.close();
    await staffCtx.close();
  });

  it("an owner changes their password on the Security page; a session on another device is signed out", async () => {
    const base = platform.baseUrl;
    const ctx = await browser.newContext();
    const { email, password } = await signupViaApi(ctx, base, "changer");
    const other = await browser.newContext();
    expect((await other.request.post(`${base}/v1/auth/login`, { data: { email, password } })).ok()).toBe(true);
    const page = await ctx.newPage();
    await page.goto(`${base}/dashboard/security`);
    await page.getByLabel("Current password").fill("not it at all");
    await page.getByLabel("New password", { exact: true }).fill("a better passphrase");
    await page.getByLabel("New password again").fill("a better passphrase");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("is not your current password").waitFor();
    await page.getByLabel("Current password").fill(password);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("Your 1 other session(s) were signed out.").waitFor();
    expect((await other.request.get(`${base}/v1/auth/me`)).status()).toBe(401);
    expect((await ctx.request.get(`${base}/v1/auth/me`)).status()).toBe(200);
    await ctx.close();
    await other.close();
  });
});
