import { readFileSync } from "node:fs";
import type { AppConfig } from "@orbis/config";
import { ConfigError } from "@orbis/config";
import { simulateCall, type CallStep } from "@orbis/gateway/caller";
import { readDemoCredentials } from "./local-secrets.ts";

export interface CallCommandOptions {
  say: string[];
  script?: string;
  url?: string;
  agent?: string;
  key?: string;
  origin?: string;
  voice?: string;
  speed?: string;
  type?: boolean;
}

/** `caller line | expected regex` per line; `#` starts a comment. */
function parseScript(text: string, typed = false): CallStep[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((line) => {
      const [say, expect] = line.split("|").map((s) => s.trim());
      return { say: say!, typed, ...(expect ? { expect: new RegExp(expect, "i") } : {}) };
    });
}

export async function callCommand(config: AppConfig, o: CallCommandOptions): Promise<number> {
  const steps = [...(o.script ? parseScript(readFileSync(o.script, "utf8"), o.type) : []), ...o.say.flatMap((s) => parseScript(s, o.type))];
  if (steps.length === 0) throw new ConfigError('nothing to say: pass --say "…" (repeatable) or --script FILE');
  const demo = readDemoCredentials(config.dataDir);
  const agent = o.agent ?? demo?.agentId;
  const key = o.key ?? demo?.publishableKey;
  if (!o.url && (!agent || !key)) throw new ConfigError("no agent: pass --agent agt_… --key pk_… (or run `orbis start` once to seed the demo)");
  const base = `ws://127.0.0.1:${config.port}`;
  const url = o.url ?? `${base}/v1/stream?agentId=${agent}&apiKey=${key}`;
  const origin = o.origin ?? config.publicBaseUrl ?? `http://localhost:${config.port}`;

  const result = await simulateCall(steps, {
    url,
    origin,
    voice: o.voice ?? "slt",
    speed: o.speed ? Number(o.speed) : 1,
    onEvent: (line) => console.log(line),
  });
  if (!result.callId) {
    console.error(`orbis call: the gateway refused the call (close code ${result.closeCode ?? "none"})`);
    return 2;
  }
  const latencies = result.turns.map((t) => t.latencyMs).filter((v): v is number => v !== undefined);
  console.log(
    `\ncall ${result.callId}: ${result.turns.filter((t) => t.ok).length}/${result.turns.length} steps as expected` +
      (latencies.length ? `; first-audio latency ${latencies.join(", ")} ms` : ""),
  );
  return result.turns.every((t) => t.ok) ? 0 : 1;
}
