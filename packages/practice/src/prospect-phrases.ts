import type { PersonaDto, ScenarioDto } from "@orbis/contracts";
import type { PhraseSpec } from "@orbis/voice";
import { normalize } from "./text.ts";

/**
 * What a rep is likely to say to this prospect, for the offline recogniser's per-session language
 * model: openers, discovery questions, the words that handle this persona's objections, the
 * scenario's rubric evidence and next steps, and the prospect's name and company. Kept to a few
 * hundred templates; the recogniser expands them into its corpus.
 */
const REP_NAMES = ["alex", "sam", "jordan", "taylor", "chris", "pat", "jamie", "morgan", "james", "sarah", "david", "emma", "michael", "laura"];
const ACKS = ["i understand", "that's fair", "i hear you", "good question", "that makes sense", "totally", "great", "okay", "so"];
const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "tomorrow", "next week", "next tuesday", "next thursday"];
const TIMES = ["nine", "ten", "eleven", "noon", "one", "two", "three", "four", "ten thirty", "two thirty", "nine am", "three pm"];

const OPENERS = [
  "hi {prospect} this is {rep_name}",
  "hi {prospect} this is {rep_name} from {rep_company}",
  "hello is this {prospect}",
  "am i speaking with {prospect}",
  "hi {prospect} how are you",
  "good morning {prospect}",
  "good afternoon {prospect}",
  "this is {rep_name} calling from {rep_company}",
  "did i catch you at a bad time",
  "do you have a minute",
  "do you have thirty seconds",
  "the reason for my call is",
  "the reason i'm calling is we help companies like {company}",
  "we help companies like yours",
  "we work with teams like yours",
  "i'll be brief",
  "just one quick question",
  "thanks for taking my call",
  "thanks for your time",
  "i'm calling about {company}",
];

const DISCOVERY = [
  "what are your biggest challenges right now",
  "what's your biggest challenge",
  "how do you handle that today",
  "how are you handling that today",
  "tell me about your current process",
  "walk me through how that works today",
  "what's not working",
  "what happened",
  "what changed",
  "how much time does that take",
  "how much does that cost you",
  "how often does that happen",
  "how many people are involved",
  "what's your budget for this",
  "have you set aside a budget",
  "who else is involved in the decision",
  "who signs off on this",
  "what does the decision process look like",
  "what would success look like",
  "why is that important to you",
  "what happens if nothing changes",
  "can you tell me more about that",
  "tell me more",
  "what would you need to see",
  "what's holding you back",
  "does that address your concern",
  "does that make sense",
  "how does that sound",
  "you mentioned",
  "to recap",
  "i'm sorry to hear that",
];

const NEXT_STEP = [
  "{next_step}",
  "can we {next_step}",
  "would you be open to {next_step}",
  "how about {day} at {time}",
  "does {day} at {time} work",
  "how about {day}",
  "can we {next_step} {day} at {time}",
  "i'll send you an invite",
  "i'll send you the invite for {day} at {time}",
];

const ANSWERS = [
  "yes",
  "yeah",
  "no",
  "okay",
  "sure",
  "right",
  "great",
  "perfect",
  "absolutely",
  "goodbye",
  "bye",
  "thank you",
  "talk soon",
  "have a good day",
  "hello",
  "are you there",
];

/** Spoken words of a phrase: "Dr." is "doctor", numbers are words. */
const spoken = (text: string): string => normalize(text.replace(/\bDr\.?(?=\s)/g, "doctor"));

export function buildProspectPhraseSpec(persona: PersonaDto, scenario: ScenarioDto): PhraseSpec {
  const fullName = spoken(persona.name);
  const parts = fullName.split(" ").filter((w) => w !== "doctor");
  const prospect = new Set([
    fullName,
    parts[0] ?? fullName,
    ...(fullName.startsWith("doctor ") && parts.length > 0 ? [`doctor ${parts[parts.length - 1]}`] : []),
  ]);
  const objectionWords = persona.objections.flatMap((o) => [...o.resolvedBy, ...o.triggers]).map(spoken);
  const handling = persona.objections.flatMap((o) => o.resolvedBy).map(spoken);
  const evidence = scenario.rubric.flatMap((r) => r.evidence).map(spoken);
  const templates = [
    ...OPENERS,
    ...DISCOVERY,
    ...NEXT_STEP,
    ...ANSWERS,
    ...objectionWords,
    ...handling.map((h) => `{ack} ${h}`),
    ...evidence,
    ...evidence.map((e) => `{ack} ${e}`),
  ].filter((t) => t.length > 0);
  return {
    templates: [...new Set(templates)],
    slots: {
      prospect: [...prospect],
      company: [spoken(persona.company)],
      rep_name: REP_NAMES,
      rep_company: ["orbis", "acme", "our company"],
      ack: ACKS,
      next_step: [...new Set(scenario.nextStep.map(spoken))],
      day: DAYS,
      time: TIMES,
    },
  };
}
