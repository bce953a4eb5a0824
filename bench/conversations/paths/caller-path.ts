import type { BenchTenant } from "../api.ts";
import type { Scenario } from "../scenario.ts";

/** The ways a scripted caller reaches the agent; see bench/conversations/README.md. */
export const PATH_IDS = ["web-text", "web-voice", "twilio-8k"] as const;
export type PathId = (typeof PATH_IDS)[number];

export interface CallerTurn {
  said: string;
  /** What the agent said in answer (its transcript lines, joined). */
  heard: string;
  /**
   * The caller's turn was sent (typed) → the agent's first transcript line; on voiced paths, the caller's
   * last voiced frame → the agent's first audio frame. Absent when it never answered.
   */
  firstTextMs?: number;
  /** Voiced paths: the agent's audio started before the caller had finished the turn. */
  cutOff?: boolean;
}

/** What the caller's side saw of one call; the verdict comes from stored state, not from this. */
export interface CallTrace {
  callId?: string;
  greeting: string;
  turns: CallerTurn[];
  /** Turns never spoken because the call had already ended (the agent hung up or transferred). */
  unsaid: number;
  endReason?: string;
  closeCode?: number;
  /** `interrupt` messages: the caller spoke while the agent was still talking (a quiet gap taken for the end of its reply). */
  interrupts: number;
  errors: string[];
}

/** Where a call goes: the scenario's fresh tenant, and a one-call stream URL for the browser paths. */
export interface CallTarget {
  tenant: BenchTenant;
  /** A stream URL with a one-call token (browser paths open it; the phone path dials a number instead). */
  streamUrl: () => Promise<string>;
  origin: string;
}

export interface CallerPath {
  id: PathId;
  /** Places one call and plays the scenario's caller. */
  call(scenario: Scenario, target: CallTarget): Promise<CallTrace>;
}

/**
 * A turn as a voiced caller says it: digit strings of three or more (phone numbers, house numbers) read
 * digit by digit, as callers read numbers out ("2 1 2, 5 5 5…"), not as a synthesiser reads a cardinal
 * ("two hundred twelve").
 */
export function spokenForm(turn: string): string {
  return turn.replace(/\d{3,}/g, (run) => run.split("").join(" "));
}
