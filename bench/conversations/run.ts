/**
 * npm run bench:conversations — do callers get what they called for? Every scenario in
 * bench/conversations/scenarios/ is one call to a fresh agent through the composed platform, judged on
 * what the call stored (appointments, messages, transfer, transcript), read back through the API.
 *
 *   npx tsx bench/conversations/run.ts [--path web-text|web-voice|twilio-8k …] [--only dental] [--concurrency 4] [--out file.json]
 *
 * Prints a markdown report and writes bench/conversations/results/latest.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { format, resolveConfig } from "prettier";
import { z } from "zod";
import { BENCH_NOW } from "./clock.ts";
import { runScenarios } from "./conversations.ts";
import { PATH_IDS, type CallerPath, type PathId } from "./paths/caller-path.ts";
import { twilio8kPath } from "./paths/twilio-8k.ts";
import { webTextPath } from "./paths/web-text.ts";
import { webVoicePath } from "./paths/web-voice.ts";
import { startBenchPlatform, type BenchPlatform } from "./platform.ts";
import { buildReport, toMarkdown } from "./report.ts";
import { SCENARIOS } from "./scenarios/index.ts";

const argsSchema = z.object({
  path: z.array(z.enum(PATH_IDS)).default(["web-text"]),
  only: z.string().optional(),
  concurrency: z.coerce.number().int().min(1).max(16).default(4),
  out: z.string().default(fileURLToPath(new URL("./results/latest.json", import.meta.url))),
});

const { values } = parseArgs({
  options: { path: { type: "string", multiple: true }, only: { type: "string" }, concurrency: { type: "string" }, out: { type: "string" } },
});
const args = argsSchema.parse(values);

function pathOf(id: PathId, platform: BenchPlatform): CallerPath {
  if (id === "web-text") return webTextPath();
  if (id === "web-voice") return webVoicePath();
  return twilio8kPath({ localBase: platform.baseUrl, publicBase: platform.publicBase });
}

const scenarios = SCENARIOS.filter((s) => !args.only || s.id.includes(args.only) || s.template === args.only);
const platform = await startBenchPlatform(BENCH_NOW);
const results = [];
try {
  for (const id of args.path) {
    const path = pathOf(id, platform);
    console.error(`${id}: ${scenarios.length} scenarios, ${args.concurrency} at a time`);
    results.push(
      ...(await runScenarios(platform.baseUrl, path, scenarios, {
        now: BENCH_NOW,
        concurrency: args.concurrency,
        onResult: (r) =>
          console.error(
            `  ${r.passed ? "ok  " : "FAIL"} ${r.id} (${(r.durationMs / 1000).toFixed(1)} s)${r.passed ? "" : ` ${r.failures.map((f) => f.kind).join(", ")}`}`,
          ),
      })),
    );
  }
} finally {
  await platform.close();
}
const report = buildReport(results, BENCH_NOW);
mkdirSync(dirname(args.out), { recursive: true });
// Formatted as the repository formats JSON, so a committed result passes `npm run format:check`.
writeFileSync(args.out, await format(JSON.stringify(report), { ...(await resolveConfig(args.out)), parser: "json" }));
console.log(toMarkdown(report));
console.log(`\nwritten ${args.out}`);
