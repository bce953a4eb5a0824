import type { BusinessConfig } from "@orbis/contracts";
import type { PhraseSpec } from "@orbis/voice";

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
const COMMON_NAMES = [
  "james",
  "john",
  "robert",
  "michael",
  "william",
  "david",
  "richard",
  "joseph",
  "thomas",
  "charles",
  "daniel",
  "matthew",
  "anthony",
  "mark",
  "steven",
  "paul",
  "andrew",
  "joshua",
  "kevin",
  "brian",
  "mary",
  "patricia",
  "jennifer",
  "linda",
  "elizabeth",
  "barbara",
  "susan",
  "jessica",
  "sarah",
  "karen",
  "lisa",
  "nancy",
  "emily",
  "ashley",
  "michelle",
  "amanda",
  "maria",
  "jose",
  "carlos",
  "luis",
  "ana",
  "wei",
  "li",
  "priya",
  "raj",
  "ahmed",
  "fatima",
  "smith",
  "johnson",
  "williams",
  "brown",
  "jones",
  "garcia",
  "miller",
  "davis",
  "rodriguez",
  "martinez",
  "lopez",
  "wilson",
  "anderson",
  "taylor",
  "lee",
];

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
    "my name is {name}",
    "it's {name}",
    "this is {name}",
    "{name}",
    "{name} {name}",
    "my name is {name} {name}",
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
    "hi this is {name}",
    "is this {business}",
  ];
  const digit = ["zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "double"];
  const digitSeqs = [10, 7, 4, 3].map((n) => Array.from({ length: n }, () => "{digit}").join(" "));
  return {
    templates: [...new Set(templates.map((t) => t.replace(/\{digits\}/g, digitSeqs[0] as string)))].concat(digitSeqs),
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
      name: [...new Set([...COMMON_NAMES, ...[...staff].filter((s) => !s.includes(" "))])],
      business: [toSpokenWords(business.name)],
    },
  };
}
