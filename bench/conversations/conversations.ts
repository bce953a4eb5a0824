import type { BusinessTemplateId } from "@orbis/contracts";
import { BENCH_ORIGIN, createBenchTenant, openStreamUrl, readStoredState } from "./api.ts";
import { judge, type Failure } from "./judge.ts";
import type { CallerPath, CallTrace, PathId } from "./paths/caller-path.ts";
import type { Scenario } from "./scenario.ts";
import { callWordErrors } from "./wer.ts";

export interface ScenarioResult {
  id: string;
  template: BusinessTemplateId;
  path: PathId;
  intent: string;
  passed: boolean;
  failures: Failure[];
  /** First agent text after each caller turn that got an answer, in ms. */
  latenciesMs: number[];
  /** Caller turns the agent never answered (within the path's turn timeout). */
  unanswered: number;
  /** Times the caller spoke over the agent (see CallTrace.interrupts): should stay 0, or the caller is not waiting long enough. */
  interrupts: number;
  /** Voiced paths: caller turns the agent started answering before the caller had finished (cut-offs). */
  cutOffs: number;
  /** Voiced paths: recognition errors over the call's words (what the caller said vs the stored caller text; numbers left out). */
  wordErrors?: { errors: number; words: number };
  callId?: string;
  endReason?: string;
  durationMs: number;
  transcript: { caller?: string; agent: string }[];
  stored: { appointments: number; messages: number };
}

/** One scenario end to end: a fresh workspace and agent, one call through the path, the verdict from stored state. */
export async function runScenario(baseUrl: string, path: CallerPath, scenario: Scenario, now: Date): Promise<ScenarioResult> {
  const started = performance.now();
  let trace: CallTrace = { greeting: "", turns: [], unsaid: 0, interrupts: 0, errors: [] };
  const base = { id: scenario.id, template: scenario.template, path: path.id, intent: scenario.intent };
  try {
    const tenant = await createBenchTenant(baseUrl, scenario.template);
    trace = await path.call(scenario, { tenant, streamUrl: () => openStreamUrl(tenant), origin: BENCH_ORIGIN });
    const state = await readStoredState(tenant, trace.callId);
    const failures = judge(scenario, state, { now, timezone: tenant.timezone, path: path.id });
    for (const e of trace.errors) failures.push({ kind: "call-error", detail: e });
    return {
      ...base,
      passed: failures.length === 0,
      failures,
      latenciesMs: trace.turns.flatMap((t) => (t.firstTextMs === undefined ? [] : [t.firstTextMs])),
      unanswered: trace.turns.filter((t) => t.firstTextMs === undefined).length,
      interrupts: trace.interrupts,
      cutOffs: trace.turns.filter((t) => t.cutOff).length,
      ...(path.id !== "web-text" && state.call
        ? {
            wordErrors: callWordErrors(
              trace.turns.map((t) => t.said),
              state.call.turns.map((t) => t.userText ?? ""),
            ),
          }
        : {}),
      ...(trace.callId ? { callId: trace.callId } : {}),
      ...(trace.endReason ? { endReason: trace.endReason } : {}),
      durationMs: Math.round(performance.now() - started),
      transcript: [{ agent: trace.greeting }, ...trace.turns.map((t) => ({ caller: t.said, agent: t.heard }))],
      stored: { appointments: state.appointments.length, messages: state.messages.length },
    };
  } catch (err) {
    return {
      ...base,
      passed: false,
      failures: [{ kind: "harness-error", detail: err instanceof Error ? err.message : String(err) }],
      latenciesMs: [],
      unanswered: 0,
      interrupts: trace.interrupts,
      cutOffs: 0,
      durationMs: Math.round(performance.now() - started),
      transcript: [],
      stored: { appointments: 0, messages: 0 },
    };
  }
}

/** Runs scenarios `concurrency` at a time (each call is mostly real-time agent audio), in scenario order in the results. */
export async function runScenarios(
  baseUrl: string,
  path: CallerPath,
  scenarios: readonly Scenario[],
  o: { now: Date; concurrency: number; onResult?: (r: ScenarioResult) => void },
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = new Array(scenarios.length);
  let next = 0;
  const worker = async () => {
    while (next < scenarios.length) {
      const i = next++;
      results[i] = await runScenario(baseUrl, path, scenarios[i]!, o.now);
      o.onResult?.(results[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
  return results;
}
