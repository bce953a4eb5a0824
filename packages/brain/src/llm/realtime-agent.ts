import type { CallContext, ToolCallRecord } from "@orbis/voice";
import { toolContextFor } from "../receptionist/brain.ts";
import { builtinTools } from "../tools/builtins.ts";
import { Toolbox } from "../tools/tool.ts";
import { systemWallClock, type ToolSpec } from "@orbis/ports";
import type { LlmBrainOptions } from "./llm-brain.ts";
import { buildSystemPrompt, toolSpecs } from "./prompt.ts";

/** Everything an LLM brain needs except the model: the agent's business, ports, prompt and tools. */
export type AgentBrainSetup = Omit<LlmBrainOptions, "model" | "maxToolRounds" | "contextBudget">;

/** A tool the model asked for, run and recorded; `stop` when it ends or transfers the call. */
export interface RealtimeToolOutcome {
  record: ToolCallRecord;
  /** What goes back to the model (the tool's result, or `{ error }`). */
  response: unknown;
  stop?: { type: "transfer"; to: string; reason: string } | { type: "end"; reason: string };
}

/**
 * What a speech-to-speech model (Gemini Live, OpenAI Realtime) needs from an agent: the same system
 * prompt and tools as the LLM brain, and a runner over the same Toolbox, so a booking made by voice
 * lands in the same calendar.
 */
export interface RealtimeAgent {
  instructions(): string;
  readonly tools: ToolSpec[];
  /** The agent has a greeting (in the instructions): the call should cue the model to speak first. */
  readonly greets: boolean;
  startSession(ctx: CallContext): { runTool(name: string, args: unknown, signal: AbortSignal): Promise<RealtimeToolOutcome> };
}

export function createRealtimeAgent(opts: AgentBrainSetup): RealtimeAgent {
  const toolbox = new Toolbox([...builtinTools(), ...(opts.extraTools ?? [])]);
  const clock = opts.clock ?? systemWallClock;
  const greeting = opts.greeting;
  return {
    instructions: () => {
      const prompt = buildSystemPrompt({ agentPrompt: opts.agentPrompt, business: opts.business, tools: toolbox.list(), now: clock.now() });
      return greeting ? `${prompt}\n\nWhen the call starts, greet the caller with: "${greeting}"` : prompt;
    },
    tools: toolSpecs(toolbox.list()),
    greets: Boolean(greeting),
    startSession: (call) => ({
      async runTool(name, args, signal) {
        const record = await toolbox.run(name, args, toolContextFor(call, opts.business, opts, signal));
        const response = record.ok ? record.result : { error: record.error };
        if (record.ok && name === "transfer_call") {
          const r = record.result as { to: string; reason: string };
          return { record, response, stop: { type: "transfer", to: r.to, reason: r.reason } };
        }
        if (record.ok && name === "end_call") return { record, response, stop: { type: "end", reason: (record.result as { reason: string }).reason } };
        return { record, response };
      },
    }),
  };
}
