/**
 * Sales practice (docs/practice.md): the built-in library of personas and scenarios, the offline
 * prospect engine (a `Brain` the voice pipeline runs like any agent's), the prospect a language model
 * plays from the same persona and scenario (`createLlmProspectBrain`, `prospectInstructions`), scoring
 * of a finished session, goal periods and the what-if calculator.
 */
export { BUILTIN_PERSONAS, BUILTIN_SCENARIOS, builtInPersona, builtInScenario } from "./library.ts";
export { createProspectBrain, type ProspectOptions, type ProspectEndReason, PROSPECT_END_REASONS } from "./prospect.ts";
export { prospectInstructions, parseProspectReply } from "./llm-prospect.ts";
export { createLlmProspectBrain, BREAKING_UP_LINE, type LlmProspectOptions } from "./llm-prospect-brain.ts";
export { scorePractice, type ScoreInput } from "./scoring.ts";
export { projectWhatIf } from "./what-if.ts";
export { periodBounds } from "./periods.ts";
export { finishPracticeSession, practiceSnapshots, type SessionEnd } from "./session-finish.ts";
export {
  isPhoneCode,
  MAX_LIVE_PHONE_CODES,
  PHONE_CODE_DIGITS,
  PHONE_CODE_TRIES_PER_CALL,
  PHONE_CODE_TTL_SEC,
  PHONE_LINE_LOCK,
  phoneCodeHasher,
  uniquePhoneCode,
} from "./phone-codes.ts";
