/**
 * Web figures: widget.js and dashboard JS sizes (gzip -9), widget time-to-ready and dashboard
 * time-to-interactive on localhost in headless Chromium. Run: `npx tsx bench/web/measure.ts` (builds first if needed).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ensureBuilt, launch, REPO, startPlatform } from "../../e2e/browser/harness.ts";

ensureBuilt();
const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;
const widget = join(REPO, "apps/widget/dist/widget.js");
const assets = join(REPO, "apps/web/dist/assets");
const js = readdirSync(assets).filter((f) => f.endsWith(".js"));
const css = readdirSync(assets).filter((f) => f.endsWith(".css"));
console.log(`widget.js: ${readFileSync(widget).length} B raw, ${gz(widget)} B gzipped`);
console.log(
  `dashboard JS: ${js.reduce((n, f) => n + gz(join(assets, f)), 0)} B gzipped (${js.length} file), CSS ${css.reduce((n, f) => n + gz(join(assets, f)), 0)} B gzipped`,
);

const platform = await startPlatform();
const browser = await launch();
const ready: number[] = [];
const tti: number[] = [];
for (let i = 0; i < 7; i++) {
  const page = await browser.newPage();
  await page.goto(`${platform.baseUrl}/demo?agentId=agt_benchbench01&key=pk_bench`);
  await page.waitForFunction(() => performance.getEntriesByName("orbisvoice:ready").length > 0);
  ready.push(
    await page.evaluate(() => {
      const s = performance.getEntriesByType("resource").find((e) => e.name.endsWith("/widget.js")) as PerformanceResourceTiming;
      return performance.getEntriesByName("orbisvoice:ready")[0]!.startTime - s.responseEnd;
    }),
  );
  await page.goto(`${platform.baseUrl}/login`);
  await page.getByRole("button", { name: "Log in" }).waitFor();
  tti.push(await page.evaluate(() => performance.now()));
  await page.close();
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
console.log(`widget ready after widget.js arrived: median ${med(ready).toFixed(1)} ms (runs: ${ready.map((v) => v.toFixed(1)).join(", ")})`);
console.log(
  `dashboard /login interactive (navigation start → form rendered, cold page): median ${med(tti).toFixed(0)} ms (runs: ${tti.map((v) => v.toFixed(0)).join(", ")})`,
);
await browser.close();
await platform.close();
