import type { BrainEvent, BrainInput, BrainSession, CallContext, ToolCallRecord } from "@orbis/voice";
import type { BusinessConfig, BusinessTemplateId } from "@orbis/contracts";
import { InMemoryCalendar, InMemoryMessageSink, createReceptionistBrain, getBusinessTemplate } from "../src/index.ts";
import { fixedWallClock as fixedClock } from "@orbis/ports";

/** Thursday March 5 2026, 9:00 in New York (DST starts Sunday March 8). */
export const NOW = "2026-03-05T14:00:00Z";

export interface Turn {
  text: string;
  texts: string[];
  tools: ToolCallRecord[];
  events: BrainEvent[];
}

export class Conversation {
  readonly clock = fixedClock(NOW);
  readonly calendar = new InMemoryCalendar(this.clock);
  readonly messages = new InMemoryMessageSink(this.clock);
  readonly session: BrainSession;
  readonly transcript: string[] = [];
  readonly allEvents: BrainEvent[] = [];
  readonly business: BusinessConfig;

  /** A phone call unless `channel` says otherwise (a website call cannot be transferred). */
  constructor(
    template: BusinessTemplateId,
    opts: { caller?: string; now?: string; channel?: CallContext["channel"]; mutate?: (b: BusinessConfig) => void } = {},
  ) {
    if (opts.now) this.clock.set(opts.now);
    const t = getBusinessTemplate(template);
    opts.mutate?.(t.business);
    this.business = t.business;
    const brain = createReceptionistBrain({ business: t.business, calendar: this.calendar, messages: this.messages, clock: this.clock });
    this.session = brain.startSession({
      callId: "call_test0000000000000000",
      workspaceId: "ws_test",
      agentId: "agt_test00000000000000000",
      channel: opts.channel ?? "twilio",
      ...(opts.caller ? { caller: opts.caller } : {}),
    });
  }

  private async collect(it: AsyncIterable<BrainEvent>): Promise<Turn> {
    const events: BrainEvent[] = [];
    for await (const e of it) events.push(e);
    this.allEvents.push(...events);
    const texts = events.flatMap((e) => (e.type === "text" ? [e.text] : []));
    for (const t of texts) this.transcript.push(`agent: ${t}`);
    return { text: texts.join(" "), texts, tools: events.flatMap((e) => (e.type === "tool" ? [e.call] : [])), events };
  }

  greet(): Promise<Turn> {
    return this.collect(this.session.greet(new AbortController().signal));
  }

  say(input: string | BrainInput): Promise<Turn> {
    const i: BrainInput = typeof input === "string" ? { kind: "typed", text: input } : input;
    this.transcript.push(`caller: ${i.kind === "typed" || i.kind === "speech" ? i.text : i.kind === "dtmf" ? `[dtmf ${i.digits}]` : "[silence]"}`);
    return this.collect(this.session.respond(i, new AbortController().signal));
  }

  toolCalls(name?: string): ToolCallRecord[] {
    return this.allEvents.flatMap((e) => (e.type === "tool" && (!name || e.call.name === name) ? [e.call] : []));
  }

  async booked() {
    return this.calendar.listAppointments({ status: "booked" });
  }
}
