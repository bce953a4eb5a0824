/**
 * Inviting a colleague, as people do it: the owner invites from the Team page, the colleague opens the
 * link the dashboard shows (as it would arrive by email: PUBLIC_BASE_URL + its path), chooses a name and
 * a password, accepts and lands in the owner's workspace with the invited role.
 */
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBrainFactory } from "@orbis/agent-runtime";
import { buildPlatform, createRuntime } from "@orbis/cli";
import { testConfig } from "@orbis/config";
import { cascadedPipeline, gatewayMount, offlineSpeechStack } from "@orbis/gateway";
import { webMount } from "@orbis/web";
import { ensureBuilt, hasChromium, launch, signupViaApi, watchErrors } from "./harness.ts";

/** A port free right now: the server must know its public URL (invitation links) before it listens. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** `orbis start`'s composition, like the harness's, with PUBLIC_BASE_URL set to where it listens. */
async function startPlatformAt(port: number) {
  const baseUrl = `http://localhost:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), "orbis-invite-e2e-"));
  const runtime = createRuntime(testConfig({ dataDir, port, publicBaseUrl: baseUrl, rateLimitPerMinute: 10_000 }));
  await runtime.db.migrate();
  const gateway = gatewayMount({ brains: createBrainFactory(runtime.db), pipeline: cascadedPipeline(offlineSpeechStack(join(dataDir, "speech"))) });
  const app = await buildPlatform(runtime, { mounts: [webMount, gateway] });
  await app.listen({ port, host: "127.0.0.1" });
  return {
    baseUrl,
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}

describe.runIf(hasChromium)("invitations in Chromium", () => {
  let platform: Awaited<ReturnType<typeof startPlatformAt>>;
  let browser: Browser;

  beforeAll(async () => {
    ensureBuilt();
    platform = await startPlatformAt(await freePort());
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  it("the owner invites a colleague; the colleague opens the link, accepts and lands in the workspace as staff", async () => {
    const owner = await browser.newContext();
    await signupViaApi(owner, platform.baseUrl, "inviteco");
    const ownerPage = await owner.newPage();
    const ownerErrors = watchErrors(ownerPage);
    await ownerPage.goto(`${platform.baseUrl}/dashboard/team`);
    const colleague = `colleague-${Date.now()}@example.com`;
    await ownerPage.getByLabel("Email").fill(colleague);
    await ownerPage.getByLabel("Role").selectOption("staff");
    await ownerPage.getByRole("button", { name: "Send invitation" }).click();
    const link = (await ownerPage.getByText("/invite?token=").textContent())!.trim();
    expect(link).toMatch(new RegExp(`^${platform.baseUrl}/invite\\?token=[\\w-]+$`));
    expect(ownerErrors).toEqual([]);

    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const opened = await page.goto(link);
    expect(opened?.status()).toBe(200);
    await page.getByRole("heading", { name: "Join your team" }).waitFor();
    await page.getByLabel("Your name").fill("Casey Colleague");
    await page.getByLabel("Password").fill("another horse battery");
    await page.getByRole("button", { name: "Accept invitation" }).click();
    await page.waitForURL(`${platform.baseUrl}/dashboard`);
    await page.getByText("inviteco Co").first().waitFor();
    await expect.poll(() => page.getByTestId("role").textContent()).toBe("staff");
    expect(errors).toEqual([]);

    // The owner sees the colleague among the members.
    await ownerPage.reload();
    await ownerPage.getByText(colleague).waitFor();
    await owner.close();
    await ctx.close();
  });

  it("an invitation link is used once: opened again, accepting it says so", async () => {
    const owner = await browser.newContext();
    await signupViaApi(owner, platform.baseUrl, "onceco");
    const invite = (await (
      await owner.request.post(`${platform.baseUrl}/v1/workspaces/current/invitations`, { data: { email: `once-${Date.now()}@example.com`, role: "viewer" } })
    ).json()) as { acceptUrl: string };
    expect(invite.acceptUrl.startsWith(`${platform.baseUrl}/invite?token=`)).toBe(true);
    const accepted = await owner.request.post(`${platform.baseUrl}/v1/invitations/accept`, {
      data: { token: new URL(invite.acceptUrl).searchParams.get("token"), name: "Once", password: "correct horse battery" },
    });
    expect(accepted.status()).toBe(200);

    const page = await (await browser.newContext()).newPage();
    await page.goto(invite.acceptUrl);
    await page.getByLabel("Your name").fill("Twice");
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Accept invitation" }).click();
    await page.getByText("Invitation not found or expired").waitFor();
    await owner.close();
  });

  it("the invitation page (its URL holds a secret) and the API carry the security headers: no framing, no sniffing, no referrer", async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const res = (await page.goto(`${platform.baseUrl}/invite?token=secret-token`))!;
    const headers = res.headers();
    expect(headers["content-security-policy"]).toMatch(/frame-ancestors 'none'/);
    expect(headers["content-security-policy"]).toMatch(/default-src 'self'/);
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("no-referrer");
    const script = await ctx.request.get(`${platform.baseUrl}${await page.locator("script[src]").first().getAttribute("src")}`);
    expect(script.headers()["x-content-type-options"]).toBe("nosniff");
    const api = await ctx.request.get(`${platform.baseUrl}/v1/templates`);
    expect(api.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(api.headers()["x-content-type-options"]).toBe("nosniff");
    // A real 404 for a path the dashboard does not have (the old invitation path among them).
    expect((await page.goto(`${platform.baseUrl}/accept-invite?token=secret-token`))!.status()).toBe(404);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    await ctx.close();
  });
});
