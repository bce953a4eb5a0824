import type { ScenarioResult } from "./conversations.ts";

export interface RateRow {
  key: string;
  passed: number;
  total: number;
  rate: number;
}

export interface Report {
  generatedAt: string;
  fixedNow: string;
  scenarios: number;
  byPath: RateRow[];
  byTemplate: RateRow[];
  byPathAndTemplate: RateRow[];
  failureKinds: { kind: string; count: number }[];
  latencyMs: { path: string; turns: number; p50: number | null; p95: number | null }[];
  /** Caller turns the agent never answered, and times the caller spoke over the agent, per path. */
  callerSide: { path: string; unanswered: number; interrupts: number; cutOffs: number; turns: number }[];
  /** Voiced paths: word error rate of the recogniser over every call of the path (numbers left out), in %. */
  wordErrorRate: { path: string; words: number; wer: number | null }[];
  failures: { id: string; path: string; failures: ScenarioResult["failures"]; agentLastSaid: string }[];
  results: ScenarioResult[];
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null;
}

function rates(results: readonly ScenarioResult[], keyOf: (r: ScenarioResult) => string): RateRow[] {
  const rows = new Map<string, RateRow>();
  for (const r of results) {
    const key = keyOf(r);
    const row = rows.get(key) ?? { key, passed: 0, total: 0, rate: 0 };
    row.total++;
    if (r.passed) row.passed++;
    row.rate = Math.round((1000 * row.passed) / row.total) / 10;
    rows.set(key, row);
  }
  return [...rows.values()];
}

export function buildReport(results: readonly ScenarioResult[], fixedNow: Date): Report {
  const kinds = new Map<string, number>();
  for (const r of results) for (const f of r.failures) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  const paths = [...new Set(results.map((r) => r.path))];
  return {
    generatedAt: new Date().toISOString(),
    fixedNow: fixedNow.toISOString(),
    scenarios: results.length,
    byPath: rates(results, (r) => r.path),
    byTemplate: rates(results, (r) => r.template),
    byPathAndTemplate: rates(results, (r) => `${r.path} / ${r.template}`),
    failureKinds: [...kinds].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count),
    latencyMs: paths.map((path) => {
      const all = results.filter((r) => r.path === path).flatMap((r) => r.latenciesMs);
      all.sort((a, b) => a - b);
      return { path, turns: all.length, p50: percentile(all, 0.5), p95: percentile(all, 0.95) };
    }),
    callerSide: paths.map((path) => {
      const of = results.filter((r) => r.path === path);
      return {
        path,
        unanswered: of.reduce((n, r) => n + r.unanswered, 0),
        interrupts: of.reduce((n, r) => n + r.interrupts, 0),
        cutOffs: of.reduce((n, r) => n + (r.cutOffs ?? 0), 0),
        turns: of.reduce((n, r) => n + r.transcript.length - 1, 0),
      };
    }),
    wordErrorRate: paths
      .filter((path) => path !== "web-text")
      .map((path) => {
        const of = results.filter((r) => r.path === path && r.wordErrors);
        const words = of.reduce((n, r) => n + r.wordErrors!.words, 0);
        const errors = of.reduce((n, r) => n + r.wordErrors!.errors, 0);
        return { path, words, wer: words ? Math.round((1000 * errors) / words) / 10 : null };
      }),
    failures: results
      .filter((r) => !r.passed)
      .map((r) => ({ id: r.id, path: r.path, failures: r.failures, agentLastSaid: r.transcript[r.transcript.length - 1]?.agent ?? "" })),
    results: [...results],
  };
}

const table = (head: string[], rows: (string | number | null)[][]) =>
  [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map((c) => (c === null ? "–" : String(c))).join(" | ")} |`),
  ].join("\n");

export function toMarkdown(r: Report): string {
  const rateRows = (rows: RateRow[]) => rows.map((x) => [x.key, `${x.passed}/${x.total}`, `${x.rate} %`]);
  return [
    `## Conversation benchmark — ${r.scenarios} scenarios, fixed now ${r.fixedNow}`,
    "",
    table(["path / template", "passed", "success"], rateRows(r.byPathAndTemplate)),
    "",
    table(["path", "passed", "success"], rateRows(r.byPath)),
    "",
    table(
      ["path", "caller turns answered", "first agent text (typed) or audio (voiced) p50 (ms)", "p95 (ms)"],
      r.latencyMs.map((l) => [l.path, l.turns, l.p50, l.p95]),
    ),
    "",
    table(
      ["path", "caller turns unanswered", "caller spoke over the agent", "cut-offs (agent spoke before the caller finished)"],
      r.callerSide.map((c) => [c.path, c.unanswered, c.interrupts, `${c.cutOffs}/${c.turns}`]),
    ),
    "",
    ...(r.wordErrorRate.length
      ? [
          table(
            ["path", "words said (numbers left out)", "word error rate %"],
            r.wordErrorRate.map((w) => [w.path, w.words, w.wer]),
          ),
          "",
        ]
      : []),
    table(
      ["failure kind", "count"],
      r.failureKinds.map((k) => [k.kind, k.count]),
    ),
    "",
    "### Failures",
    "",
    ...r.failures.flatMap((f) => [
      ...f.failures.map((x) => `- \`${f.id}\` (${f.path}) **${x.kind}**: ${x.detail.replaceAll("|", "\\|")}`),
      `  - the agent's last words: "${f.agentLastSaid.slice(0, 200).replaceAll("|", "\\|")}"`,
    ]),
  ].join("\n");
}
