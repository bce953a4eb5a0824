import { z } from "zod";
import { AppError } from "@orbis/contracts";
import type { BusinessConfig } from "@orbis/contracts";
import type { ToolCallRecord } from "@orbis/voice";
import type { CalendarProvider, WallClock as Clock, MessageSink } from "@orbis/ports";

/** What a tool may touch. One per call (or per invoke request); scoped to one workspace. */
export interface ToolContext {
  workspaceId: string;
  agentId: string | null;
  callId: string | null;
  /** The caller's number when the channel knows it (telephony). */
  caller?: string;
  /** How the caller reached the agent: a website call cannot be transferred to a phone line. */
  channel?: "web" | "twilio" | "telnyx";
  business: BusinessConfig;
  calendar: CalendarProvider;
  messages: MessageSink;
  clock: Clock;
  signal?: AbortSignal;
}

/** A function the agent can call. Built-ins and tenant HTTP tools share this shape. */
export interface Tool<A = unknown, R = unknown> {
  readonly name: string;
  readonly description: string;
  readonly args: z.ZodType<A>;
  /** Set on tenant tools: the runner refuses to run it in another workspace's context. */
  readonly workspaceId?: string;
  /** JSON Schema shown to LLMs; defaults to z.toJSONSchema(args). */
  readonly jsonSchema?: Record<string, unknown>;
  run(args: A, ctx: ToolContext): Promise<R>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a toolbox holds tools of any argument type
export type AnyTool = Tool<any, unknown>;

export function defineTool<S extends z.ZodType, R>(t: {
  name: string;
  description: string;
  args: S;
  run(args: z.output<S>, ctx: ToolContext): Promise<R>;
}): Tool<z.output<S>, R> {
  return t as Tool<z.output<S>, R>;
}

/** The JSON Schema of a tool's arguments, as given to an LLM. */
export function toolJsonSchema(tool: AnyTool): Record<string, unknown> {
  if (tool.jsonSchema) return tool.jsonSchema;
  const { $schema: _drop, ...schema } = z.toJSONSchema(tool.args, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return schema;
}

function describeError(err: unknown): string {
  if (err instanceof AppError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Validate, run, time and record one call. Never throws: failures come back as `ok: false`. */
export async function runTool(tool: AnyTool, rawArgs: unknown, ctx: ToolContext): Promise<ToolCallRecord> {
  const started = performance.now();
  const done = (r: Omit<ToolCallRecord, "ms" | "name">): ToolCallRecord => ({
    name: tool.name,
    ...r,
    ms: Math.round((performance.now() - started) * 100) / 100,
  });
  if (tool.workspaceId !== undefined && tool.workspaceId !== ctx.workspaceId) {
    return done({ args: rawArgs, ok: false, error: "not_found: tool not found" });
  }
  const parsed = tool.args.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "args"}: ${i.message}`).join("; ");
    return done({ args: rawArgs, ok: false, error: `validation_failed: ${issues}` });
  }
  try {
    const result = await tool.run(parsed.data, ctx);
    return done({ args: parsed.data, ok: true, result });
  } catch (err) {
    return done({ args: parsed.data, ok: false, error: describeError(err) });
  }
}

/** The tools one agent has, by name. The same box serves the receptionist, the LLM brain and invoke. */
export class Toolbox {
  private readonly byName = new Map<string, AnyTool>();
  constructor(tools: readonly AnyTool[]) {
    for (const t of tools) {
      if (this.byName.has(t.name)) throw new AppError("conflict", `duplicate tool name ${t.name}`);
      this.byName.set(t.name, t);
    }
  }
  get(name: string): AnyTool | undefined {
    return this.byName.get(name);
  }
  has(name: string): boolean {
    return this.byName.has(name);
  }
  list(): AnyTool[] {
    return [...this.byName.values()];
  }
  run(name: string, args: unknown, ctx: ToolContext): Promise<ToolCallRecord> {
    const tool = this.byName.get(name);
    if (!tool) return Promise.resolve({ name, args, ok: false, error: `not_found: no tool named ${name}`, ms: 0 });
    return runTool(tool, args, ctx);
  }
}
