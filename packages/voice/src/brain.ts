/**
 * The dialogue port: the voice pipeline talks to whatever brain the agent has (the deterministic
 * receptionist, an LLM) through this interface only. Owned here, implemented in packages/brain.
 */

/** What the brain expects next; turn-taking waits longer for entities callers say slowly. */
export type ExpectedEntity = "none" | "phone" | "digits" | "date" | "time" | "name" | "spelling" | "yes_no" | "free_text";

/** Entities during which the caller's pauses are not the end of their turn. */
export const SLOW_ENTITIES: ReadonlySet<ExpectedEntity> = new Set(["phone", "digits", "date", "time", "name", "spelling"]);

export type BrainInput =
  | { kind: "speech"; text: string }
  | { kind: "typed"; text: string }
  | { kind: "dtmf"; digits: string }
  /** The caller said nothing for the watchdog's window. */
  | { kind: "silence" };

export interface ToolCallRecord {
  name: string;
  args: unknown;
  ok: boolean;
  result?: unknown;
  error?: string;
  ms: number;
}

export type BrainEvent =
  /** A sentence (or shorter chunk) to speak; TTS starts on the first one. */
  { type: "text"; text: string } | { type: "tool"; call: ToolCallRecord } | { type: "transfer"; to: string; reason: string } | { type: "end"; reason: string };

export interface BrainSession {
  /** The opening line(s) of the call. */
  greet(signal: AbortSignal): AsyncIterable<BrainEvent>;
  respond(input: BrainInput, signal: AbortSignal): AsyncIterable<BrainEvent>;
  /** What the brain expects from the caller's next turn (read by the turn-taker). */
  expecting(): ExpectedEntity;
  /** The agent text was cut off: the caller heard only `heard` of it. */
  interrupted?(heard: string): void;
  /**
   * Do these words (a partial transcript) already fully answer what the brain just asked — a yes or
   * no to a confirmation, a whole phone number, one of the offered times — or ask a question the brain
   * can answer as they stand? The turn-taker then ends the turn after a short silence. Absent or
   * false: the normal window.
   */
  isCompleteUtterance?(text: string): boolean;
  /**
   * While a slow entity is expected (a date, a phone number…): are these words plainly something
   * else — a question, a change of plan — with none of the entity begun? The turn-taker then uses the
   * normal window instead of the long one. Absent or false: the long window.
   */
  isOffEntity?(text: string): boolean;
  /**
   * The first sentence this session would say if the caller's turn ended with `input` now, worked out
   * on a copy of its state with no side effects (no tool runs, nothing stored); undefined when it can't
   * tell without acting. The pipeline asks while the turn is ending so speech synthesis can start
   * before the turn has ended; `respond` itself still runs once the turn has.
   */
  preview?(input: BrainInput, signal: AbortSignal): Promise<string | undefined>;
}

export interface CallContext {
  callId: string;
  workspaceId: string;
  agentId: string;
  channel: "web" | "twilio" | "telnyx";
  caller?: string;
}

/**
 * Sentences the caller is likely to say, as templates with `{slot}` placeholders and slot values.
 * The offline recogniser builds its per-agent language model from it.
 */
export interface PhraseSpec {
  templates: string[];
  slots: Record<string, string[]>;
  /**
   * What callers answer when the brain expects an entity, keyed by `ExpectedEntity` (templates over the
   * same slots). A recogniser that can switch models builds one per key, weighted toward these answers,
   * and uses it for the turn after the brain asked (`SttStream.expect`).
   */
  answers?: Partial<Record<ExpectedEntity, string[]>>;
}

export interface Brain {
  readonly id: string;
  startSession(ctx: CallContext): BrainSession;
  phraseSpec?(): PhraseSpec;
}
