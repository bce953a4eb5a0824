import * as chrono from "chrono-node";
import { DateTime } from "luxon";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { CountryCode } from "libphonenumber-js";
import type { BusinessConfig, Service, Staff } from "@orbis/contracts";
import { openingIntervalsOn } from "../availability.ts";
import { matchFaqScored } from "../knowledge.ts";
import type { PartOfDay } from "../tools/builtins.ts";
import { isEmergency, problemFit, servicesForProblem } from "./service-keywords.ts";

export type Intent =
  | "book"
  | "reschedule"
  | "cancel"
  | "hours"
  | "prices"
  | "location"
  | "services"
  | "faq"
  | "message"
  | "transfer"
  | "yes"
  | "no"
  | "goodbye"
  | "thanks"
  | "repeat"
  | "first_available"
  /** "Stop calling me", "take me off your list": never call this number again. */
  | "do_not_call"
  /** "I need a …", "looking for …": booking only when a service is named and no question is asked. */
  | "book_weak";

export interface When {
  /** Business-local YYYY-MM-DD. */
  date?: string;
  /** Business-local HH:MM. */
  time?: string;
  partOfDay?: Exclude<PartOfDay, "any">;
}

export interface Understanding {
  text: string;
  norm: string;
  intents: Set<Intent>;
  service: Service | null;
  staff: Staff | null;
  when: When;
  phone: string | null;
  faqAnswer: string | null;
  /** The matched FAQ's own question, to check with the caller when the match is weak. */
  faqQuestion: string | null;
  /** The FAQ matched on one of its keywords, not only on shared words. */
  faqByKeyword: boolean;
  /**
   * The FAQ match is strong enough to answer: a keyword in a question, two keywords, or most of the
   * FAQ's own question. A weak match is checked with the caller first.
   */
  faqStrong: boolean;
  /** The words carry a message of their own beyond "please call me back". */
  messageBody: boolean;
  ordinal: number | null;
  /** "We have no heat", "I'm in severe pain": the call cannot wait (`service-keywords.ts`). */
  emergency: boolean;
  /** Services a described problem points to when none is named ("my sink is backed up"). */
  problemServices: Service[];
  /** "Actually…", "no, make it…", "not Monday, Wednesday", "change the time to…". */
  correction: boolean;
  /** A name the caller introduces ("this is Jane calling"). */
  introduced: IntroducedName | null;
  /** Asked as a question: "do you…", "what's…", "how much…", a question mark. */
  question: boolean;
  /** Every digit said, spoken or typed ("two one two" → "212"). */
  digits: string;
  /** The name said right before a whole number ("Jane Back, 212 555 0142"). */
  nameWithNumber: string | null;
}

const UNITS: Record<string, number> = {
  zero: 0,
  oh: 0,
  o: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};
const MINUTES: Record<string, string> = {
  "o'clock": "00",
  oclock: "00",
  "oh five": "05",
  five: "05",
  ten: "10",
  fifteen: "15",
  twenty: "20",
  "twenty five": "25",
  thirty: "30",
  "thirty five": "35",
  forty: "40",
  "forty five": "45",
  fifty: "50",
  "fifty five": "55",
};
const ORDINALS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  thirteenth: 13,
  fourteenth: 14,
  fifteenth: 15,
  sixteenth: 16,
  seventeenth: 17,
  eighteenth: 18,
  nineteenth: 19,
  twentieth: 20,
  "twenty first": 21,
  "twenty second": 22,
  "twenty third": 23,
  "twenty fourth": 24,
  "twenty fifth": 25,
  "twenty sixth": 26,
  "twenty seventh": 27,
  "twenty eighth": 28,
  "twenty ninth": 29,
  thirtieth: 30,
  "thirty first": 31,
};

const HOUR_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve";
const MINUTE_WORDS = "o'clock|oclock|oh five|fifteen|twenty five|twenty|thirty five|thirty|forty five|forty|fifty five|fifty";
const SPOKEN_TIME = new RegExp(`\\b(${HOUR_WORDS})(?:[ -](${MINUTE_WORDS}))?(?=\\s*(?:am|pm|o'?clock|in the|$|\\b))`, "g");
const ORDINAL_RE = new RegExp(
  `\\b(${Object.keys(ORDINALS)
    .sort((a, b) => b.length - a.length)
    .join("|")})\\b(?! (available|one|option|time|slot|thing|opening|appointment|visit|name|meeting|consultation))`,
  "g",
);

/** Lowercase, speech-style spellings made parseable: "ten thirty p m" → "10:30 pm", "the fifteenth" → "the 15th". */
export function normalize(text: string): string {
  let s = ` ${text.toLowerCase()} `
    .replace(/[“”"!?;]/g, " ")
    .replace(/\b([ap])\.?\s?m\b\.?/g, "$1m")
    .replace(/[-–]/g, " ")
    .replace(/\s+/g, " ");
  s = s.replace(ORDINAL_RE, (_m, w: string) => {
    const n = ORDINALS[w] as number;
    return `${n}${n % 10 === 1 && n !== 11 ? "st" : n % 10 === 2 && n !== 12 ? "nd" : n % 10 === 3 && n !== 13 ? "rd" : "th"}`;
  });
  // "half past five", "quarter past ten", "quarter to three": clock times.
  s = s.replace(new RegExp(`\\b(half|quarter) past (${HOUR_WORDS}|\\d{1,2})\\b`, "g"), (_m, part: string, h: string) => {
    const hour = UNITS[h] ?? Number(h);
    return `${hour}:${part === "half" ? "30" : "15"}`;
  });
  s = s.replace(new RegExp(`\\bquarter (?:to|of) (${HOUR_WORDS}|\\d{1,2})\\b`, "g"), (_m, h: string) => {
    const hour = UNITS[h] ?? Number(h);
    return `${hour === 1 ? 12 : hour - 1}:45`;
  });
  s = s.replace(SPOKEN_TIME, (m: string, h: string, min?: string) => {
    const hour = UNITS[h];
    if (hour === undefined) return m;
    if (!min) return String(hour);
    const mm = MINUTES[min];
    return mm === undefined ? m : mm === "00" ? `${hour} o'clock` : `${hour}:${mm}`;
  });
  // "three-ish", "around 3", "like two o'clock": the hour itself.
  s = s.replace(/\b(\d{1,2}(?::\d\d)?) ?ish\b/g, "$1");
  s = s.replace(/\b(?:around|like|say) (\d{1,2}(?::\d\d)?)\b(?! (?:minutes?|hours?|days?|weeks?|months?|years?|people|dollars|miles|times))/g, "at $1");
  return s.replace(/\s+/g, " ").trim();
}

function has(re: RegExp, s: string): boolean {
  return re.test(s);
}

const RE = {
  transfer:
    /\b(human|real person|live person|actual person|representative|operator|receptionist|manager|owner|transfer me|front desk|put me through|connect me)\b|\b(talk|speak|speaking|talking|get|reach|chat) (to |with )?(a |an |the |some |your |to a |with a )?(person|someone|somebody|human|people|staff|receptionist|agent|dentist|doctor|dr|technician|tech|mechanic|stylist|anyone|anybody|body|one of you)\b/,
  reschedule:
    /\b(reschedul\w*|re schedul\w*|move (my|the|it|our)|change (my|the) (appointment|booking|time|day)|push (it|my|the)\b|postpone|different (day|time))/,
  cancel: /\bcancel\w*|\bcall off\b/,
  book: /\b(book\w*|schedul\w*|appointment|reserv\w*|come in|get in|availability|available|openings?|any (time|slots?|room)|make an? (appointment|booking|reservation)|come out|send (someone|somebody|a tech\w*)|fit me in|see (me|him|her|us)|(come|stop) by|(come|take a) look|look at (it|my|the|our))\b/,
  bookWeak:
    /\b(set up|need (a|an|my|someone|to get|somebody|new)|want (a|an|to get|my)|like (a|an|to get|to come|my)|get (a|an|my)|looking for|needs? (a|an|new|my))\b/,
  hours: /\b(hours|open|opening time|close|closing|closed)\b/,
  prices: /\b(price\w*|cost\w*|how much|charge|fee|fees|rates?|expensive|cheap|quote)\b/,
  location: /\b(where|address|located|location|directions|how do i get|find you)\b/,
  services: /\b(what (services|do you (do|offer|fix|repair))|services|do you (do|offer|fix|repair|handle|work on|treat)|what kind)\b/,
  message:
    /\b(leave a message|take a message|message|call me back|callback|call back|have (him|her|them|someone|somebody) call|(someone|somebody) (to )?call me|pass (it|this|that) on)\b/,
  doNotCall:
    /\b(stop (calling|ringing|phoning)|quit calling|(don'?t|do not|never) (ever )?(call|ring|phone|contact) (me|us|this number|my number|here) ?(again|anymore|any more|ever again)|(do not|don'?t) call (list|registry)|(take|get) (me|us|my number|this number) off (your|the|this) (list|call list|calling list|contact list|database)|remove (me|us|my number|this number) from (your|the|this) (list|call list|calling list|contact list|database)|no more (calls|calling))\b/,
  goodbye: /\b(bye|goodbye|good bye|that's all|that is all|that's it|nothing else|i'm good|im good|i'm all set|all set|have a (good|nice|great))\b/,
  thanks: /\b(thanks|thank you|thank)\b/,
  repeat: /\b(repeat|say that again|come again|pardon|what did you say)\b/,
  yes: /^(yes|yeah|yea|yep|yup|sure|correct|right|that's right|that is right|ok|okay|sounds good|perfect|great|please do|go ahead|absolutely|definitely|of course|that works|works for me|that's fine|fine|do it|book it|uh huh|affirmative)\b/,
  no: /^(no|nope|nah|not really|negative|wrong|incorrect|that's wrong|that's not right|actually|don't|do not)\b/,
  firstAvailable:
    /\b(first available|first opening|next opening|first free|first thing available|earliest|soonest|as soon as possible|asap|next available|whenever|any ?time|any day)\b/,
};

/** Exported for repair: is this text a yes, a no, or neither? */
export function yesNo(norm: string): "yes" | "no" | null {
  if (RE.no.test(norm)) return "no";
  if (RE.yes.test(norm)) return "yes";
  if (/\b(yes|yeah|yep|sure|correct)\b/.test(norm)) return "yes";
  return null;
}

function words(s: string): string {
  return ` ${s
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()} `;
}

/** The bookable service named in the words (its name or a synonym, the longest that fits). */
export function matchService(business: BusinessConfig, norm: string): Service | null {
  const text = words(norm);
  let best: Service | null = null;
  let bestLen = 0;
  for (const s of business.services) {
    if (!s.bookable) continue;
    for (const name of [s.name, ...s.synonyms]) {
      const w = words(name);
      const plural = `${w.trimEnd()}s `;
      if ((text.includes(w) || text.includes(plural)) && w.length > bestLen) {
        best = s;
        bestLen = w.length;
      }
    }
  }
  return best;
}

function matchStaff(business: BusinessConfig, norm: string): Staff | null {
  const text = words(norm.replace(/\bdoctor\b/g, "dr"));
  for (const st of business.staff) {
    const full = words(st.name.replace(/\./g, ""));
    if (text.includes(full)) return st;
    const parts = full
      .trim()
      .split(" ")
      .filter((p) => p.length > 2 && p !== "dr");
    if (parts.some((p) => text.includes(` ${p} `))) return st;
  }
  return null;
}

const PART_OF_DAY: Array<[RegExp, Exclude<PartOfDay, "any">]> = [
  // A lone "am" is "I am" or "um" misheard; "10 am" is a time, parsed as one.
  [/\b(morning|in the am)\b/, "morning"],
  [/\b(afternoon|after lunch|lunchtime|lunch time)\b/, "afternoon"],
  [/\b(evening|tonight|after work|late)\b/, "evening"],
];

interface WhenOptions {
  /** A bare number ("9 works") is a time: only where a time was asked for. */
  bareNumberIsTime?: boolean;
  /** The business whose opening hours settle "five" as 5 PM or 5 AM. */
  business?: BusinessConfig;
}

/** "not Monday", "instead of Tuesday", "rather than 3 pm": the day or time the caller takes back. */
const TAKEN_BACK =
  /\b(?:not|instead of|rather than) (?:on |at |the )?(?:next |this )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|morning|afternoon|evening|\d{1,2}(?:st|nd|rd|th)?(?::\d\d)?(?: ?[ap]m| o'clock)?)\b/g;

const WEEKDAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

function hhmm(h: number, m: number): string {
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

/** Is the business open at this local time (on the date, else on any day of the week)? */
function openAt(business: BusinessConfig, date: string | undefined, time: string): boolean {
  const intervals = date ? openingIntervalsOn(business, date).intervals : Object.values(business.hours).flat();
  return intervals.some((i) => i.open <= time && time < i.close);
}

/**
 * An hour said without AM or PM: the one the business is open at ("five" at a practice open until
 * 7 PM is 5 PM; "eight" at one opening at 7 AM is 8 AM); when both or neither are, 1–7 is PM.
 */
function settleHour(h: number, m: number, date: string | undefined, business: BusinessConfig | undefined): number {
  if (h < 1 || h > 12) return h;
  const am = h === 12 ? 0 : h;
  const pm = h === 12 ? 12 : h + 12;
  if (business) {
    const amOpen = openAt(business, date, hhmm(am, m));
    const pmOpen = openAt(business, date, hhmm(pm, m));
    if (amOpen !== pmOpen) return amOpen ? am : pm;
  }
  return h >= 1 && h <= 7 ? pm : h;
}

/**
 * Words that take back what was just said inside one utterance: "Friday at ten… no, Thursday",
 * "four, wait, five", "one? Actually, make that eleven". What follows the last of them wins.
 */
const SELF_CORRECTION =
  /(?:^|[\s,.])(?:no|nope|wait|actually|sorry|i mean|make (?:it|that)|scratch that|or rather|can we do|could we do|how about|let's do|let's say)(?=[\s,.]|$)/g;

/**
 * Date, time and part of day in the business time zone. Corrected inside the utterance ("Wednesday…
 * no wait, Thursday at two"), the day, the time and the part of day are each the last one said.
 */
export function extractWhen(rawNorm: string, zone: string, now: Date, opts: WhenOptions = {}): When {
  const segments = rawNorm.split(SELF_CORRECTION).filter((seg) => /[a-z0-9]/.test(seg));
  if (segments.length < 2) return whenIn(rawNorm, zone, now, opts);
  const out: When = {};
  let timeAt = -1;
  let partAt = -1;
  segments.forEach((seg, i) => {
    // "make that eleven": a bare number right after the correction is the time, where numbers may be times.
    const text = i > 0 && opts.bareNumberIsTime && /^[\s,.]*\d/.test(seg) ? `at ${seg.replace(/^[\s,.]+/, "")}` : seg;
    const w = whenIn(text, zone, now, { ...opts, bareNumberIsTime: false });
    if (w.date) out.date = w.date;
    if (w.time) {
      out.time = w.time;
      timeAt = i;
    }
    if (w.partOfDay) {
      out.partOfDay = w.partOfDay;
      partAt = i;
    }
  });
  if (!out.date && !out.time && !out.partOfDay) return whenIn(rawNorm, zone, now, opts);
  // "Two… no, the morning": the later part of day replaces the earlier time.
  if (out.time && partAt > timeAt) delete out.time;
  if (out.time && out.date) out.time = settleAgain(out.time, out.date, opts.business);
  return out;
}

/** An hour settled without the day ("eleven" before "Thursday") settled again against that day's hours. */
function settleAgain(time: string, date: string, business: BusinessConfig | undefined): string {
  const [h, m] = time.split(":").map(Number) as [number, number];
  if (!business || openAt(business, date, time)) return time;
  const other = h >= 12 ? h - 12 : h + 12;
  return other >= 1 && other <= 23 && openAt(business, date, hhmm(other, m)) ? hhmm(other, m) : time;
}

function whenIn(rawNorm: string, zone: string, now: Date, opts: WhenOptions = {}): When {
  const local = DateTime.fromJSDate(now, { zone });
  // "not Monday, Wednesday": what is taken back is not the answer.
  const taken = rawNorm.replace(TAKEN_BACK, " ");
  const norm = /[a-z0-9]/.test(taken.replace(/\b(but|on|at|the|make it|i said|no)\b/g, "")) ? taken : rawNorm;
  // chrono reads the reference in the process's zone: hand it the business wall clock as local time.
  const ref = new Date(local.year, local.month - 1, local.day, local.hour, local.minute);
  const out: When = {};
  for (const [re, part] of PART_OF_DAY) {
    if (re.test(norm) && !/\b\d{1,2}(:\d\d)? ?am\b/.test(norm)) {
      out.partOfDay = part;
      break;
    }
  }
  // "John with an h" is not "in an hour": only results with a number or a day, month or time word count.
  const results = chrono.casual
    .parse(norm, ref, { forwardDate: true })
    .filter((r) => /\d|day|tomorrow|tonight|noon|midnight|morning|afternoon|evening|week|month|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec/.test(r.text));
  for (const r of results) {
    const c = r.start;
    if (!out.date && (c.isCertain("day") || c.isCertain("weekday"))) {
      out.date = DateTime.fromObject({ year: c.get("year") ?? local.year, month: c.get("month") ?? 1, day: c.get("day") ?? 1 }, { zone }).toISODate() as string;
      // "Friday" said on a Friday is today, not a week on (chrono moves it once the day is half gone).
      const named = WEEKDAY_NAMES[local.weekday - 1] as string;
      if (c.isCertain("weekday") && !c.isCertain("day") && new RegExp(`\\b${named}\\b`).test(r.text) && !/\b(next|following|after)\b/.test(norm)) {
        out.date = local.toISODate() as string;
      }
    }
    if (!out.time && c.isCertain("hour")) {
      let h = c.get("hour") ?? 0;
      const m = c.get("minute") ?? 0;
      if (!c.isCertain("meridiem") && h <= 12) h = settleHour(h, m, out.date, opts.business);
      out.time = hhmm(h, m);
    }
  }
  if (!out.date) {
    const dom = /\b(?:the )?(\d{1,2})(?:st|nd|rd|th)\b/.exec(norm);
    if (dom) {
      const d = Number(dom[1]);
      let cand = local.set({ day: Math.min(d, local.daysInMonth ?? 28) }).startOf("day");
      if (cand < local.startOf("day") || cand.day !== d) cand = local.plus({ months: 1 }).set({ day: d }).startOf("day");
      if (cand.day === d) out.date = cand.toISODate() as string;
    }
  }
  if (!out.time && opts.bareNumberIsTime) {
    // Short answers only ("9 works", "how about 4"): in longer sentences a bare number is rarely a time.
    // In a longer one, only right after "change it to", "make it", "at": "can you change the time to 2".
    const m =
      norm.split(" ").length <= 6
        ? /(?:^|\s)(\d{1,2})(?::(\d{2}))?\s*(am|pm)?(?=\s|$)/.exec(norm)
        : /\b(?:to|it|that|at|about)\s(\d{1,2})(?::(\d{2}))?\s*(am|pm)?(?=\s|$)/.exec(norm);
    if (m) {
      let h = Number(m[1]);
      const min = Number(m[2] ?? 0);
      if (m[3] === "pm" && h < 12) h += 12;
      else if (!m[3]) h = settleHour(h, min, out.date, opts.business);
      if (h <= 23 && min <= 59) out.time = `${String(h).padStart(2, "0")}:${String(min).padStart(2, "0")}`;
    }
  }
  return out;
}

const DIGIT_WORDS: Record<string, string> = {
  zero: "0",
  oh: "0",
  o: "0",
  one: "1",
  two: "2",
  three: "3",
  four: "4",
  five: "5",
  six: "6",
  seven: "7",
  eight: "8",
  nine: "9",
  ten: "10",
};

/** "five five five one two three four" / "double five" / "555-1234" → digit string. */
export function spokenDigits(text: string): string {
  const tokens = text
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, " ")
    .split(/\s+/)
    .filter(Boolean);
  let out = "";
  let repeat = 1;
  for (const t of tokens) {
    if (t === "double") {
      repeat = 2;
      continue;
    }
    if (t === "triple") {
      repeat = 3;
      continue;
    }
    const d = /^\d+$/.test(t) ? t : DIGIT_WORDS[t];
    if (d !== undefined) {
      out += d.repeat(repeat);
    }
    repeat = 1;
  }
  return out;
}

/** A phone number in E.164, from digits or spoken words; null if it is not a possible number. */
export function extractPhone(text: string, country: string): string | null {
  const digits = spokenDigits(text.replace(/\+/g, " plus "));
  if (digits.length < 7) return null;
  const plus = /\+|\bplus\b/.test(text.toLowerCase());
  const p = parsePhoneNumberFromString(plus ? `+${digits}` : digits, country as CountryCode);
  if (!p || !p.isPossible()) return null;
  return p.number;
}

/** "+12125551234" → "2 1 2, 5 5 5, 1 2 3 4" — read back digit by digit, grouped. */
export function spokenPhone(e164: string, country: string): string {
  const p = parsePhoneNumberFromString(e164, country as CountryCode);
  const national = p ? p.formatNational() : e164;
  return national
    .replace(/[()]/g, "")
    .split(/[\s-]+/)
    .filter(Boolean)
    .map((g) => g.split("").join(" "))
    .join(", ");
}

const NAME_STOP = new Set(
  "yes no yeah nope sure okay ok hello hi hey um uh the a an and i i'm it's is my name this calling for with please thanks thank you appointment book cancel reschedule want need would like to".split(
    " ",
  ),
);

/** Words no name is made of: digits, days, times, corrections, requests. */
const NOT_A_NAME = new Set(
  `zero oh one two three four five six seven eight nine ten eleven twelve double triple plus
  monday tuesday wednesday thursday friday saturday sunday today tomorrow morning afternoon evening noon am pm week next
  actually make change instead rather not wait sorry no but time day date number phone message
  book cancel appointment reschedule hours price calling looking trying wondering just having going interested new
  here fine good great well so sure about from regarding because still also really glad happy
  free available busy late afraid ready done away out home off open closed able unable gonna wanna okay ok
  urgent important broken me him her them it that this there yours mine
  what who why how when where which huh erm hmm er eh pardon dunno idk
  yep yup yes yeah yea nope nah right alright all correct perfect cool awesome excellent lovely wonderful
  exactly absolutely definitely totally indeed true works worked sounds sound go ahead thanks thank please
  now then soon later earlier earliest asap whenever whatever anything everything nothing something
  up down over again too very much less before after during until
  one's that's it's what's there's here's of in on at to for by kind sort bit little lot pretty quite`
    .split(/\s+/)
    .filter(Boolean),
);

/** Words that end the name in "this is Jane calling about…", "it's Jane from…". */
const AFTER_NAME =
  /^(calling|here|speaking|from|about|regarding|and|with|again|i|i'm|i'd|i've|i'll|we|we're|we'd|could|can|would|just|my|on|at|for|returning|who)$/;

function titleCase(s: string): string {
  return s
    .split(" ")
    .map((w) => (w ? w.charAt(0).toUpperCase() + w.slice(1) : w))
    .join(" ");
}

/** The caller's words as plain lowercase letters, with "J O H N" or "j-o-h-n" spelled out joined into "john". */
function nameWords(text: string): string[] {
  const t = text
    .toLowerCase()
    .replace(/\b([a-z])[-.](?=[a-z]\b)/g, "$1 ")
    .replace(/[^a-z' ]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const tokens = t.split(" ").filter(Boolean);
  // Spelled out: "S I O B H A N" ("I" and "A" are letters here too).
  if (tokens.length >= 2 && tokens.every((w) => w.length === 1)) return [tokens.join("")];
  const out: string[] = [];
  let letters = "";
  for (const w of tokens) {
    if (w.length === 1 && w !== "i" && w !== "a") {
      letters += w;
      continue;
    }
    if (letters.length >= 2) out.push(letters);
    else if (letters) out.push(letters);
    letters = "";
    out.push(w);
  }
  if (letters) out.push(letters);
  return out;
}

function plausibleName(parts: readonly string[]): boolean {
  return parts.length > 0 && parts.length <= 3 && parts.every((p) => p.length > 1 && !NOT_A_NAME.has(p) && !NAME_STOP.has(p) && !/ing$/.test(p));
}

interface IntroducedName {
  name: string;
  /** Nothing else was said but the introduction ("it's Jane Back", "my name is Jane"). */
  only: boolean;
  /**
   * Plainly a name whatever was asked: "my name is…", "this is … calling", "call me…". "I'm…" and
   * "it's…" are names only where a name may be the answer ("I'm free Tuesday" is not).
   */
  firm: boolean;
}

/**
 * A name the caller introduces, wherever it comes: "my name is Jane Back", "this is Jane calling
 * about…", "it's Jane here", "Jane Back calling", "I'm Jane". Null when the words after the
 * introduction are not a name ("I'm calling about…", "it's about my bill").
 */
function introducedName(text: string): IntroducedName | null {
  const words = nameWords(text);
  const joined = ` ${words.join(" ")} `;
  const intro = / (?:my name is|my name's|name is|name's|the name is|this is|it's|it is|i'm|i am|call me(?! back )|you can call me) /.exec(joined);
  let nameStart = -1;
  let leading = 0;
  let firm = true;
  if (intro) {
    firm = !/^ (it's|it is|i'm|i am) $/.test(intro[0]);
    leading = joined.slice(0, intro.index).trim().split(" ").filter(Boolean).length;
    nameStart = joined
      .slice(0, intro.index + intro[0].length)
      .trim()
      .split(" ").length;
  } else {
    const calling = words.findIndex((w, i) => i > 0 && i <= 3 && (w === "calling" || w === "speaking" || w === "here"));
    if (calling < 0) return null;
    nameStart = 0;
  }
  const parts: string[] = [];
  let i = nameStart;
  for (; i < words.length && parts.length < 4; i++) {
    const w = words[i] as string;
    if (AFTER_NAME.test(w) || w === "please" || w === "thanks") break;
    parts.push(w);
  }
  if (!plausibleName(parts)) return null;
  const rest = words.slice(i).filter((w) => !/^(calling|here|speaking|please|thanks|thank|you|again)$/.test(w));
  const greeting = words
    .slice(0, nameStart)
    .filter((w) => !/^(hi|hello|hey|yes|yeah|oh|um|uh|sure|ok|okay|so|my|name|is|name's|the|this|it's|it|i'm|i|am|call|me|you|can)$/.test(w));
  if (!firm && /^(calling|speaking|here)$/.test(words[i] ?? "")) firm = true;
  return { name: titleCase(parts.join(" ")), only: rest.length === 0 && greeting.length === 0 && leading <= 3, firm };
}

/** A person's name: "my name is Jane Smith", "it's Jane", or a bare "Jane Smith" (or "J O H N") when we just asked. */
export function extractName(text: string, asked: boolean): string | null {
  const introduced = introducedName(text);
  if (introduced) return introduced.name;
  if (!asked) return null;
  const parts = nameWords(text.replace(/^\s*(put it |book it )?under\s+/i, "")).filter(
    (p) => !/^(please|thanks|thank|you|um|uh|oh|yes|yeah|sure|hi|hello|it's|its)$/.test(p),
  );
  if (!plausibleName(parts)) return null;
  return titleCase(parts.join(" "));
}

/** Where a number begins in "Jane Back, and my cell is 212…": the connecting words and the first digit. */
const NUMBER_BEGINS =
  /(?:,?\s*(?:and\s+)?(?:my\s+|the\s+)?(?:cell|cell phone|number|phone|phone number|mobile|callback number|best number)(?:\s+number)?(?:'s|\s+is)?\s*)?(?:\+?\d|\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b)/i;

/**
 * "Patricia Gomez, three one two, five five five…", "Sure, it's Laura Kim, 415 555 0188": the name said
 * just before a whole number. Null without a number, or when the words before it are not a name.
 */
function nameBeforeNumber(text: string, digits: string): string | null {
  if (digits.length < 7) return null;
  const at = NUMBER_BEGINS.exec(text);
  if (!at || at.index === 0) return null;
  return extractName(text.slice(0, at.index), true);
}

/** Checked on the raw words: "the second one" is a choice among offered times, not the 2nd of the month. */
const ORDINAL_CHOICE: Array<[RegExp, number]> = [
  [/\b(first|1st|earlier|earliest)( (morning|afternoon|evening))? (one|option|time|slot)\b|^(the )?first$/, 0],
  [/\b(second|2nd|middle) (one|option|time|slot)\b|^(the )?(second|middle)$/, 1],
  [/\b(third|3rd) (one|option|time|slot)\b|^(the )?third$/, 2],
  [/\b(last|later|latest) (one|option|time|slot)\b|^(the )?(last|latest)$/, -1],
];

/** "Actually…", "no, make it…", "not Monday, Wednesday", "change the time to…": a change to what was said. */
const CORRECTION =
  /^(no|nope|sorry|wait|oh|actually|hang on|hold on)\b|\b(actually|instead|rather|wait|i mean|scratch that|make (it|that)|change (it|that|the (day|date|time|appointment))|switch (it|to)|move it to|can we do|could we do|not (on )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|\d))\b/;

/** Asked as a question: "do you…", "what's…", "how much…", a question mark. */
const QUESTION_SHAPE =
  /\?|^((hi|hello|hey|um|uh|so|and|also|oh|ok|okay|yes|yeah|quick question),? )*(what|what's|whats|how|when|where|which|who|why|do|does|is|are|can|could|will|would|should|have|has|any)\b/;

export function understand(text: string, business: BusinessConfig, now: Date, opts: { bareNumberIsTime?: boolean } = {}): Understanding {
  const norm = normalize(text);
  const intents = new Set<Intent>();
  if (has(RE.transfer, norm)) intents.add("transfer");
  if (has(RE.reschedule, norm)) intents.add("reschedule");
  if (has(RE.cancel, norm)) intents.add("cancel");
  // "opening hours" asks when the business is open; the recogniser often hears it as "openings hours".
  const askingHours = /\bopen(ings?)? hours\b/.test(norm);
  if (has(RE.book, norm) && !askingHours) intents.add("book");
  if (has(RE.bookWeak, norm)) intents.add("book_weak");
  if (has(RE.hours, norm) && (askingHours || !/\bopenings\b/.test(norm))) intents.add("hours");
  if (has(RE.prices, norm)) intents.add("prices");
  if (has(RE.location, norm)) intents.add("location");
  if (has(RE.services, norm)) intents.add("services");
  if (has(RE.message, norm)) intents.add("message");
  if (has(RE.doNotCall, norm)) intents.add("do_not_call");
  if (has(RE.goodbye, norm)) intents.add("goodbye");
  if (has(RE.thanks, norm)) intents.add("thanks");
  if (has(RE.repeat, norm)) intents.add("repeat");
  if (has(RE.firstAvailable, norm)) intents.add("first_available");
  const yn = yesNo(norm);
  if (yn) intents.add(yn);
  const named = matchService(business, norm);
  // "My nails done, maybe a gel color": the problem words (nails, gel) outweigh one service word (color).
  const fit = problemFit(business, norm);
  const only = fit.services.length === 1 ? fit.services[0] : undefined;
  const service = named && only && only.id !== named.id && fit.score >= 2 && !problemFit({ ...business, services: [named] }, norm).score ? only : named;
  const faqHit = matchFaqScored(business, norm);
  const faq = faqHit?.faq ?? null;
  if (faq) intents.add("faq");
  const afterMessage = RE.message.exec(norm);
  const rest = afterMessage ? norm.slice(afterMessage.index + afterMessage[0].length) : "";
  // "…I need to move it, could someone call me back?": what came before the request is the message too.
  const before = afterMessage ? norm.slice(0, afterMessage.index) : "";
  const messageBody =
    (rest.split(" ").filter(Boolean).length >= 3 && /\b(about|because|regarding|my|our|is|are|was|need)\b/.test(rest)) ||
    (before.split(" ").filter(Boolean).length >= 6 && /\b(need|needs|have|has|got|about|because|my|our)\b/.test(before));
  let ordinal: number | null = null;
  const raw = text
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  for (const [re, n] of ORDINAL_CHOICE) {
    if (re.test(raw)) {
      ordinal = n;
      break;
    }
  }
  const question = QUESTION_SHAPE.test(text.toLowerCase().trim()) || QUESTION_SHAPE.test(norm);
  const digits = spokenDigits(text);
  const faqScore = faqHit?.score ?? 0;
  return {
    text,
    norm,
    intents,
    service,
    staff: matchStaff(business, norm),
    when: extractWhen(norm, business.timezone, now, { ...opts, business }),
    phone: extractPhone(text, business.country),
    faqAnswer: faq?.answer ?? null,
    faqQuestion: faq?.question ?? null,
    faqByKeyword: faqScore >= 3,
    faqStrong: (faqHit?.keywords ?? 0) >= 2 || (question && (faqScore >= 3 || (faqHit?.coverage ?? 0) >= 0.75)),
    messageBody,
    ordinal,
    emergency: isEmergency(business, norm),
    problemServices: service ? [] : servicesForProblem(business, norm),
    correction: CORRECTION.test(norm),
    introduced: introducedName(text),
    question,
    digits,
    nameWithNumber: nameBeforeNumber(text, digits),
  };
}

/**
 * The caller's name in the words that open a task: introduced firmly ("this is…", "my name is…"),
 * "it's Jane Back" at the start of the words, or said with the number ("Jane Back, 212 555 0142").
 */
export function openingName(u: Understanding): string | null {
  if (u.introduced?.firm) return u.introduced.name;
  if (u.introduced && /^\W*((hi|hello|hey|yeah|yes|oh|um|so)\W+)*(it's|it is)\b/i.test(u.text)) return u.introduced.name;
  return u.nameWithNumber;
}

/** Where one name gives way to another: "Jon, John with an h, John Pratt", "Stephanie… actually, Stephanie Cole". */
const NAME_BREAK = /,|;|\.\s|\b(?:actually|i mean|no|sorry|wait|or rather|rather)\b/i;

/**
 * The name a caller settles on when they correct it as they speak: the last name said ("It's
 * Stephanie, actually put it under Stephanie Cole" → Stephanie Cole); "last name Nguyen … first name
 * Linh" → Linh Nguyen. Null when no part of the words is a name.
 */
export function lastNameSaid(text: string): string | null {
  const last = /\blast name(?: is|'s)? ([a-z'-]+)/i.exec(text);
  const first = /\bfirst name(?: is|'s)? ([a-z'-]+)/i.exec(text);
  if (last && first && plausibleName([first[1]!.toLowerCase(), last[1]!.toLowerCase()]))
    return titleCase(`${first[1]!.toLowerCase()} ${last[1]!.toLowerCase()}`);
  const parts = text.split(NAME_BREAK).filter((p): p is string => !!p && /[a-z]/i.test(p));
  if (parts.length < 2) return null;
  const names = parts.map((p) => extractName(p, true)).filter((n): n is string => n !== null);
  return names.at(-1) ?? null;
}
