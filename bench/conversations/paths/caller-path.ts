import type { Scenario } from "../scenario.ts";

/** The ways a scripted caller reaches the agent. Only "web-text" is implemented; see bench/conversations/README.md. */
export const PATH_IDS = ["web-text", "web-voice", "twilio-8k"] as const;
export type PathId = (typeof PATH_IDS)[number];

export interface CallerTurn {
  said: string;
  /** What the agent said in answer (its transcript lines, joined). */
  heard: string;
  /** The caller's turn was sent (typed) or its speech ended → the agent's first transcript line; absent when it never answered. */
  firstTextMs?: number;
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

export interface CallerPath {
  id: PathId;
  /** Places one call to the stream URL and plays the scenario's caller. */
  call(scenario: Scenario, streamUrl: string, origin: string): Promise<CallTrace>;
}
