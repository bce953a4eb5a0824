import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, hasChromium, launch, signupViaApi, startPlatform, watchErrors, type Platform } from "./harness.ts";

/** The Tests tab: an admin writes a scenario with the form, runs the suite on the draft and reads the result and transcript. */
describe.runIf(hasChromium)("agent tests page", () => {
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

  it("adds a scenario, runs it against the draft and shows pass/fail with the transcript", async () => {
    const ctx = await browser.newContext();
    await signupViaApi(ctx, platform.baseUrl, "testsco");
    const base = platform.baseUrl;
    const agent = (await (await ctx.request.post(`${base}/v1/templates/dental/agents`, { data: { name: "Suite agent" } })).json()) as { id: string };

    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(`${base}/dashboard/agents/${agent.id}/tests`);
    // The template's scenarios are there already.
    await page.getByRole("listitem", { name: "Gives the opening hours" }).waitFor();

    const form = page.getByRole("form", { name: "Add a scenario" });
    await form.getByLabel("Name", { exact: true }).fill("Asks about parking");
    await form.getByLabel("What the caller says (one line per turn)").fill("Where can I park?");
    await form.getByLabel("Expectation 1").selectOption("says");
    await form.getByLabel("Words (any case)").fill("free parking");
    await form.getByRole("button", { name: "Add scenario" }).click();
    await page.getByRole("listitem", { name: "Asks about parking" }).waitFor();

    await page.getByRole("button", { name: "Run tests" }).click();
    const run = page.getByTestId("test-run");
    await run.waitFor();
    await expect.poll(async () => run.textContent()).toMatch(/6 passed, 0 failed on draft/);
    const result = run.getByRole("listitem", { name: "Result: Asks about parking" });
    await result.getByText("Transcript").click();
    expect(await result.textContent()).toMatch(/Caller: Where can I park\?.*Agent: .*free parking/s);

    // The run is listed under past runs.
    await page.getByRole("cell", { name: "draft" }).first().waitFor();
    expect(errors).toEqual([]);
  });
});
