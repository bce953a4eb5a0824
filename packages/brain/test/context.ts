import type { BusinessConfig } from "@orbis/contracts";
import { InMemoryCalendar, InMemoryMessageSink, getBusinessTemplate } from "../src/index.ts";
import { fixedWallClock as fixedClock } from "@orbis/ports";
import type { ToolContext } from "../src/index.ts";

export function toolContext(over: Partial<ToolContext> & { business?: BusinessConfig; now?: string } = {}): ToolContext {
  const clock = fixedClock(over.now ?? "2026-03-05T14:00:00Z");
  return {
    workspaceId: "ws_a",
    agentId: "agt_a0000000000000000000",
    callId: "call_a000000000000000000",
    business: over.business ?? getBusinessTemplate("dental").business,
    calendar: new InMemoryCalendar(clock),
    messages: new InMemoryMessageSink(clock),
    clock,
    ...over,
  };
}
