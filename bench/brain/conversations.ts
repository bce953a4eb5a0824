/**
 * Scripted-conversation success rate and brain time per turn.
 * Run: npx tsx bench/brain/conversations.ts [rounds]
 */
import { performance } from "node:perf_hooks";
import { Conversation } from "../../packages/brain/test/harness.ts";
import { SCRIPTS } from "../../packages/brain/test/conversations.scripts.ts";
import type { Script } from "../../packages/brain/test/conversations.scripts.ts";

const rounds = Number(process.argv[2] ?? 20);

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function run(s: Script, times: number[] | null): Promise<string | null> {
  try {
    const c = new Conversation(s.template, s.caller ? { caller: s.caller } : {});
    await s.setup?.(c);
    await c.greet();
    for (const [input, want] of s.steps) {
      const t0 = performance.now();
      const turn = await c.say(input);
      times?.push(performance.now() - t0);
      if (want && !want.test(turn.text)) return `reply "${turn.text}" does not match ${want}`;
    }
    await s.check?.(c);
    return null;
  } catch (err) {
    return err instanceof Error ? (err.message.split("\n")[0] ?? "error") : String(err);
  }
}

const byTemplate = new Map<string, { ok: number; total: number }>();
const failures: string[] = [];
for (const s of SCRIPTS) {
  const err = await run(s, null);
  const t = byTemplate.get(s.template) ?? { ok: 0, total: 0 };
  t.total++;
  if (err === null) t.ok++;
  else failures.push(`${s.name}: ${err}`);
  byTemplate.set(s.template, t);
}
const ok = [...byTemplate.values()].reduce((a, b) => a + b.ok, 0);
console.log(`scripted conversations: ${ok}/${SCRIPTS.length} succeeded (${((100 * ok) / SCRIPTS.length).toFixed(1)} %)`);
for (const [k, v] of byTemplate) console.log(`  ${k.padEnd(14)} ${v.ok}/${v.total}`);
for (const f of failures) console.log(`  FAILED ${f}`);

// Warm up, then time every caller turn over all scripts, `rounds` times.
for (const s of SCRIPTS) await run(s, null);
const times: number[] = [];
for (let r = 0; r < rounds; r++) for (const s of SCRIPTS) await run(s, times);
times.sort((a, b) => a - b);
console.log(
  `brain time per turn over ${times.length} turns: p50 ${quantile(times, 0.5).toFixed(3)} ms, p99 ${quantile(times, 0.99).toFixed(3)} ms, max ${quantile(times, 1).toFixed(3)} ms (target p99 <= 5 ms)`,
);
