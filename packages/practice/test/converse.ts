import type { PersonaDto, ScenarioDto } from "@orbis/contracts";
import type { BrainEvent, BrainInput, BrainSession } from "@orbis/voice";
import { builtInPersona, builtInScenario, createProspectBrain } from "../src/index.ts";

/** A scripted rehearsal through the Brain interface, as the voice pipeline drives it. */
export interface Conversation {
  session: BrainSession;
  /** Everything the prospect said, in order. */
  lines: string[];
  /** The end event's reason, once the prospect ends the session. */
  endReason: string | null;
  greet(): Promise<BrainEvent[]>;
  /** The rep's turn: text, or null for silence. */
  say(text: string | null): Promise<BrainEvent[]>;
  /** The prospect's text reply to one rep turn. */
  reply(text: string | null): Promise<string>;
  /** Moves the injected clock. */
  advance(ms: number): void;
}

export function persona(id: string, patch: Partial<PersonaDto> = {}): PersonaDto {
  const p = builtInPersona(id);
  if (!p) throw new Error(`no built-in persona ${id}`);
  return { ...p, ...patch };
}

export function scenario(id: string, patch: Partial<ScenarioDto> = {}): ScenarioDto {
  const s = builtInScenario(id);
  if (!s) throw new Error(`no built-in scenario ${id}`);
  return { ...s, ...patch };
}

export function converse(p: PersonaDto, s: ScenarioDto): Conversation {
  let clock = 1_000_000;
  const brain = createProspectBrain({ persona: p, scenario: s, now: () => clock });
  const session = brain.startSession({ callId: "prs_test", workspaceId: "ws_test", agentId: "prs_test", channel: "web" });
  const signal = new AbortController().signal;
  const convo: Conversation = {
    session,
    lines: [],
    endReason: null,
    async greet() {
      return collect(session.greet(signal));
    },
    async say(text) {
      const input: BrainInput = text === null ? { kind: "silence" } : { kind: "speech", text };
      return collect(session.respond(input, signal));
    },
    async reply(text) {
      const events = await convo.say(text);
      return events.flatMap((e) => (e.type === "text" ? [e.text] : [])).join(" ");
    },
    advance(ms) {
      clock += ms;
    },
  };
  async function collect(events: AsyncIterable<BrainEvent>): Promise<BrainEvent[]> {
    const out: BrainEvent[] = [];
    for await (const e of events) {
      out.push(e);
      if (e.type === "text") convo.lines.push(e.text);
      if (e.type === "end") convo.endReason = e.reason;
    }
    return out;
  }
  return convo;
}
