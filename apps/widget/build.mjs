// Builds dist/widget.js: one minified IIFE, no dependencies; prints its gzipped size against the budget.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, "dist/widget.js");
const BUDGET = 15 * 1024;

await build({
  entryPoints: [join(here, "src/index.ts")],
  bundle: true,
  format: "iife",
  minify: true,
  target: "es2022",
  outfile,
  legalComments: "none",
  logLevel: "warning",
});
const raw = readFileSync(outfile);
const gz = gzipSync(raw, { level: 9 }).length;
console.log(`widget.js ${raw.length} B, ${gz} B gzipped (budget ${BUDGET} B)`);
if (gz > BUDGET) {
  console.error("widget.js is over its size budget");
  process.exit(1);
}
