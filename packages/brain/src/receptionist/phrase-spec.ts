import type { BusinessConfig } from "@orbis/contracts";
import type { PhraseSpec } from "@orbis/voice";
import { CENSUS_FIRST_NAMES, CENSUS_SURNAMES } from "./census-names.ts";
import { problemPhrases } from "./service-keywords.ts";

const SMALL = [
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
  "thirteen",
  "fourteen",
  "fifteen",
  "sixteen",
  "seventeen",
  "eighteen",
  "nineteen",
];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/** 0–9999 in words, the way a caller says it ("one hundred twenty five"). */
export function numberToWords(n: number): string {
  if (n < 20) return SMALL[n] as string;
  if (n < 100) return `${TENS[Math.floor(n / 10)]}${n % 10 ? ` ${SMALL[n % 10]}` : ""}`;
  if (n < 1000) return `${SMALL[Math.floor(n / 100)]} hundred${n % 100 ? ` ${numberToWords(n % 100)}` : ""}`;
  if (n < 10000) return `${numberToWords(Math.floor(n / 1000))} thousand${n % 1000 ? ` ${numberToWords(n % 1000)}` : ""}`;
  return String(n)
    .split("")
    .map((d) => SMALL[Number(d)])
    .join(" ");
}

/**
 * Text as a recogniser's language model wants it: lowercase words, numbers spelled out, no
 * punctuation. In-word apostrophes stay ("i'd", "what's") because the pronouncing dictionary has them.
 */
export function toSpokenWords(text: string): string {
  return text
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/\bdr\.?(?=\s)/g, "doctor")
    .replace(/\bst\.(?=\s|$)/g, "saint")
    .replace(/\+/g, " plus ")
    .replace(/\b(\d{1,2})(st|nd|rd|th)\b/g, (m, d: string) => ` ${ORDINALS[Number(d) - 1] ?? m} `)
    .replace(/\d+/g, (m) => ` ${numberToWords(Number(m))} `)
    .replace(/[^a-z' ]+/g, " ")
    .replace(/(^|\s)'+|'+(?=\s|$)/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const ORDINALS = [
  "first",
  "second",
  "third",
  "fourth",
  "fifth",
  "sixth",
  "seventh",
  "eighth",
  "ninth",
  "tenth",
  "eleventh",
  "twelfth",
  "thirteenth",
  "fourteenth",
  "fifteenth",
  "sixteenth",
  "seventeenth",
  "eighteenth",
  "nineteenth",
  "twentieth",
  "twenty first",
  "twenty second",
  "twenty third",
  "twenty fourth",
  "twenty fifth",
  "twenty sixth",
  "twenty seventh",
  "twenty eighth",
  "twenty ninth",
  "thirtieth",
  "thirty first",
];
/**
 * First names and surnames callers are likely to give (1990 Census, most frequent first; others are
 * spelled). The whole lists weigh only in the model used after the agent asks for a name; elsewhere the
 * most frequent ones, so a name never out-competes "yes" or "two".
 */
const COMMON = 120;
/**
 * A most-frequent-first list as slot values with a rough frequency prior: the first `top` four times,
 * the next up to `common` twice. The language model then prefers "sarah" to "sara" when both sound
 * the same, as a receptionist would write it.
 */
function byFrequency(names: readonly string[], top: number, common: number): string[] {
  return names.flatMap((name, i) => Array.from({ length: i < top ? 4 : i < common ? 2 : 1 }, () => name));
}

const FIRST_NAMES = [
  ...CENSUS_FIRST_NAMES,
  "wei",
  "li",
  "priya",
  "raj",
  "ahmed",
  "fatima",
  "mohammed",
  "omar",
  "aisha",
  "mei",
  "hiroshi",
  "yuki",
  "sofia",
  "mateo",
];
const SURNAMES = [...CENSUS_SURNAMES, "patel", "singh", "nguyen", "chen", "kim", "wang", "khan", "ali", "tanaka", "kumar"];

function times(): string[] {
  const out = new Set<string>(["noon", "midday", "lunchtime"]);
  for (let h = 7; h <= 19; h++) {
    const h12 = numberToWords(h % 12 === 0 ? 12 : h % 12);
    const ampm = h < 12 ? "am" : "pm";
    out.add(h12);
    out.add(`${h12} o'clock`);
    out.add(`${h12} ${ampm}`);
    out.add(`${h12} ${ampm === "am" ? "a m" : "p m"}`);
    for (const m of ["fifteen", "thirty", "forty five"]) {
      out.add(`${h12} ${m}`);
      out.add(`${h12} ${m} ${ampm}`);
    }
  }
  return [...out];
}

function withArticle(name: string): string {
  return `${/^[aeiou]/.test(name) ? "an" : "a"} ${name}`;
}

/**
 * How callers actually phrase things on a call, beyond the bare answers: openers, fillers, hedges and
 * the usual ways of proposing a day or a time, agreeing and describing a problem. Without these the
 * language model forces a rambling or hesitant caller's words onto the nearest bare template.
 */
const CONVERSATIONAL = [
  "{opener}",
  "{opener} i'd like to book {a_service}",
  "{opener} i need {a_service}",
  "{opener} i was wondering if i could book {a_service}",
  "{opener} i'd like to make an appointment",
  "{opener} i'm calling to book {a_service}",
  "{opener} i'm calling about {a_service}",
  "{opener} i have a question",
  "{opener} i'm a new {customer}",
  "{filler} {day}",
  "{filler} {time}",
  "{filler} {day} at {time}",
  "{filler} {day} {part_of_day}",
  "{filler} yes",
  "{filler} no",
  "{filler} i'm not sure",
  "{filler} let me think",
  "{filler} my name is {first} {last}",
  "{filler} i need {a_service}",
  "{day} would be good",
  "{day} would be great",
  "{day} works",
  "{day} works for me",
  "{day} if possible",
  "{day} if you have anything",
  "{day} {part_of_day} if possible",
  "{day} {part_of_day} would be best",
  "maybe {day}",
  "maybe {day} {part_of_day}",
  "maybe around {time}",
  "maybe {time}",
  "could i do {day}",
  "could i do {time}",
  "could i come in {day}",
  "is {day} possible",
  "is {time} possible",
  "is there anything {day}",
  "is there any way i could come in {day}",
  "what about {day}",
  "what about {time}",
  "how about {day} at {time}",
  "i'm free {day}",
  "i'm free {day} {part_of_day}",
  "i'm flexible",
  "any time is fine",
  "any time {day}",
  "{time} works",
  "{time} works for me",
  "{time} is fine",
  "{time} is perfect",
  "{time} is great",
  "{time} would be perfect",
  "{time} please",
  "yes {time}",
  "yes {time} is fine",
  "yes {day} is fine",
  "whatever's earliest",
  "whatever is earliest",
  "whatever you have",
  "the earliest possible",
  "as early as possible",
  "yes please go ahead",
  "go ahead",
  "please go ahead",
  "yes go ahead and book it",
  "yes please book it",
  "book it",
  "that's fine",
  "that's fine thanks",
  "that would be fine",
  "that's perfect",
  "that's perfect thank you",
  "that sounds great",
  "that's correct",
  "yes that's correct",
  "yes that's right",
  "yeah that's right",
  "yes that's all",
  "yes thank you",
  "great thank you",
  "perfect thanks",
  "no that's all",
  "no that's it thanks",
  "no that's wrong",
  "no that's not right",
  "not quite",
  "that's all for now",
  "that's everything",
  "thanks so much",
  "thank you so much bye",
  // After an answer: "okay thanks", "great, thank you", "cool, bye".
  "{ack}",
  "{ack} thanks",
  "{ack} thank you",
  "{ack} thanks bye",
  "{ack} bye",
  "{ack} thanks so much",
  "{ack} that's all",
  "have a good day",
  "you too",
  "i have {problem}",
  "i've got {problem}",
  "my {problem}",
  "there's {problem}",
  "it's {problem}",
  "i think i need {a_service}",
  "i think it's {problem}",
  "{problem}",
  "{filler} {problem}",
  "since {day}",
  "it started {day}",
  "it's kind of urgent",
  "it's an emergency",
  "is it possible to get in today",
  "can someone see me today",
  "can someone come out today",
  "how soon can you get someone out",
  "how soon can i come in",
  "do you have any availability",
  "do you have any availability {day}",
  "what do you have available",
  "can i ask you something",
  "one more question",
  "actually one more thing",
  "sorry i meant {day}",
  "sorry i meant {time}",
  "no wait {day}",
  "no wait {time}",
  "not {day} {day}",
  "wait no",
];

const WHEN_ANSWERS = [
  "{day}",
  "{day} {part_of_day}",
  "{day} at {time}",
  "{day} in the {part_of_day}",
  "{filler} {day}",
  "{filler} {day} at {time}",
  "{filler} {time}",
  "{day} would be good",
  "{day} works",
  "{time} works",
  "{time} is fine",
  "maybe {day}",
  "maybe {time}",
  "how about {day}",
  "how about {time}",
  "{day} if possible",
  "{month} {ordinal}",
  "the {ordinal}",
  "the {ordinal} at {time}",
  "{time}",
  "at {time}",
  "around {time}",
  "{time} {day}",
  "actually {day}",
  "actually {time}",
  "no {day}",
  "no {time}",
  "something in the {part_of_day}",
  "in the {part_of_day}",
  "whatever's earliest",
  "the earliest you have",
  "first available",
  "as soon as possible",
  "any time {day}",
  "yes {time}",
  "yes {day}",
];

const YES_NO_ANSWERS = [
  "yes",
  "no",
  "yeah",
  "yep",
  "nope",
  "yes please",
  "no thanks",
  "no thank you",
  "that's right",
  "that's correct",
  "yes that's right",
  "yes that's correct",
  "yeah that's right",
  "correct",
  "sure",
  "okay",
  "sounds good",
  "perfect",
  "that works",
  "go ahead",
  "yes go ahead",
  "please go ahead",
  "yes please book it",
  "yes book it",
  "no that's wrong",
  "no that's not right",
  "not quite",
  "{filler} yes",
  "{filler} no",
  "yes thanks",
  "yes thank you",
  // "Anything else?" is a yes/no question most callers answer with thanks.
  "{ack} thanks",
  "{ack} thank you",
  "{ack} thanks bye",
  "{ack} bye",
  "no {day}",
  "no {time}",
  "no {day} at {time}",
];

const NAME_ANSWERS = [
  "{first_any}",
  "{last_any}",
  "{first_any} {last_any}",
  "my name is {first_any} {last_any}",
  "my name is {first_any}",
  "it's {first_any} {last_any}",
  "it's {first_any}",
  "this is {first_any} {last_any}",
  "the name's {first_any} {last_any}",
  "the name is {first_any} {last_any}",
  "{filler} {first_any} {last_any}",
];

/** After the agent asks to spell a name: letters (a name's spelling is letters, not words). */
const SPELLING_ANSWERS = [
  "{letter} {letter} {letter} {letter} {letter}",
  "{letter} {letter} {letter} {letter}",
  "{letter} {letter} {letter} {letter} {letter} {letter}",
  "it's spelled {letter} {letter} {letter} {letter} {letter}",
  "{first_any} {letter} {letter} {letter} {letter}",
];

/** What callers answer when the agent has just asked for each kind of entity (PhraseSpec.answers). */
function answerTemplates(digitSeqs: string[]): PhraseSpec["answers"] {
  const digits = [...digitSeqs, ...digitSeqs.map((d) => `my number is ${d}`), ...digitSeqs.map((d) => `it's ${d}`), `{filler} ${digitSeqs[0]}`];
  return {
    date: WHEN_ANSWERS,
    time: WHEN_ANSWERS,
    yes_no: YES_NO_ANSWERS,
    name: NAME_ANSWERS,
    spelling: SPELLING_ANSWERS,
    phone: digits,
    digits,
  };
}

/** Everything the caller is likely to say to this business's receptionist, for the recogniser's LM. */
export function buildPhraseSpec(business: BusinessConfig): PhraseSpec {
  const services = new Set<string>();
  for (const s of business.services) for (const n of [s.name, ...s.synonyms]) services.add(toSpokenWords(n));
  const staff = new Set<string>();
  for (const st of business.staff) {
    const full = toSpokenWords(st.name);
    staff.add(full);
    const parts = full.split(" ").filter((p) => p !== "doctor");
    for (const p of parts) staff.add(p);
    if (full.startsWith("doctor ") && parts.length > 0) staff.add(`doctor ${parts[parts.length - 1]}`);
  }
  // Staff names are names callers say too ("this is Maria Lopez"): first words and last words.
  const staffFirst = [...staff].filter((n) => !n.includes(" ") && n !== "doctor");
  const staffLast = business.staff.map((st) => toSpokenWords(st.name).split(" ").pop() ?? "").filter((w) => w.length > 0);
  const days = [
    "today",
    "tomorrow",
    "the day after tomorrow",
    "next week",
    ...WEEKDAYS,
    ...WEEKDAYS.map((d) => `next ${d}`),
    ...WEEKDAYS.map((d) => `this ${d}`),
    ...WEEKDAYS.map((d) => `on ${d}`),
  ];
  const faqTemplates = business.faqs.map((f) => toSpokenWords(f.question));
  const templates = [
    // booking
    "i'd like to book {a_service}",
    "i'd like to book an appointment",
    "i want to make an appointment",
    "can i make an appointment",
    "i need {a_service}",
    "i need to schedule {a_service}",
    "can i schedule {a_service} for {day}",
    "i'd like to come in {day}",
    "do you have anything {day}",
    "do you have anything {day} {part_of_day}",
    "do you have any openings {day}",
    "can i come in {day} at {time}",
    "i'd like to see {staff}",
    "can i book with {staff}",
    "i'd like {a_service} with {staff}",
    "i'd like to book {a_service} {day}",
    "i'd like to book {a_service} {day} {part_of_day}",
    "i'd like to book {a_service} {day} at {time}",
    "what's your first available",
    "first available",
    "as soon as possible",
    "the earliest you have",
    // reschedule / cancel
    "i need to reschedule my appointment",
    "i need to move my appointment",
    "can i move my appointment to {day}",
    "i need to change my appointment",
    "i'd like to reschedule to {day} at {time}",
    "i need to cancel my appointment",
    "i want to cancel my appointment",
    "please cancel my appointment",
    "cancel it",
    // questions
    "what are your hours",
    "what time do you open",
    "what time do you close",
    "are you open {day}",
    "when are you open",
    "are you open on the weekend",
    "how much is {a_service}",
    "how much does {a_service} cost",
    "how much for {a_service}",
    "what are your prices",
    "where are you located",
    "what's your address",
    "how do i get there",
    "where are you",
    "what services do you offer",
    "what do you do",
    "do you do {service}",
    "do you offer {service}",
    ...faqTemplates,
    // messages and people
    "can i leave a message",
    "i'd like to leave a message",
    "please have someone call me back",
    "can someone call me back",
    "i'd like to leave a message for {staff}",
    "can i talk to a person",
    "i want to speak to someone",
    "can i speak to a human",
    "operator",
    "representative",
    "transfer me please",
    "can i talk to {staff}",
    "let me talk to the manager",
    // a campaign's callee who wants no more calls
    "please take me off your list",
    "stop calling me",
    "don't call me again",
    "please don't call this number again",
    "put me on your do not call list",
    // answers
    "yes",
    "yeah",
    "yes please",
    "yep",
    "sure",
    "that works",
    "sounds good",
    "that's right",
    "correct",
    "perfect",
    "okay",
    "no",
    "no thanks",
    "nope",
    "no thank you",
    "that's wrong",
    "not really",
    "{day}",
    "{day} {part_of_day}",
    "{day} at {time}",
    "{day} in the {part_of_day}",
    "{time}",
    "at {time}",
    "{time} {day}",
    "how about {time}",
    "how about {day}",
    "around {time}",
    "the first one",
    "the second one",
    "the last one",
    "the {ordinal}",
    "{month} {ordinal}",
    "the {ordinal} at {time}",
    "{day} {month} {ordinal}",
    "something in the {part_of_day}",
    "no {day}",
    "no {day} at {time}",
    "no {time}",
    "actually {day}",
    "actually {time}",
    "make it {day}",
    "make it {time}",
    "my name is {first}",
    "my name is {first} {last}",
    "it's {first} {last}",
    "it's {first}",
    "this is {first} {last}",
    "this is {first}",
    "{first}",
    "{last}",
    "{first} {last}",
    "the name's {first} {last}",
    "the name is {last}",
    "under {first} {last}",
    "{first} {last} calling",
    "my number is {digits}",
    "{digits}",
    "it's {digits}",
    "that's all",
    "that's all thanks",
    "that's it",
    "nothing else",
    "goodbye",
    "bye",
    "thank you",
    "thanks bye",
    "can you repeat that",
    "say that again",
    "sorry what",
    "hello",
    "hi",
    "hi this is {first} {last}",
    "hi this is {first}",
    "is this {business}",
    ...CONVERSATIONAL,
  ];
  const digit = ["zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "double"];
  const digitSeqs = [10, 7, 4, 3].map((n) => Array.from({ length: n }, () => "{digit}").join(" "));
  return {
    templates: [...new Set(templates.map((t) => t.replace(/\{digits\}/g, digitSeqs[0] as string)))].concat(digitSeqs),
    answers: answerTemplates(digitSeqs),
    slots: {
      service: [...services],
      a_service: [...services].flatMap((s) => [withArticle(s), s, `my ${s}`]),
      staff: [...staff],
      day: days,
      part_of_day: ["morning", "afternoon", "evening"],
      time: times(),
      month: MONTHS,
      ordinal: ORDINALS,
      digit,
      first: [...new Set([...FIRST_NAMES.slice(0, COMMON), ...staffFirst])],
      last: [...new Set([...SURNAMES.slice(0, COMMON), ...staffLast])],
      first_any: byFrequency([...new Set([...staffFirst, ...FIRST_NAMES])], 100, 400),
      last_any: byFrequency([...new Set([...staffLast, ...SURNAMES])], 60, 300),
      business: [toSpokenWords(business.name)],
      opener: [
        "hi",
        "hello",
        "hey",
        "hi there",
        "hello there",
        "good morning",
        "good afternoon",
        "yeah hi",
        "um hi",
        "oh hi",
        "hi yes",
        "hey there",
        "hi um",
        "hello um",
      ],
      filler: ["um", "uh", "so", "well", "okay", "okay so", "yeah", "oh", "hmm", "um so", "uh yeah", "let's see", "let me see"],
      ack: ["okay", "great", "cool", "alright", "perfect", "awesome", "got it", "oh okay", "okay great", "sounds good", "no worries"],
      customer: ["patient", "customer", "client"],
      problem: [...new Set(problemPhrases(business).map(toSpokenWords))],
      letter: "a b c d e f g h i j k l m n o p q r s t u v w x y z".split(" "),
    },
  };
}
