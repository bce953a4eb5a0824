/**
 * A new business owner's mail and webhooks, walked in Chromium with the worker running (the relay and
 * the `email.send` / `webhooks.deliver` jobs), mail kept in the dev outbox (no SMTP server):
 * sign up → verify the address from the Outbox → forgot password → reset by the emailed link → sign in
 * with the new password → a webhook endpoint on a loopback receiver (secret shown once, test ping) →
 * a caller leaves a message → the receiver gets the signed `message.taken`, the delivery log shows it
 * delivered, and the "new message" email to the owner is in the Outbox.
 */
import { mkdtempSync } from "node:fs";
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlatform, createRuntime, startWorkerRole, type Runtime } from "@orbis/cli";
import { testConfig } from "@orbis/config";
import { schema } from "@orbis/db";
import { eq } from "@orbis/db/testing";
import { webMount } from "@orbis/web";
import { ensureBuilt, hasChromium, launch, signupViaApi, watchErrors } from "./harness.ts";

/** A port free right now: the server must know its public URL (the links in emails) before it listens. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** The business's own server: records every POST and answers 200 (after `delayMs`). */
async function startReceiver(): Promise<{ url: string; received: Received[]; delayMs: number; close(): Promise<void> }> {
  const received: Received[] = [];
  const state = { delayMs: 0 };
  const server: Server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      setTimeout(() => res.writeHead(200, { "content-type": "text/plain" }).end("thanks"), state.delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks/orbis`,
    received,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(ms: number) {
      state.delayMs = ms;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe.runIf(hasChromium)("email, password reset and webhooks in Chromium", () => {
  let runtime: Runtime;
  let app: Awaited<ReturnType<typeof buildPlatform>>;
  let worker: Awaited<ReturnType<typeof startWorkerRole>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    ensureBuilt();
    const port = await freePort();
    base = `http://localhost:${port}`;
    const dataDir = mkdtempSync(join(tmpdir(), "orbis-notify-e2e-"));
    runtime = createRuntime(testConfig({ dataDir, port, publicBaseUrl: base, rateLimitPerMinute: 10_000, allowPrivateNetworkTools: true }));
    await runtime.db.migrate();
    app = await buildPlatform(runtime, { mounts: [webMount] });
    await app.listen({ port, host: "127.0.0.1" });
    worker = await startWorkerRole(runtime);
    receiver = await startReceiver();
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await worker?.stop();
    await runtime?.close();
    await receiver?.close();
  });

  it("signs up, verifies from the Outbox, resets a forgotten password, receives a signed message.taken and its email", { timeout: 120_000 }, async () => {
    const address = `owner-${Date.now()}@example.com`;
    const oldPassword = "correct horse battery";
    const newPassword = "a brand new staple";
    const ctx = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
    const page = await ctx.newPage();
    const errors = watchErrors(page);

    // 1. Sign up in the browser; skip the setup; the dashboard asks to verify the address.
    await page.goto(`${base}/signup`);
    await page.getByLabel("Your name").fill("Olive Owner");
    await page.getByLabel("Business name").fill("Olive Dental");
    await page.getByLabel("Work email").fill(address);
    await page.getByLabel("Password").fill(oldPassword);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/onboarding$/);
    await page.getByRole("link", { name: "Skip for now" }).click();
    await page.waitForURL(`${base}/dashboard`);
    const banner = page.getByRole("status").filter({ hasText: "Please verify your email address" });
    await banner.getByText(address).waitFor();
    // "Email me a new link": a new link replaces the first one.
    await banner.getByRole("button", { name: "Email me a new link" }).click();
    await banner.getByText("A new link is on its way.").waitFor();

    // 2. The Outbox holds the verification email; its link verifies the address once.
    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Outbox" }).click();
    await page.waitForURL(`${base}/dashboard/outbox`);
    const verifyEmails = page.getByRole("list", { name: "Emails" }).getByRole("button", { name: /Confirm your email address/ });
    await expect.poll(() => verifyEmails.count()).toBe(2);
    // The first link was replaced by the resent one (the newest, listed first).
    await verifyEmails.last().click();
    const firstHref = (await page
      .frameLocator('iframe[title="Email: Confirm your email address"]')
      .getByRole("link", { name: "Confirm email address" })
      .getAttribute("href"))!;
    await verifyEmails.first().click();
    await expect
      .poll(() =>
        page.frameLocator('iframe[title="Email: Confirm your email address"]').getByRole("link", { name: "Confirm email address" }).getAttribute("href"),
      )
      .not.toBe(firstHref);
    const verifyMail = page.frameLocator('iframe[title="Email: Confirm your email address"]');
    const verifyLink = verifyMail.getByRole("link", { name: "Confirm email address" });
    const verifyHref = (await verifyLink.getAttribute("href"))!;
    expect(verifyHref).toMatch(new RegExp(`^${base}/verify-email\\?token=[\\w-]+$`));
    // Clicked, as in a mail client, the link opens in a new tab: the address is confirmed there.
    const [tab] = await Promise.all([ctx.waitForEvent("page"), verifyLink.click()]);
    const tabErrors = watchErrors(tab);
    await tab.waitForURL(verifyHref);
    await tab.getByRole("status").getByText("your email address is verified").waitFor();
    await tab.getByRole("link", { name: "Go to the dashboard" }).click();
    await tab.waitForURL(`${base}/dashboard`);
    await tab.getByRole("navigation", { name: "Dashboard" }).getByText(address).waitFor();
    await expect.poll(() => tab.getByText("Please verify your email address").count()).toBe(0);
    expect(tabErrors).toEqual([]);
    await tab.close();
    // The plain-text version carries the same link.
    await page.getByRole("tab", { name: "Plain text" }).click();
    await page.getByText(verifyHref, { exact: false }).waitFor();
    // Back in the first tab, the banner is gone too.
    await page.goto(`${base}/dashboard`);
    await page.getByRole("navigation", { name: "Dashboard" }).getByText(address).waitFor();
    await expect.poll(() => page.getByText("Please verify your email address").count()).toBe(0);
    // Used once: opened again, the link says so; so does the replaced first link.
    for (const used of [verifyHref, firstHref]) {
      await page.goto(used);
      await page.getByText(/expired or was already used/).waitFor();
    }

    // 3. Log out; "Forgot your password?"; the answer never says whether the account exists.
    await page.goto(`${base}/dashboard`);
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(`${base}/login`);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.waitForURL(`${base}/forgot-password`);
    await page.getByLabel("Email").fill(address);
    await page.getByRole("button", { name: "Send the reset link" }).click();
    const confirmation = (await page.getByRole("status").textContent())!;
    expect(confirmation).toMatch(/^If an account uses this address/);
    // An unknown address gets the very same words.
    await page.goto(`${base}/forgot-password`);
    await page.getByLabel("Email").fill(`nobody-${Date.now()}@example.com`);
    await page.getByRole("button", { name: "Send the reset link" }).click();
    expect(await page.getByRole("status").textContent()).toBe(confirmation);

    // The reset email is the user's own mail: the database stands in for their inbox.
    const resetMail = (await runtime.db.system.select().from(schema.emails).where(eq(schema.emails.toAddress, address))).filter(
      (e) => e.template === "password_reset",
    );
    expect(resetMail).toHaveLength(1);
    const resetHref = /href="([^"]+\/reset-password\?token=[^"]+)"/.exec(resetMail[0]!.html)?.[1];
    expect(resetHref).toMatch(new RegExp(`^${base}/reset-password\\?token=[\\w-]+$`));
    await page.goto(resetHref!);
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("New password again").fill(newPassword);
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByRole("status").getByText("Your password is changed").waitFor();
    await page.getByRole("link", { name: "Log in with the new password" }).click();
    await page.waitForURL(`${base}/login`);
    // The old password no longer works; the new one does.
    await page.getByLabel("Email").fill(address);
    await page.getByLabel("Password").fill(oldPassword);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").waitFor();
    expect(page.url()).toBe(`${base}/login`);
    await page.getByLabel("Password").fill(newPassword);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${base}/dashboard`);

    // The Security page's email notifications: messages taken are on; the daily summary (off by default) is switched on and stays on.
    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Security" }).click();
    const notifications = page.locator("section").filter({ has: page.getByRole("heading", { name: "Email notifications" }) });
    await expect.poll(() => notifications.getByRole("checkbox", { name: /Messages taken/ }).isChecked()).toBe(true);
    const daily = notifications.getByRole("checkbox", { name: /Daily summary/ });
    expect(await daily.isChecked()).toBe(false);
    const [saved] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/v1/me/notification-preferences` && r.request().method() === "PUT"),
      daily.check(),
    ]);
    expect(saved.status()).toBe(200);
    await page.reload();
    await expect.poll(() => page.getByRole("checkbox", { name: /Daily summary/ }).isChecked()).toBe(true);

    // 4. A webhook endpoint for message.taken on the business's server; the secret is shown once.
    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Webhooks" }).click();
    await page.waitForURL(`${base}/dashboard/webhooks`);
    await page.getByLabel("URL").fill(receiver.url);
    await page.getByLabel("Description").fill("Front desk CRM");
    await page.getByRole("checkbox", { name: "message.taken" }).check();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secret = (await page.getByTestId("created-key").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    // "Copy" puts it on the clipboard.
    await page.getByRole("button", { name: "Copy", exact: true }).click();
    await page.getByRole("button", { name: "Copied", exact: true }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    const endpoint = page.getByRole("listitem").filter({ hasText: receiver.url });
    await endpoint.getByText("Events: message.taken").waitFor();
    await endpoint.getByText(secret.slice(-4)).waitFor(); // only a hint of it from now on
    expect(await page.getByText(secret).count()).toBe(1);

    // The test ping, from the page: delivered, and signed with that secret.
    await endpoint.getByRole("button", { name: "Send test" }).click();
    await endpoint
      .getByRole("status")
      .getByText(/^Test: delivered — 200 in \d+ ms/)
      .waitFor();
    expect(receiver.received).toHaveLength(1);
    const ping = new Webhook(secret).verify(receiver.received[0]!.body, receiver.received[0]!.headers as Record<string, string>) as {
      type: string;
      data: { endpointId: string };
    };
    expect(ping.type).toBe("webhook.test");
    expect(ping.data.endpointId).toMatch(/^whe_/);
    await page.reload();
    expect(await page.getByText(secret).count()).toBe(0); // shown once

    // A caller leaves a message with the receptionist (typed chat with the published agent, as a caller would).
    const agent = (await (await ctx.request.post(`${base}/v1/templates/dental/agents`, { data: { name: "Front desk" } })).json()) as { id: string };
    expect((await ctx.request.post(`${base}/v1/agents/${agent.id}/publish`, { data: {} })).status()).toBe(200);
    let conversationId: string | undefined;
    const toolCalls: string[] = [];
    for (const text of [
      "",
      "I'd like to leave a message for Dr Lee",
      "It's Jane Back",
      "Please tell her I'll be ten minutes late tomorrow",
      "two one two five five five zero one four two",
    ]) {
      const res = await ctx.request.post(`${base}/v1/agents/${agent.id}/chat`, { data: { ...(conversationId ? { conversationId } : {}), text } });
      expect(res.status(), await res.text()).toBe(200);
      const reply = (await res.json()) as { conversationId: string; toolCalls: { name: string }[] };
      conversationId = reply.conversationId;
      toolCalls.push(...reply.toolCalls.map((t) => t.name));
    }
    expect(toolCalls).toContain("take_message");

    // The receiver gets the signed event.
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(2);
    const delivered = receiver.received[1]!;
    const event = new Webhook(secret).verify(delivered.body, delivered.headers as Record<string, string>) as {
      id: string;
      type: string;
      data: { agentId: string; callerName: string; callbackNumber: string; text: string };
    };
    expect(event).toMatchObject({ type: "message.taken", data: { agentId: agent.id, callerName: "Jane Back", callbackNumber: "+12125550142" } });
    expect(event.data.text).toMatch(/ten minutes late/);
    expect(delivered.headers["webhook-id"]).toBe(event.id);
    expect(() =>
      new Webhook(`whsec_${Buffer.from("another secret, 32 bytes long!!!").toString("base64")}`).verify(
        delivered.body,
        delivered.headers as Record<string, string>,
      ),
    ).toThrow();

    // The delivery log shows it delivered with a 2xx.
    await endpoint.getByRole("button", { name: "Deliveries" }).click();
    const row = endpoint.getByRole("row").filter({ hasText: event.id });
    await row.getByText("message.taken").waitFor();
    await expect
      .poll(async () => (await row.getByRole("cell").allTextContents()).slice(1, 4), { timeout: 10_000 })
      .toEqual(["succeeded", "1", expect.stringMatching(/^200/)]);

    // Redeliver: the same event (same webhook-id) again, and the log follows it to delivered without a reload
    // (the receiver takes a moment to answer: the log shows the delivery pending first).
    receiver.delayMs = 1_500;
    await row.getByRole("button", { name: "Redeliver" }).click();
    await row.getByText("pending").waitFor();
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(3);
    expect(receiver.received[2]!.headers["webhook-id"]).toBe(event.id);
    expect(new Webhook(secret).verify(receiver.received[2]!.body, receiver.received[2]!.headers as Record<string, string>)).toMatchObject({ id: event.id });
    await expect
      .poll(async () => (await row.getByRole("cell").allTextContents()).slice(1, 4), { timeout: 10_000 })
      .toEqual(["succeeded", "1", expect.stringMatching(/^200/)]);

    // 5. The "new message" email to the owner is in the Outbox.
    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Outbox" }).click();
    const messageMail = page.getByRole("list", { name: "Emails" }).getByRole("button", { name: /New message from Jane Back — Olive Dental/ });
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByRole("heading", { name: "Outbox" }).waitFor();
          return messageMail.count();
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    await messageMail.click();
    await messageMail.getByText(address).waitFor();
    await page.getByRole("tab", { name: "Plain text" }).click();
    await page
      .getByText(/ten minutes late/)
      .first()
      .waitFor();

    expect(errors).toEqual([]);
    await ctx.close();
  });

  it("with an SMTP server configured there is no Outbox: no menu entry, and its address says the outbox is off", { timeout: 60_000 }, async () => {
    // Mail leaves the platform (an SMTP server that is never reached: nothing is sent without a worker).
    const smtp = createRuntime(
      testConfig({ dataDir: mkdtempSync(join(tmpdir(), "orbis-smtp-e2e-")), rateLimitPerMinute: 10_000, smtpUrl: "smtp://127.0.0.1:9" }),
    );
    await smtp.db.migrate();
    const smtpApp = await buildPlatform(smtp, { mounts: [webMount] });
    try {
      await smtpApp.listen({ port: 0, host: "127.0.0.1" });
      const smtpBase = `http://localhost:${(smtpApp.server.address() as { port: number }).port}`;
      const ctx = await browser.newContext();
      await signupViaApi(ctx, smtpBase, "smtpco");
      expect((await ctx.request.get(`${smtpBase}/v1/dev/outbox`)).status()).toBe(404);
      const page = await ctx.newPage();
      const errors = watchErrors(page);
      await page.goto(`${smtpBase}/dashboard`);
      const nav = page.getByRole("navigation", { name: "Dashboard" });
      await nav.getByRole("link", { name: "Webhooks" }).waitFor();
      await page.waitForLoadState("networkidle");
      expect(await nav.getByRole("link", { name: "Outbox" }).count()).toBe(0);
      await page.goto(`${smtpBase}/dashboard/outbox`);
      await page.getByText("The outbox is off").waitFor({ timeout: 5_000 });
      // Opened from the dashboard (the menu's outbox check already cached), the same.
      await page.goto(`${smtpBase}/dashboard`);
      await page.waitForLoadState("networkidle");
      await page.evaluate(() => {
        history.pushState({}, "", "/dashboard/outbox");
        dispatchEvent(new PopStateEvent("popstate"));
      });
      await page.getByText("The outbox is off").waitFor({ timeout: 5_000 });
      expect(errors).toEqual([]);
      await ctx.close();
    } finally {
      await smtpApp.close();
      await smtp.close();
    }
  });
});
