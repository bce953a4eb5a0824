// Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip, level 9) beside every compressible file
// of the given build folders, at build time, so the server (apps/web/server, @fastify/static
// `preCompressed`) sends them as they are. A file that compression would not shrink gets none.
// Usage: node precompress.mjs <dir>...
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { extname, join, relative } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const COMPRESSIBLE = new Set([".js", ".mjs", ".css", ".html", ".svg", ".json", ".txt", ".webmanifest"]);

function* filesIn(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesIn(path);
    else if (COMPRESSIBLE.has(extname(entry.name))) yield path;
  }
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error("usage: node precompress.mjs <dir>...");
  process.exit(2);
}
const total = { raw: 0, gzip: 0, brotli: 0 };
for (const dir of dirs) {
  for (const file of filesIn(dir)) {
    const raw = readFileSync(file);
    const variants = {
      br: brotliCompressSync(raw, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        },
      }),
      gz: gzipSync(raw, { level: 9 }),
    };
    for (const [ext, bytes] of Object.entries(variants)) {
      // A stale variant of an earlier build must not outlive its file's new content.
      if (bytes.length < raw.length) writeFileSync(`${file}.${ext}`, bytes);
      else rmSync(`${file}.${ext}`, { force: true });
    }
    total.raw += statSync(file).size;
    total.gzip += Math.min(raw.length, variants.gz.length);
    total.brotli += Math.min(raw.length, variants.br.length);
    if (process.env.PRECOMPRESS_VERBOSE)
      console.log(`${relative(process.cwd(), file)} ${raw.length} B, gzip ${variants.gz.length} B, brotli ${variants.br.length} B`);
  }
}
console.log(`precompressed ${dirs.join(", ")}: ${total.raw} B raw, ${total.gzip} B gzip, ${total.brotli} B brotli`);
