/**
 * Google Calendar from the dashboard, in Chromium, with the worker running (the `calendar.sync` jobs):
 * connect through the OAuth consent redirect (a loopback Google that checks PKCE and sends the browser
 * back to our callback) → the connection is listed → attached to a staff member → a meeting in their
 * Google calendar makes that time unbookable from the Appointments page → a booking at a free time is
 * written into their Google calendar by the worker, and the connection shows it synced.
 */
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlatform, createRuntime, startWorkerRole, type Runtime } from "@orbis/cli";
import { loadConfig, testConfig } from "@orbis/config";
import type { BusinessConfigInput } from "@orbis/contracts";
import { webMount } from "@orbis/web";
import { localInstant, testBusiness } from "../../apps/api/test/bookings.fixtures.ts";
import { GoogleEmulator } from "../calendars/google-emulator.ts";
import { ensureBuilt, hasChromium, launch, signupViaApi, watchErrors } from "./harness.ts";

/** A port free right now: the OAuth redirect URI names the public URL before the server listens. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** One dentist, Dr Ann Lee, who does every service: her calendar is the practice's. */
const business: BusinessConfigInput = {
  ...testBusiness,
  name: "Lee Dental",
  services: [{ id: "hour", name: "Checkup", durationMin: 60, staffIds: ["ann"] }],
  staff: [{ id: "ann", name: "Dr Ann Lee", serviceIds: ["hour"] }],
};

describe.runIf(hasChromium)("Google Calendar connected from the dashboard", () => {
  let runtime: Runtime;
  let app: Awaited<ReturnType<typeof buildPlatform>>;
  let worker: Awaited<ReturnType<typeof startWorkerRole>>;
  let google: GoogleEmulator;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    ensureBuilt();
    google = await GoogleEmulator.start();
    const port = await freePort();
    base = `http://localhost:${port}`;
    // The OAuth client and Google's endpoints through the environment, as an operator sets them.
    const { calendars } = loadConfig("all", {
      NODE_ENV: "test",
      GOOGLE_CLIENT_ID: google.client.id,
      GOOGLE_CLIENT_SECRET: google.client.secret,
      GOOGLE_OAUTH_URL: google.url,
      GOOGLE_API_URL: google.url,
    });
    const dataDir = mkdtempSync(join(tmpdir(), "orbis-calendars-e2e-"));
    runtime = createRuntime(testConfig({ dataDir, port, publicBaseUrl: base, rateLimitPerMinute: 10_000, calendars }));
    await runtime.db.migrate();
    app = await buildPlatform(runtime, { mounts: [webMount] });
    await app.listen({ port, host: "127.0.0.1" });
    worker = await startWorkerRole(runtime);
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await worker?.stop();
    await runtime?.close();
    await google?.close();
  });

  it("connects Google, attaches it to a staff member, blocks her busy time and writes our booking there", { timeout: 120_000 }, async () => {
    const ctx = await browser.newContext();
    await signupViaApi(ctx, base, "calendars");
    // The business in New York, as the dashboard shows its times.
    const ws = await ctx.request.put(`${base}/v1/workspaces/current`, { data: { name: "Lee Dental", timezone: "America/New_York" } });
    expect(ws.status(), await ws.text()).toBe(200);
    const agent = await ctx.request.post(`${base}/v1/agents`, { data: { name: "Front desk", greeting: "Hello, Lee Dental.", business } });
    expect(agent.status(), await agent.text()).toBe(201);

    // Dr Lee's own meeting in her Google calendar, three days ahead at 10:00–11:00 New York time.
    const busyStart = localInstant(3, "10:00");
    google.busyBlocks.push({ calendarId: google.email, start: new Date(busyStart), end: new Date(localInstant(3, "11:00")) });

    const page = await ctx.newPage();
    const errors = watchErrors(page);

    // 1. Connect: our start → Google's consent page (the emulator agrees at once) → our callback → Calendars.
    await page.goto(`${base}/dashboard/calendars`);
    await page.getByText("No calendar connected").waitFor();
    await page.getByRole("button", { name: "Connect Google Calendar" }).click();
    await page.waitForURL(/\/dashboard\/calendars\?connected=calc_/);
    await page.getByText("Calendar connected.").waitFor();
    expect(google.requests.some((r) => r.path === "/o/oauth2/v2/auth")).toBe(true);
    expect(google.tokenRequests.filter((r) => r.grant_type === "authorization_code")).toHaveLength(1);

    // 2. The connection: the account, connected, the whole business's until attached; nothing synced yet.
    const card = page.locator("section").filter({ hasText: `Google Calendar · ${google.email}` });
    await card.getByText("Connected", { exact: true }).waitFor();
    await card.getByText("Whole business", { exact: true }).waitFor();
    await expect.poll(() => card.getByTestId("sync-status").textContent()).toBe("No booking synced yet");
    expect(await card.getByRole("checkbox", { name: /Front desk/ }).isChecked()).toBe(true);
    expect(await card.getByRole("checkbox", { name: /Team/ }).isChecked()).toBe(false);

    // 3. Attach it to Dr Lee and save.
    const owner = card.getByLabel("Whose calendar is this");
    expect(await owner.locator("option").allTextContents()).toEqual(["The whole business (blocks every staff member)", "Dr Ann Lee (Front desk)"]);
    await owner.selectOption({ label: "Dr Ann Lee (Front desk)" });
    await card.getByRole("button", { name: "Save" }).click();
    await card.getByText("Staff: Dr Ann Lee", { exact: true }).waitFor();
    const listed = (await (await ctx.request.get(`${base}/v1/calendar-connections`)).json()) as { connections: { staffId: string | null }[] };
    expect(listed.connections.map((c) => c.staffId)).toEqual(["ann"]);

    // 4. Her busy time cannot be booked from the Appointments page; nothing is booked or written.
    const day = busyStart.slice(0, 10);
    const book = async (time: string, name: string) => {
      await page.getByRole("button", { name: "New appointment" }).click();
      const form = page.getByRole("form", { name: "New appointment" });
      await form.getByLabel("Day").fill(day);
      await form.getByLabel(/^Time/).fill(time);
      await form.getByLabel("Customer name").fill(name);
      await form.getByLabel("Customer phone").fill("+1 212 555 0100");
      await form.getByRole("button", { name: "Book appointment" }).click();
      return form;
    };
    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Appointments" }).click();
    await page.waitForURL(`${base}/dashboard/appointments`);
    const refused = await book("10:00", "Pat Busy");
    // Refused as taken (her calendar's busy time is in the availability), not for any other rule.
    await expect.poll(() => refused.getByRole("alert").textContent()).toMatch(/already booked|busy in the business's connected calendar/);
    const booked = async () =>
      ((await (await ctx.request.get(`${base}/v1/appointments?day=${day}`)).json()) as { data: { customerName: string; staffId: string | null }[] }).data;
    expect(await booked()).toEqual([]);
    await refused.getByRole("button", { name: "Close" }).click();

    // 5. A free time books, and the worker writes it into her Google calendar (as free time, so it never blocks).
    const form = await book("13:00", "Pat Free");
    await form.waitFor({ state: "detached" });
    expect(await booked()).toEqual([expect.objectContaining({ customerName: "Pat Free", staffId: "ann" })]);
    await expect.poll(() => google.eventsIn(google.email).length, { timeout: 30_000 }).toBe(1);
    const event = google.eventsIn(google.email)[0]!;
    expect(event.start.toISOString()).toBe(new Date(localInstant(3, "13:00")).toISOString());
    expect(event.summary).toContain("Pat Free");
    expect(event.transparency).toBe("transparent");

    // 6. The Calendars page shows the sync (once the worker has recorded it on the connection).
    const syncedAt = async () =>
      ((await (await ctx.request.get(`${base}/v1/calendar-connections`)).json()) as { connections: { lastSyncedAt: string | null }[] }).connections[0]
        ?.lastSyncedAt;
    await expect.poll(syncedAt, { timeout: 15_000 }).toBeTruthy();
    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Calendars" }).click();
    await page.waitForURL(`${base}/dashboard/calendars`);
    await expect.poll(async () => (await page.getByTestId("sync-status").textContent()) ?? "").toMatch(/^Last synced /);
    expect(await page.getByRole("alert").count()).toBe(0);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
