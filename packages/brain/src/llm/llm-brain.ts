import type { BusinessConfig } from "@orbis/contracts";
import type { Brain, BrainEvent, BrainInput, BrainSession, CallContext, ExpectedEntity } from "@orbis/voice";
import type { BrainPorts } from "../receptionist/brain.ts";
import { toolContextFor } from "../receptionist/brain.ts";
import { builtinTools } from "../tools/builtins.ts";
import { Toolbox } from "../tools/tool.ts";
import type { AnyTool } from "../tools/tool.ts";
import { SentenceStream } from "../text.ts";
import { systemWallClock, type ChatMessage, type ChatModel, type ChatToolCall } from "@orbis/ports";
import { fitHistory, type ContextBudget } from "./context-window.ts";
import { buildSystemPrompt, toolSpecs } from "./prompt.ts";

export interface LlmBrainOptions extends BrainPorts {
  model: ChatModel;
  business: BusinessConfig;
  agentPrompt: string;
  greeting?: string;
  extraTools?: readonly AnyTool[];
  /** Model ↔ tool round trips per caller turn before giving up. */
  maxToolRounds?: number;
  /** How much history a long call sends per request (older exchanges trimmed, their tool results kept). */
  contextBudget?: ContextBudget;
}

/** A brain backed by a chat model; tools run through the same Toolbox as the receptionist's. */
export function createLlmBrain(opts: LlmBrainOptions): Brain {
  const toolbox = new Toolbox([...builtinTools(), ...(opts.extraTools ?? [])]);
  return {
    id: `llm:${opts.model.id}`,
    startSession: (ctx) => new LlmSession(opts, ctx, toolbox),
  };
}

class LlmSession implements BrainSession {
  private readonly history: ChatMessage[] = [];
  private ended = false;

  constructor(
    private readonly opts: LlmBrainOptions,
    private readonly call: CallContext,
    private readonly toolbox: Toolbox,
  ) {}

  expecting(): ExpectedEntity {
    return "none";
  }

  interrupted(heard: string): void {
    const last = this.history.at(-1);
    if (last?.role === "assistant") last.content = heard;
  }

  async *greet(): AsyncIterable<BrainEvent> {
    const text = this.opts.greeting || `Thanks for calling ${this.opts.business.name}. How can I help you today?`;
    this.history.push({ role: "assistant", content: text });
    yield { type: "text", text };
  }

  async *respond(input: BrainInput, signal: AbortSignal): AsyncIterable<BrainEvent> {
    if (this.ended) return;
    const content = input.kind === "silence" ? "(the caller is silent)" : input.kind === "dtmf" ? `(the caller pressed ${input.digits})` : input.text;
    this.history.push({ role: "user", content });
    const clock = this.opts.clock ?? systemWallClock;
    const toolCtx = toolContextFor(this.call, this.opts.business, this.opts, signal);
    const tools = toolSpecs(this.toolbox.list());
    const maxRounds = this.opts.maxToolRounds ?? 4;
    for (let round = 0; round <= maxRounds; round++) {
      const prompt = buildSystemPrompt({ agentPrompt: this.opts.agentPrompt, business: this.opts.business, tools: this.toolbox.list(), now: clock.now() });
      const { messages, earlier } = fitHistory(this.history, this.opts.contextBudget);
      const system = earlier ? `${prompt}\n\n# Earlier in this call\n${earlier}` : prompt;
      const sentences = new SentenceStream();
      const calls: ChatToolCall[] = [];
      let text = "";
      for await (const chunk of this.opts.model.stream({ messages: [{ role: "system", content: system }, ...messages], tools, signal })) {
        if (signal.aborted) return;
        if (chunk.type === "text") {
          text += chunk.text;
          for (const s of sentences.push(chunk.text)) yield { type: "text", text: s };
        } else if (chunk.type === "tool_call") calls.push(chunk.call);
      }
      for (const s of sentences.flush()) yield { type: "text", text: s };
      this.history.push({ role: "assistant", content: text, ...(calls.length ? { toolCalls: calls } : {}) });
      if (calls.length === 0) return;
      let stop: BrainEvent | null = null;
      for (const c of calls) {
        const rec = await this.toolbox.run(c.name, c.args, toolCtx);
        yield { type: "tool", call: rec };
        this.history.push({ role: "tool", toolCallId: c.id, name: c.name, content: JSON.stringify(rec.ok ? rec.result : { error: rec.error }) });
        if (rec.ok && c.name === "transfer_call")
          stop = { type: "transfer", to: (rec.result as { to: string }).to, reason: (rec.result as { reason: string }).reason };
        if (rec.ok && c.name === "end_call") stop = { type: "end", reason: (rec.result as { reason: string }).reason };
      }
      if (stop) {
        this.ended = true;
        yield stop;
        return;
      }
    }
    yield { type: "text", text: "Sorry, I'm having trouble with that. Let me take a message instead." };
  }
}
