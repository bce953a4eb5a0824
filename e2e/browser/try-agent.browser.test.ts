import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { speechAvailability } from "@orbis/providers";
import { callerWav, ensureBuilt, hasChromium, launch, RESULTS, signupViaApi, startPlatform, watchErrors, type Platform } from "./harness.ts";

/**
 * Chromium's fake microphone plays a synthesised caller line into "Try this agent" (`--use-file-for-fake-audio-capture`):
 * worklet → 16 kHz PCM16 frames → /v1/stream → offline speech → the agent's answer in the live transcript,
 * then the call with its turns in the calls API, the calls list and the call page.
 */
describe.runIf(hasChromium && speechAvailability().stt)("Try this agent with a fake microphone", () => {
  let platform: Platform;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    ensureBuilt();
    platform = await startPlatform();
    // The file starts playing when the mic opens (at "ready"); 8 s of leading silence lets the greeting finish first.
    // %noloop: the line is said once, then silence (a looped file would ask again while the agent answers).
    const wav = await callerWav("What are your opening hours?", 8);
    browser = await launch([
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-audio-capture=${wav}%noloop`,
      "--autoplay-policy=no-user-gesture-required",
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  it("hears the caller, shows the agent's answer live, and records the call with its turns", async () => {
    const ctx = await browser.newContext();
    await signupViaApi(ctx, platform.baseUrl, "tryco");
    const base = platform.baseUrl;
    const agent = (await (await ctx.request.post(`${base}/v1/templates/dental/agents`, { data: { name: "Mic agent" } })).json()) as { id: string };
    await ctx.request.post(`${base}/v1/agents/${agent.id}/publish`, { data: {} });
    const framesIn = async () => Number(/^orbis_audio_frames_in_total (\d+)/m.exec(await (await ctx.request.get(`${base}/metrics`)).text())?.[1] ?? 0);
    const framesBefore = await framesIn();

    const page = await ctx.newPage();
    const errors = watchErrors(page);
    // Every binary message the page sends must be one 20 ms PCM16 frame (the gateway closes 4004 on odd or oversized frames).
    const frameSizes = new Map<number, number>();
    page.on("websocket", (ws) =>
      ws.on("framesent", (f) => typeof f.payload !== "string" && frameSizes.set(f.payload.length, (frameSizes.get(f.payload.length) ?? 0) + 1)),
    );
    await page.goto(`${base}/dashboard/agents/${agent.id}/try?processing=off`);
    await page.getByRole("button", { name: "Start call with microphone" }).click();
    const transcript = page.getByRole("list", { name: "Live transcript" });
    await transcript.locator('[data-role="agent"]', { hasText: "How can I help" }).waitFor({ timeout: 20_000 });
    // The recogniser's final words for the spoken line, then the agent's answer to it (after the caller's line).
    await transcript.locator('[data-role="user"]', { hasText: /hours/i }).waitFor({ timeout: 40_000 });
    const answer = transcript.locator('[data-role="user"] ~ [data-role="agent"]', { hasText: /monday|open/i }).first();
    await answer.waitFor({ timeout: 30_000 });
    expect(await answer.textContent()).toMatch(/\b(8|9) ?AM\b/i);
    await page.screenshot({ path: join(RESULTS, "try-this-agent.png"), fullPage: true });

    expect([...frameSizes.keys()]).toEqual([640]);
    expect(await framesIn()).toBeGreaterThan(framesBefore + 150);

    await page.getByRole("button", { name: "End call" }).click();
    const record = page.getByRole("link", { name: "Open this call's record" });
    await record.waitFor();
    const callId = /\/dashboard\/calls\/(call_\w+)/.exec((await record.getAttribute("href")) ?? "")?.[1];
    expect(callId).toBeTruthy();

    // The calls API: the call is listed for this agent, and its detail has the spoken turn with latency.
    const getCall = async () =>
      (await (await ctx.request.get(`${base}/v1/calls/${callId}`)).json()) as {
        status: string;
        channel: string;
        turns: { userText: string | null; agentText: string | null; e2eMs: number | null }[];
      };
    await expect.poll(async () => (await getCall()).status, { timeout: 10_000 }).toBe("completed");
    const call = await getCall();
    expect(call.channel).toBe("web");
    const spoken = call.turns.find((t) => /hours/i.test(t.userText ?? ""));
    expect(spoken?.agentText).toMatch(/monday/i);
    expect(spoken?.e2eMs).toBeGreaterThan(0);
    const list = (await (await ctx.request.get(`${base}/v1/calls?agentId=${agent.id}`)).json()) as { data: { id: string; turnCount?: number }[] };
    expect(list.data.map((c) => c.id)).toContain(callId);

    // The calls list (filtered by agent) links to the call page: transcript with per-turn latency and the outcome.
    await page.goto(`${base}/dashboard/calls`);
    await page.getByLabel("Agent").selectOption(agent.id);
    await page.waitForURL(new RegExp(`/dashboard/calls\\?agentId=${agent.id}$`));
    await page.getByLabel("Status").selectOption("failed");
    await page.getByText("No calls match these filters").waitFor();
    await page.getByLabel("Status").selectOption("completed");
    await page.locator(`tr[data-call-id="${callId}"]`).getByRole("link").click();
    await page.waitForURL(new RegExp(`/dashboard/calls/${callId}$`));
    const turns = page.getByRole("list", { name: "Transcript" });
    const turn = turns.getByTestId("turn").filter({ has: page.locator('[data-role="user"]', { hasText: /hours/i }) });
    await turn.locator('[data-role="agent"]', { hasText: /monday/i }).waitFor();
    await turn
      .getByTestId("turn-latency")
      .getByText(/total \d+ ms/)
      .waitFor();
    await page.getByTestId("call-outcome").waitFor();
    await page.screenshot({ path: join(RESULTS, "call-page.png"), fullPage: true });

    // The overview (GET /v1/analytics/overview) counts the call and its measured turn latency.
    await page.getByRole("link", { name: "Overview" }).click();
    await expect.poll(() => page.getByTestId("stat-calls-today").textContent()).toBe("1");
    await expect.poll(() => page.getByTestId("stat-turn-latency-p50-p95").textContent()).toMatch(/^\d+ \/ \d+$/);
    await page.getByRole("list", { name: "Top agents by calls" }).getByText("Mic agent").waitFor();
    await page.getByRole("img", { name: /Calls per day, last 14 days: 1 in all/ }).waitFor();
    await page.screenshot({ path: join(RESULTS, "dashboard-overview-with-calls.png"), fullPage: true });
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
