import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { AI_VENDORS } from "@orbis/contracts";

/** Readers for the files under deploy/ and the facts about the source they are checked against. */

export const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

export const read = (path: string) => readFileSync(resolve(ROOT, path), "utf8");

/** Every document of a YAML file as plain data (`<<` merge keys applied, as Compose does); a syntax error throws. */
export function yamlDocuments(path: string): unknown[] {
  const docs = parseAllDocuments(read(path), { merge: true });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    if (doc.errors.length > 0) throw new Error(`${relative(ROOT, resolve(ROOT, path))}: ${doc.errors[0]!.message}`);
  }
  return list.map((doc) => doc.toJS({ maxAliasCount: -1 }) as unknown).filter((data) => data !== null && data !== undefined);
}

export function yamlFilesIn(dir: string): string[] {
  return readdirSync(resolve(ROOT, dir))
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort();
}

/** The .ts files of product code (apps/*\/src, packages/*\/src), tests left out. */
function productSources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && entry.name !== "dist") walk(path);
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) out.push(path);
    }
  };
  for (const group of ["apps", "packages"]) {
    for (const ws of readdirSync(join(ROOT, group))) {
      try {
        walk(join(ROOT, group, ws, "src"));
      } catch {
        // a workspace without src/
      }
    }
  }
  return out;
}

/**
 * The Prometheus metric names the platform defines: every `orbis_…` string literal in a product file that
 * imports prom-client (`new Counter({ name: "…" })` and the helpers that take the name as an argument).
 */
export function definedOrbisMetrics(): Set<string> {
  const names = new Set<string>();
  for (const file of productSources()) {
    const source = readFileSync(file, "utf8");
    if (!/from "prom-client"/.test(source)) continue;
    for (const m of source.matchAll(/"(orbis_[a-z0-9_]+)"/g)) names.add(m[1]!);
  }
  return names;
}

/**
 * The environment variables packages/config reads: the keys of its zod schemas (`  NAME: z…`) and the
 * AI vendors' `<VENDOR>_API_KEY` / `<VENDOR>_BASE_URL` (generated from AI_VENDORS).
 */
export function configVariableNames(): Set<string> {
  const source = read("packages/config/src/index.ts");
  const names = new Set<string>();
  for (const m of source.matchAll(/^\s{2}([A-Z][A-Z0-9_]*):\s/gm)) names.add(m[1]!);
  for (const env of Object.values(AI_VENDORS)) {
    names.add(env.apiKey);
    names.add(env.baseUrl);
  }
  return names;
}

/**
 * How long the gateway waits at shutdown for live calls to end (ms): a `…DRAIN…` variable of
 * packages/config (its value in `env` or its default; unit from its `_MS` / `_SEC` suffix) when there is
 * one, else the default of `shutdownDrainMs` in the gateway.
 */
export function gatewayShutdownDrainMs(env: Record<string, string | undefined> = {}): number {
  const variable = /^\s{2}([A-Z_]*DRAIN[A-Z_]*):.*\.default\(([\d_]+)\)/m.exec(read("packages/config/src/index.ts"));
  if (variable) {
    const value = Number(env[variable[1]!] ?? variable[2]!.replaceAll("_", ""));
    return variable[1]!.endsWith("_MS") ? value : value * 1000;
  }
  const match = /shutdownDrainMs \?\? ([\d_]+)/.exec(read("apps/gateway/src/gateway.ts"));
  if (!match) throw new Error("the gateway's shutdown drain was found neither in packages/config nor in apps/gateway/src/gateway.ts");
  return Number(match[1]!.replaceAll("_", ""));
}

/** Metric names in a PromQL expression: what is left once strings, label matchers, ranges, groupings, functions and numbers are removed. */
export function metricsInPromql(expr: string): string[] {
  const WORDS = new Set([
    "sum",
    "count",
    "max",
    "min",
    "avg",
    "rate",
    "irate",
    "increase",
    "histogram_quantile",
    "topk",
    "bottomk",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "and",
    "or",
    "unless",
    "offset",
  ]);
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, "")
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, "");
  return [...stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((w) => !WORDS.has(w));
}

/** A value for each secret a role needs, good enough for its schema (tests only). */
export const SAMPLE_SECRETS = {
  JWT_SECRET: "a-test-jwt-secret-that-is-long-enough-0123",
  ENCRYPTION_KEY: "00".repeat(32),
  DATABASE_URL: "postgres://orbis:pw@postgres:5432/orbis",
  REDIS_URL: "redis://redis:6379",
  POSTGRES_PASSWORD: "pw",
};
