import type { DateTime } from "luxon";
import type { BusinessConfig } from "@orbis/contracts";
import type { ExpectedEntity, ToolCallRecord } from "@orbis/voice";
import type { Slot } from "../availability.ts";
import type { findSlots } from "../tools/builtins.ts";
import type { Draft } from "./draft.ts";
import type { Understanding } from "./nlu.ts";
import type { Phrases } from "./phrases.ts";

/** What the caller wants done; each has a flow in `flows/`. */
export type Task = "book" | "reschedule" | "cancel" | "message";

/** What the last question asked for: the caller's next words are read as its answer. */
export type Awaiting =
  | "intent"
  | "service"
  | "date"
  | "slot_choice"
  | "name"
  | "phone"
  | "phone_confirm"
  | "identify_phone"
  | "message"
  | "confirm"
  | "correction"
  | "anything_else"
  /** "Would you like me to put you through to someone?" after words that half asked for a person. */
  | "offer_transfer"
  /** "Did you want to know …?" before answering a question matched on weak evidence. */
  | "clarify_question"
  | "ended";

/** The kind of answer each question expects, for the turn-taker's silence windows. */
export const EXPECTS: Record<Awaiting, ExpectedEntity> = {
  intent: "none",
  service: "none",
  date: "date",
  slot_choice: "time",
  name: "name",
  phone: "phone",
  phone_confirm: "yes_no",
  identify_phone: "phone",
  message: "free_text",
  confirm: "yes_no",
  correction: "none",
  anything_else: "yes_no",
  offer_transfer: "yes_no",
  clarify_question: "yes_no",
  ended: "none",
};

/** A search for free slots (a calendar read: it also runs in a preview). */
export type SlotQuery = Parameters<typeof findSlots>[1];

/** What a flow sees of the call and may do in it (`CallDialogue`). */
export interface Dialogue {
  readonly business: BusinessConfig;
  readonly phrases: Phrases;
  /** The caller's number when the channel knows it. */
  readonly caller: string | undefined;
  readonly task: Task | null;
  readonly awaiting: Awaiting;
  /** What the current task has gathered so far. */
  readonly draft: Draft;
  /** The last question asked. */
  readonly lastPrompt: string;
  /** The service the caller last asked about ("how much is whitening?"), for "can I book it?". */
  topicServiceId: string | null;
  say(...texts: string[]): void;
  /** Say a question and wait for its answer; it is asked again after a silence or "sorry?". */
  ask(question: string, awaiting: Awaiting): void;
  /** Run a tool and record it in the turn. A preview stops here. */
  tool(name: string, args: Record<string, unknown>): Promise<ToolCallRecord>;
  freeSlots(query: SlotQuery): Promise<Slot[]>;
  /** Now, in the business time zone. */
  now(): DateTime;
  /** An ISO date or instant, in the business time zone. */
  at(iso: string): DateTime;
  /** An ISO instant as said to the caller: "tomorrow at 2 PM". */
  when(iso: string): string;
  /** Ask for what the current task still needs, or to confirm it. */
  advance(): Promise<void>;
  /** Switch to another task, keeping what the draft holds, and advance it. */
  continueAs(task: Task): Promise<void>;
  /** The task is done: ask whether there is anything else. */
  finishTask(): void;
  /** A tool failed: apologise and hand off. */
  failTask(): Promise<void>;
  /** A person if there is one, else a message. */
  handOff(): Promise<void>;
  /** Count one more answer not understood; true once that makes too many in a row. */
  failedAgain(): boolean;
  /** Answers not understood in a row (the current one included once counted). */
  readonly failures: number;
}

/** One task's steps: what to ask next, and what to do once the caller confirms. */
export interface Flow {
  /** Take into the task's fresh draft what the words that started it already say. */
  begin?(dialogue: Dialogue, u: Understanding): void;
  /** Ask for the next missing detail, or for confirmation. */
  advance(dialogue: Dialogue): Promise<void>;
  /** The caller said yes to the confirmation: do it. */
  confirmed(dialogue: Dialogue): Promise<void>;
  /** The caller said no to the confirmation. */
  declined(dialogue: Dialogue): void;
}
