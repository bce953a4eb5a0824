import { mkdirSync, mkdtempSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBrainFactory } from "@orbis/agent-runtime";
import { buildPlatform, createRuntime, type Runtime } from "@orbis/cli";
import { testConfig } from "@orbis/config";
import { createId } from "@orbis/contracts";
import { tenantScope } from "@orbis/db";
import { cascadedPipeline, gatewayMount, offlineSpeechStack } from "@orbis/gateway";
import { webMount } from "@orbis/web";
import { ensureBuilt, hasChromium, launch, RESULTS, signupViaApi, watchErrors } from "./harness.ts";

/**
 * The pages of the API-only capabilities (phone numbers, provider keys, HTTP tools, usage, audit log),
 * end to end in Chromium. One local server plays both the tenant's tool endpoint and an OpenAI-compatible
 * host that refuses every key, so nothing leaves the machine. The platform is the harness's composition
 * with ALLOW_PRIVATE_NETWORK_TOOLS on (the tool endpoint is on loopback) and OpenAI's base URL pointed here.
 */

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => resolve(body));
  });

async function startLocalServices(): Promise<{ url: string; toolCalls: unknown[]; close(): Promise<void> }> {
  const toolCalls: unknown[] = [];
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    if (req.url === "/tool" && req.method === "POST") {
      const parsed = JSON.parse(body) as { args: { orderId: string } };
      toolCalls.push(parsed);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ orderId: parsed.args.orderId, status: "shipped on Tuesday" }));
    } else if (req.url?.startsWith("/v1/models")) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "Incorrect API key provided" } }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, toolCalls, close: () => new Promise((r) => server.close(() => r())) };
}

const WIDTH = 390;
const overflowAt390 = async (page: Page) => {
  await page.setViewportSize({ width: WIDTH, height: 844 });
  return page.evaluate(() => document.documentElement.scrollWidth);
};

describe.runIf(hasChromium)("dashboard pages for phone numbers, provider keys, HTTP tools, usage and audit", () => {
  let services: Awaited<ReturnType<typeof startLocalServices>>;
  let runtime: Runtime;
  let app: Awaited<ReturnType<typeof buildPlatform>>;
  let baseUrl: string;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let errors: string[];
  let agentId: string;
  let workspaceId: string;

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    ensureBuilt();
    services = await startLocalServices();
    const dataDir = mkdtempSync(join(tmpdir(), "orbis-dash-e2e-"));
    runtime = createRuntime(
      testConfig({ dataDir, rateLimitPerMinute: 10_000, allowPrivateNetworkTools: true, providerKeys: { openai: { baseUrl: `${services.url}/v1` } } }),
    );
    await runtime.db.migrate();
    const gateway = gatewayMount({ brains: createBrainFactory(runtime.db), pipeline: cascadedPipeline(offlineSpeechStack(join(dataDir, "speech"))) });
    app = await buildPlatform(runtime, { mounts: [webMount, gateway] });
    await app.listen({ port: 0, host: "127.0.0.1" });
    baseUrl = `http://localhost:${(app.server.address() as { port: number }).port}`;
    browser = await launch();
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await signupViaApi(ctx, baseUrl, "pages");
    const me = (await (await ctx.request.get(`${baseUrl}/v1/auth/me`)).json()) as { workspace: { id: string } };
    workspaceId = me.workspace.id;
    const agent = await ctx.request.post(`${baseUrl}/v1/agents`, { data: { name: "Front desk", greeting: "Hello, Riverside.", systemPrompt: "Be kind." } });
    agentId = ((await agent.json()) as { id: string }).id;
    page = await ctx.newPage();
    errors = watchErrors(page);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await runtime?.close();
    await services?.close();
  });

  it("adds a Twilio number, shows the webhook URL with a copy button, stores carrier credentials as hints only", async () => {
    await page.goto(`${baseUrl}/dashboard/phone-numbers`);
    await page.getByRole("heading", { name: "Phone numbers", level: 1 }).waitFor();
    await page.getByText("No phone numbers yet").waitFor();
    await page.getByLabel("Phone number").fill("415 555");
    await page.getByRole("button", { name: "Add number" }).click();
    await page.getByText("must be an E.164 number").waitFor(); // the shared schema, client side
    await page.getByLabel("Phone number").fill("+14155550100");
    await page.getByLabel("Carrier").selectOption("twilio");
    await page.getByLabel("Agent").selectOption(agentId);
    await page.getByRole("button", { name: "Add number" }).click();
    const list = page.getByRole("list", { name: "Phone numbers" });
    await list.getByText("+14155550100").waitFor();
    await list.getByText("Front desk").waitFor();

    // No PUBLIC_BASE_URL here: the URLs name the local address, and the page says a carrier cannot reach it.
    await page.getByText(/^http:\/\/localhost:\d+\/v1\/telephony\/twilio\/voice$/).waitFor();
    await page
      .getByRole("note")
      .getByText(/PUBLIC_BASE_URL is not set/)
      .waitFor();
    const copy = page.getByRole("button", { name: "Copy Twilio voice webhook URL" });
    await copy.click();
    await page.getByRole("button", { name: "Copy Twilio voice webhook URL" }).filter({ hasText: "Copied" }).waitFor();

    const twilio = page.getByRole("region", { name: "Twilio credentials" });
    await twilio.getByLabel("Account SID").fill(`AC${"0123456789abcdef".repeat(2)}`);
    await twilio.getByLabel("Auth Token").fill("super-secret-auth-token-9876");
    await twilio.getByRole("button", { name: "Save" }).click();
    await twilio.getByText("configured").waitFor();
    await expect(twilio.getByTestId("hint-twilio-authToken").textContent()).resolves.toBe("…9876");
    await twilio.getByRole("button", { name: "Test credentials" }).click();
    await twilio
      .getByTestId("test-twilio")
      .getByText(/Not checked with Twilio/)
      .waitFor();
    expect(await page.content()).not.toContain("super-secret-auth-token-9876");
  });

  it("sets a provider key and shows only its hint; the key test says the provider refused it", async () => {
    await page.goto(`${baseUrl}/dashboard/providers`);
    await page.getByRole("heading", { name: "Provider keys", level: 1 }).waitFor();
    const openai = page.getByRole("region", { name: "openai credentials" });
    await openai.getByLabel("API key").fill("sk-live-very-secret-key-4242");
    await openai.getByRole("button", { name: "Save" }).click();
    await openai.getByText("configured").waitFor();
    await expect(openai.getByTestId("hint-openai-apiKey").textContent()).resolves.toMatch(/4242$/);
    expect(await page.content()).not.toContain("sk-live-very-secret-key-4242");
    await openai.getByRole("button", { name: "Test key" }).click();
    await openai
      .getByTestId("test-openai")
      .getByText(/refused the key \(HTTP 401\)/)
      .waitFor();
  });

  it("creates an HTTP tool (secret shown once), invokes it and shows the response", async () => {
    await page.goto(`${baseUrl}/dashboard/agents/${agentId}`);
    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "HTTP tools" }).click();
    await page.waitForURL(new RegExp(`/dashboard/agents/${agentId}/tools$`));
    await page.getByText("No HTTP tools yet").waitFor();
    await page.getByLabel("Name").fill("check_order");
    await page.getByLabel("Description").fill("Looks up an order's delivery status.");
    await page.getByLabel("URL").fill(`${services.url}/tool`);
    await page.getByRole("button", { name: "Add tool" }).click();
    await expect(page.getByTestId("created-key").textContent()).resolves.toMatch(/^tsec_/);
    const item = page.getByRole("listitem", { name: "check_order" });
    await item.getByLabel("Test arguments for check_order (JSON)").fill('{"orderId": "A-17"}');
    await item.getByRole("button", { name: "Run tool" }).click();
    await item
      .getByTestId("tool-result")
      .getByText(/shipped on Tuesday/)
      .waitFor();
    expect(services.toolCalls).toEqual([expect.objectContaining({ tool: "check_order", args: { orderId: "A-17" } })]);
  });

  it("usage shows the calls of the range by channel and the cost by provider", async () => {
    // A finished phone call of today, as the gateway records one.
    const tenant = tenantScope(runtime.db, workspaceId);
    const startedAt = new Date(Date.now() - 60_000);
    const usage = { deepgram: { sttSeconds: 90, llmTokensIn: 0, llmTokensOut: 0, ttsCharacters: 0, realtimeSeconds: 0, costUsd: 0.0065 } };
    await tenant.calls.insert({
      id: createId("call"),
      agentId,
      channel: "twilio",
      status: "completed",
      callee: "+14155550100",
      startedAt,
      endedAt: new Date(),
      durationSec: 90,
      usage,
      costUsd: 0.0065,
    });

    await page.goto(`${baseUrl}/dashboard/usage`);
    await page.getByRole("heading", { name: "Usage", level: 1 }).waitFor();
    await expect(page.getByTestId("usage-calls").textContent()).resolves.toBe("1");
    await page.getByRole("list", { name: "Cost by provider" }).getByText("deepgram").waitFor();
    await page.getByRole("img", { name: "Calls per day by channel: 1 in all" }).waitFor();
    await page.getByRole("cell", { name: "1 · 1.5 min" }).waitFor();
  });

  it("the audit log lists what just happened and filters by resource type", async () => {
    await page.goto(`${baseUrl}/dashboard/audit`);
    await page.getByRole("heading", { name: "Audit log", level: 1 }).waitFor();
    const entries = page.getByRole("list", { name: "Audit entries" });
    await entries.getByText("phone_number.created").waitFor();
    await entries.getByText("credentials.set").first().waitFor();
    await page.getByLabel("Resource type").selectOption("phone_number");
    await page.getByRole("button", { name: "Filter" }).click();
    await entries.getByText("credentials.set").first().waitFor({ state: "detached" });
    await entries.getByText("phone_number.created").waitFor();
  });

  it("the last call shows on its number; every page fits 390 px; no console errors", async () => {
    await page.goto(`${baseUrl}/dashboard/phone-numbers`);
    await page
      .getByTestId("last-call")
      .getByText(/completed/)
      .waitFor();
    for (const [name, path] of [
      ["phone-numbers", "phone-numbers"],
      ["providers", "providers"],
      ["agent-tools", `agents/${agentId}/tools`],
      ["usage", "usage"],
      ["audit", "audit"],
    ]) {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${baseUrl}/dashboard/${path}`);
      await page.getByRole("heading", { level: 1 }).waitFor();
      await page.waitForLoadState("networkidle");
      expect(await overflowAt390(page), path).toBeLessThanOrEqual(WIDTH);
      await page.screenshot({ path: join(RESULTS, `dashboard-${name}-390.png`), fullPage: true });
    }
    expect(errors).toEqual([]);
  });
});
