import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { speechAvailability } from "@orbis/providers";
import { callerWav, ensureBuilt, hasChromium, launch, RESULTS, signupViaApi, startPlatform, watchErrors, type Platform } from "./harness.ts";

const COLD_CALL = "builtin_cold_call_book_meeting";
const PROSPECT = "builtin_logistics_ops_manager";

/**
 * Sales practice by voice: a rep picks a prospect and the cold-call scenario, starts, and Chromium's fake
 * microphone says the rep's opener (synthesised offline) into `/v1/stream` with the session's one-use
 * token → offline speech → the prospect engine's reply in the live transcript; End → the scored report
 * with the transcript and the recording's player, and the session in the API as completed.
 */
describe.runIf(hasChromium && speechAvailability().stt)("sales practice with a fake microphone", () => {
  let platform: Platform;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    ensureBuilt();
    platform = await startPlatform();
    // The file starts when the mic opens (at "ready"); 5 s of silence lets the prospect answer the phone first.
    // %noloop: said once, then silence.
    const wav = await callerWav(
      "Hi Marcus, this is Sam from Orbis. The reason I'm calling is we help freight companies answer customer calls. Do you have a minute?",
      5,
    );
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

  it("starts a cold call, hears the rep, shows the prospect's reply live, and reports the score and transcript", { timeout: 150_000 }, async () => {
    const ctx = await browser.newContext();
    await signupViaApi(ctx, platform.baseUrl, "practiceco");
    const base = platform.baseUrl;
    const page = await ctx.newPage();
    const errors = watchErrors(page);

    // The nav shows Sales practice (every feature is on without billing).
    await page.goto(`${base}/dashboard`);
    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Sales practice" }).click();
    await page.waitForURL(/\/dashboard\/practice$/);
    await page.getByRole("heading", { name: "Sales practice", level: 1 }).waitFor();
    // Raw microphone audio (no echo cancellation or noise suppression on the synthesised voice), as the Try-agent test does.
    await page.goto(`${base}/dashboard/practice?processing=off`);

    // Picking the cold call preselects its suggested prospect; pick it explicitly too.
    await page.locator(`[data-testid="scenario-card"][data-id="${COLD_CALL}"]`).getByRole("radio").check();
    const prospect = page.locator(`[data-testid="persona-card"][data-id="${PROSPECT}"]`).getByRole("radio");
    expect(await prospect.isChecked()).toBe(true);
    await prospect.check();
    await page.getByRole("button", { name: "Start practice" }).click();
    await page.waitForURL(/\/dashboard\/practice\/sessions\/prs_\w+/);
    const sessionId = /\/sessions\/(prs_\w+)/.exec(page.url())?.[1];
    expect(sessionId).toBeTruthy();
    await page.getByRole("timer", { name: "Time left" }).waitFor();
    const live = page.getByRole("list", { name: "Live transcript" });
    // The prospect answers the phone, the fake microphone says the rep's opener, the prospect replies to it.
    await live.locator('[data-role="prospect"]').first().waitFor({ timeout: 20_000 });
    await live.locator('[data-role="rep"]').first().waitFor({ timeout: 40_000 });
    const reply = live.locator('[data-role="rep"] ~ [data-role="prospect"]').first();
    await reply.waitFor({ timeout: 30_000 });
    expect((await reply.textContent())?.trim().length).toBeGreaterThan(0);
    await page.screenshot({ path: join(RESULTS, "practice-live.png"), fullPage: true });

    await page.getByRole("button", { name: "End practice" }).click();
    // The report: overall score, metrics, and the transcript with both speakers.
    const overall = page.getByTestId("overall-score");
    await overall.waitFor({ timeout: 20_000 });
    expect(await overall.textContent()).toMatch(/^\d{1,3}\/100$/);
    const metrics = page.getByRole("group", { name: "Call metrics" });
    expect(await metrics.getByTestId("metric-talk-ratio").textContent()).toMatch(/^\d+ %$/);
    expect(await metrics.getByTestId("metric-objections").textContent()).toMatch(/^\d+ \/ \d+$/);
    const transcript = page.getByRole("list", { name: "Transcript" });
    await transcript.locator('[data-role="rep"]').first().waitFor();
    await transcript.locator('[data-role="prospect"]').first().waitFor();
    // The recording (on by default): a player whose source redirects to a short-lived signed link to the WAV.
    const player = page.getByTestId("practice-recording");
    await player.waitFor({ timeout: 10_000 });
    expect(await player.getAttribute("src")).toBe(`/v1/practice/sessions/${sessionId}/recording`);
    const audio = await page.evaluate(async (src) => {
      const res = await fetch(src, { credentials: "same-origin" });
      const bytes = new Uint8Array(await res.arrayBuffer());
      return {
        status: res.status,
        redirected: res.redirected,
        type: res.headers.get("content-type"),
        riff: String.fromCharCode(...bytes.slice(0, 4)),
        size: bytes.length,
      };
    }, `/v1/practice/sessions/${sessionId}/recording`);
    expect(audio).toMatchObject({ status: 200, redirected: true, type: "audio/wav", riff: "RIFF" });
    expect(audio.size).toBeGreaterThan(44 + 16000 * 4);
    await page.screenshot({ path: join(RESULTS, "practice-report.png"), fullPage: true });

    // The API agrees: the session is completed, scored, with the rep's spoken turn; the token is gone from the tab.
    const session = (await (await ctx.request.get(`${base}/v1/practice/sessions/${sessionId}`)).json()) as {
      status: string;
      endReason: string | null;
      overallScore: number | null;
      turns: { speaker: string; text: string }[];
    };
    expect(session.status).toBe("completed");
    // End sends `end` and closes at once: the gateway still reads it as the rep hanging up, not a dropped line.
    expect(session.endReason).toBe("rep_ended");
    expect(session.overallScore).not.toBeNull();
    expect(session.turns.some((t) => t.speaker === "rep" && t.text.length > 0)).toBe(true);
    expect(session.turns.some((t) => t.speaker === "prospect")).toBe(true);
    expect(await page.evaluate((id) => sessionStorage.getItem(`orbis.practice.token.${id}`), sessionId)).toBeNull();

    // History lists it with its score.
    await page.getByRole("navigation", { name: "Sales practice" }).getByRole("link", { name: "History" }).click();
    await page.locator(`tr[data-session-id="${sessionId}"]`).waitFor();
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
