import type { ChildProcess } from "node:child_process";
import { startChild } from "../bench-child.ts";

export { processStats } from "../bench-child.ts";

export interface BenchServer {
  url: string;
  wsUrl: string;
  origin: string;
  pid: number;
  child: ChildProcess;
}

/** `floor` runs floor-server.ts (bare `ws`, no gateway) instead of the gateway. */
export async function startBenchServer(pipeline: "echo" | "offline" | "floor"): Promise<BenchServer> {
  const { child, info } = await startChild<Omit<BenchServer, "child">>(
    new URL(pipeline === "floor" ? "./floor-server.ts" : "./server.ts", import.meta.url).pathname,
    {
      PIPELINE: pipeline,
      LOG_LEVEL: "silent",
      NODE_NO_WARNINGS: "1",
    },
  );
  return { ...info, child };
}

/** Parses Prometheus text into {name{labels} → value}. */
export async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/** Histogram percentile from the difference of two scrapes (upper bucket bound, "> max" when beyond). */
export function histogramDelta(before: Map<string, number>, after: Map<string, number>, name: string, label = "") {
  const buckets: { le: number; count: number }[] = [];
  let sum = 0;
  for (const [k, v] of after) {
    if (label && !k.includes(label)) continue;
    const m = k.match(new RegExp(`^${name}_bucket\\{(?:.*,)?le="([^"]+)"`));
    if (m) buckets.push({ le: m[1] === "+Inf" ? Infinity : Number(m[1]), count: v - (before.get(k) ?? 0) });
    if (k.startsWith(`${name}_sum`)) sum += v - (before.get(k) ?? 0);
  }
  buckets.sort((a, b) => a.le - b.le);
  const total = buckets[buckets.length - 1]?.count ?? 0;
  const pct = (p: number) => buckets.find((b) => b.count >= p * total)?.le ?? NaN;
  const within = (le: number) => (total ? (buckets.find((b) => b.le === le)?.count ?? 0) / total : NaN);
  return { total, mean: total ? sum / total : NaN, p50: pct(0.5), p99: pct(0.99), within };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
