import type { BusinessConfig } from "@orbis/contracts";
import type { Brain, BrainSession, CallContext, PhraseSpec } from "@orbis/voice";
import type { CalendarProvider, WallClock as Clock, MessageSink } from "@orbis/ports";
import { systemWallClock as systemClock } from "@orbis/ports";
import { builtinTools } from "../tools/builtins.ts";
import { Toolbox } from "../tools/tool.ts";
import type { AnyTool, ToolContext } from "../tools/tool.ts";
import { buildPhraseSpec } from "./phrase-spec.ts";
import { ReceptionistSession } from "./session.ts";

export interface BrainPorts {
  calendar: CalendarProvider;
  messages: MessageSink;
  clock?: Clock;
}

export interface ReceptionistBrainOptions extends BrainPorts {
  business: BusinessConfig;
  /** Used when the business config has no greeting of its own. */
  greeting?: string;
  /** Tenant HTTP tools (compileHttpTool) are added to the toolbox; the flow itself uses built-ins. */
  extraTools?: readonly AnyTool[];
  maxFailures?: number;
  maxSilences?: number;
}

export function toolContextFor(ctx: CallContext, business: BusinessConfig, ports: BrainPorts, signal?: AbortSignal): ToolContext {
  return {
    workspaceId: ctx.workspaceId,
    agentId: ctx.agentId,
    callId: ctx.callId,
    ...(ctx.caller ? { caller: ctx.caller } : {}),
    channel: ctx.channel,
    business,
    calendar: ports.calendar,
    messages: ports.messages,
    clock: ports.clock ?? systemClock,
    ...(signal ? { signal } : {}),
  };
}

/** The default, deterministic brain: no model, no key; answers from the business config. */
export function createReceptionistBrain(opts: ReceptionistBrainOptions): Brain {
  const toolbox = new Toolbox([...builtinTools(), ...(opts.extraTools ?? [])]);
  let spec: PhraseSpec | undefined;
  return {
    id: "receptionist",
    startSession(ctx: CallContext): BrainSession {
      return new ReceptionistSession(
        {
          business: opts.business,
          ...(opts.greeting ? { greeting: opts.greeting } : {}),
          ...(opts.maxFailures ? { maxFailures: opts.maxFailures } : {}),
          ...(opts.maxSilences ? { maxSilences: opts.maxSilences } : {}),
        },
        toolContextFor(ctx, opts.business, opts),
        toolbox,
      );
    },
    phraseSpec(): PhraseSpec {
      spec ??= buildPhraseSpec(opts.business);
      return spec;
    },
  };
}
