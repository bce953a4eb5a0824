import type { BusinessConfig } from "@orbis/contracts";
import type { WallClock as Clock } from "@orbis/ports";
import type { Awaiting } from "./dialogue.ts";
import { asksQuestion } from "./flows/questions.ts";
import { taskIntent } from "./flows/tasks.ts";
import { extractName, extractPhone, normalize, spokenDigits, understand, yesNo } from "./nlu.ts";

/** Where the conversation stands when the turn-taker asks about a partial transcript. */
export interface Listening {
  awaiting: Awaiting;
  business: BusinessConfig;
  clock: Clock;
  /** Digits of a number the caller has begun in earlier answers ("two one two…"). */
  phoneDigits?: string;
}

/** Words after which a caller is mid-sentence, whatever came before. */
const TRAILING_CONTINUATION = /\b(and|but|or|so|because|um|uh|er|except|actually|wait|well|if|then|at|on|in|the|a|an|to|for|with|my|is)$/;
/** Where the caller is asked for a day, a time or a phone number (the turn-taker's long window). */
const ENTITY_STATES = new Set<Awaiting>(["date", "slot_choice", "phone", "identify_phone"]);
/** Thinking aloud before the answer: keep waiting. */
const STALLING = /\b(um+|uh+|hmm+|er|let me|hold on|one sec(ond)?|just a (sec(ond)?|moment|minute)|let's see|i think|maybe|i guess|not sure)\b/;
/** Words that start a day or time even before the NLU can read one. */
const DAY_WORDS =
  /\b(next|this|coming|tomorrow|today|tonight|morning|afternoon|evening|noon|week|weekend|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|first|second|third|earliest|latest|soonest|any ?time|whenever|o'?clock|am|pm|a m|p m)\b/;
/** Where a question-shaped partial may be the caller's own words (a message, a name) or digits are due. */
const FREE_TEXT_OR_DIGITS = new Set<Awaiting>(["message", "name", "phone", "identify_phone"]);

/** Normalised words without punctuation, single-spaced: what the endpointing checks read. */
const bareOf = (norm: string) => norm.replace(/[.,]/g, " ").replace(/\s+/g, " ").trim();

/** Words after which a name may go on ("my name is Jane" … "Back"): a bare first word is not yet complete. */
const NAME_INTRO_ONLY = /^(my name is|my name's|this is|it's|it is|i'm|i am|name is)$/;

/**
 * Semantic endpointing: the words so far fully answer the question just asked, so a short pause
 * ends the turn. Only for closed questions (yes/no, a phone number, a day or time, a name, one of the
 * offered times); open ones keep the full silence window.
 */
export function isCompleteUtterance(text: string, at: Listening): boolean {
  const norm = normalize(text);
  const bare = bareOf(norm);
  const words = bare.split(" ").filter(Boolean);
  if (words.length === 0 || TRAILING_CONTINUATION.test(bare)) return false;
  if (!FREE_TEXT_OR_DIGITS.has(at.awaiting) && isSelfContainedQuestion(text, words.length, at)) return true;
  switch (at.awaiting) {
    case "confirm":
    case "phone_confirm":
    case "anything_else":
      return words.length <= 4 && yesNo(norm) !== null;
    case "phone":
    case "identify_phone":
      return completesNumber(text, at);
    case "slot_choice": {
      if (words.length > 6) return false;
      const u = understand(text, at.business, at.clock.now(), { bareNumberIsTime: true });
      return u.ordinal !== null || u.when.time !== undefined;
    }
    case "date": {
      // "next Tuesday", "Friday at 3", "tomorrow morning", "the first available": a whole answer.
      if (words.length > 7 || STALLING.test(bare)) return false;
      const u = understand(text, at.business, at.clock.now(), { bareNumberIsTime: true });
      return (
        u.when.date !== undefined || u.when.time !== undefined || u.intents.has("first_available") || (u.when.partOfDay !== undefined && words.length <= 3)
      );
    }
    case "name":
      if (words.length > 6 || STALLING.test(bare) || NAME_INTRO_ONLY.test(bare)) return false;
      return spokenDigits(text).length === 0 && extractName(text, true) !== null;
    default:
      return false;
  }
}

/** With the digits said before, the words make a whole number: ten digits, or a possible international one. */
function completesNumber(text: string, at: Listening): boolean {
  const earlier = at.phoneDigits ?? "";
  const digits = earlier.replace(/^\+/, "") + spokenDigits(text);
  if (digits.length < 10) return false;
  const plus = earlier.startsWith("+") || /\+|\bplus\b/i.test(text);
  return extractPhone(`${plus ? "+" : ""}${digits}`, at.business.country) !== null;
}

/**
 * A day, a time or a phone number was asked for, and these words are plainly something else ("do
 * you take new patients", "why do you need my number"): none of the entity has begun and the caller
 * is not stalling ("um", "let me check"). The turn-taker then waits the normal window, not the long
 * one it keeps for callers working through a date or reading out digits.
 */
export function isOffEntity(text: string, at: Listening): boolean {
  if (!ENTITY_STATES.has(at.awaiting)) return false;
  const bare = bareOf(normalize(text));
  if (bare.split(" ").filter(Boolean).length < 3 || TRAILING_CONTINUATION.test(bare) || STALLING.test(bare)) return false;
  if (spokenDigits(text).length > 0) return false;
  const u = understand(text, at.business, at.clock.now(), { bareNumberIsTime: true });
  const w = u.when;
  return !w.date && !w.time && !w.partOfDay && u.ordinal === null && !u.intents.has("first_available") && !DAY_WORDS.test(bare);
}

/**
 * "what are your opening hours", "how much is a cleaning": a question the brain can answer as it
 * stands, asking for nothing else (no booking, cancelling or message in it). Whatever was asked
 * before, such a question ends the turn after the short pause — also while a date or a phone number
 * was expected, where the caller has plainly not started giving one.
 */
function isSelfContainedQuestion(text: string, words: number, at: Listening): boolean {
  if (words < 3) return false;
  const u = understand(text, at.business, at.clock.now());
  if (!asksQuestion(u)) return false;
  // A dangling "how much is" never gets here: the trailing-word check has already said "not complete".
  return taskIntent(u) === null && !u.intents.has("book_weak") && !u.intents.has("transfer");
}
