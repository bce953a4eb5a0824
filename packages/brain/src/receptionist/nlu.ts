import * as chrono from "chrono-node";
import { DateTime } from "luxon";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { CountryCode } from "libphonenumber-js";
import type { BusinessConfig, Service, Staff } from "@orbis/contracts";
import { matchFaqScored } from "../knowledge.ts";
import type { PartOfDay } from "../tools/builtins.ts";

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
  /** The FAQ matched on one of its keywords, not only on shared words. */
  faqByKeyword: boolean;
  /** The words carry a message of their own beyond "please call me back". */
  messageBody: boolean;
  ordinal: number | null;
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
    .join("|")})\\b(?! (available|one|option|time|slot|thing|opening|appointment|visit))`,
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
  s = s.replace(SPOKEN_TIME, (m: string, h: string, min?: string) => {
    const hour = UNITS[h];
    if (hour === undefined) return m;
    if (!min) return String(hour);
    const mm = MINUTES[min];
    return mm === undefined ? m : mm === "00" ? `${hour} o'clock` : `${hour}:${mm}`;
  });
  return s.replace(/\s+/g, " ").trim();
}

function has(re: RegExp, s: string): boolean {
  return re.test(s);
}

const RE = {
  transfer:
    /\b(human|real person|live person|representative|operator|manager|owner|transfer me|front desk)\b|\b(talk|speak|speaking|talking) (to|with) (a |an |the |some |your )?(person|someone|somebody|human|people|staff|receptionist|agent|dentist|doctor|dr|technician|tech|mechanic|stylist|anyone|anybody)\b/,
  reschedule:
    /\b(reschedul\w*|re schedul\w*|move (my|the|it|our)|change (my|the) (appointment|booking|time|day)|push (it|my|the)\b|postpone|different (day|time))/,
  cancel: /\bcancel\w*|\bcall off\b/,
  book: /\b(book\w*|schedul\w*|appointment|reserv\w*|come in|get in|availability|available|openings?|any (time|slots?|room)|make an? (appointment|booking|reservation)|come out|send (someone|somebody|a tech\w*)|fit me in)\b/,
  bookWeak:
    /\b(set up|need (a|an|my|someone|to get|somebody|new)|want (a|an|to get|my)|like (a|an|to get|to come|my)|get (a|an|my)|looking for|needs? (a|an|new|my))\b/,
  hours: /\b(hours|open|opening time|close|closing|closed)\b/,
  prices: /\b(price\w*|cost\w*|how much|charge|fee|fees|rates?|expensive|cheap|quote)\b/,
  location: /\b(where|address|located|location|directions|how do i get|find you)\b/,
  services: /\b(what (services|do you (do|offer|fix|repair))|services|do you (do|offer|fix|repair|handle|work on|treat)|what kind)\b/,
  message: /\b(leave a message|take a message|message|call me back|callback|call back|have (him|her|them|someone|somebody) call|pass (it|this|that) on)\b/,
  goodbye: /\b(bye|goodbye|good bye|that's all|that is all|that's it|nothing else|i'm good|im good|i'm all set|all set|have a (good|nice|great))\b/,
  thanks: /\b(thanks|thank you|thank)\b/,
  repeat: /\b(repeat|say that again|come again|pardon|what did you say)\b/,
  yes: /^(yes|yeah|yea|yep|yup|sure|correct|right|that's right|that is right|ok|okay|sounds good|perfect|great|please do|go ahead|absolutely|definitely|of course|that works|works for me|that's fine|fine|do it|book it|uh huh|affirmative)\b/,
  no: /^(no|nope|nah|not really|negative|wrong|incorrect|that's wrong|that's not right|actually|don't|do not)\b/,
  firstAvailable: /\b(first available|earliest|soonest|as soon as possible|asap|next available|whenever|any ?time|any day)\b/,
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

function matchService(business: BusinessConfig, norm: string): Service | null {
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
  [/\b(morning|am)\b/, "morning"],
  [/\b(afternoon|after lunch|lunchtime|lunch time)\b/, "afternoon"],
  [/\b(evening|tonight|after work|late)\b/, "evening"],
];

/** Date, time and part of day in the business time zone. */
export function extractWhen(norm: string, zone: string, now: Date, opts: { bareNumberIsTime?: boolean } = {}): When {
  const local = DateTime.fromJSDate(now, { zone });
  // chrono reads the reference in the process's zone: hand it the business wall clock as local time.
  const ref = new Date(local.year, local.month - 1, local.day, local.hour, local.minute);
  const out: When = {};
  for (const [re, part] of PART_OF_DAY) {
    if (re.test(norm) && !/\b\d{1,2}(:\d\d)? ?am\b/.test(norm)) {
      out.partOfDay = part;
      break;
    }
  }
  const results = chrono.casual.parse(norm, ref, { forwardDate: true });
  for (const r of results) {
    const c = r.start;
    if (!out.date && (c.isCertain("day") || c.isCertain("weekday"))) {
      out.date = DateTime.fromObject({ year: c.get("year") ?? local.year, month: c.get("month") ?? 1, day: c.get("day") ?? 1 }, { zone }).toISODate() as string;
    }
    if (!out.time && c.isCertain("hour")) {
      let h = c.get("hour") ?? 0;
      const m = c.get("minute") ?? 0;
      if (!c.isCertain("meridiem") && h >= 1 && h <= 7) h += 12;
      out.time = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
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
    const m = norm.split(" ").length <= 6 ? /(?:^|\s)(\d{1,2})(?::(\d{2}))?\s*(am|pm)?(?=\s|$)/.exec(norm) : null;
    if (m) {
      let h = Number(m[1]);
      const min = Number(m[2] ?? 0);
      if (m[3] === "pm" && h < 12) h += 12;
      else if (!m[3] && h >= 1 && h <= 7) h += 12;
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

function titleCase(s: string): string {
  return s
    .split(" ")
    .map((w) => (w ? w.charAt(0).toUpperCase() + w.slice(1) : w))
    .join(" ");
}

/** A person's name: "my name is Jane Smith", "it's Jane", or a bare "Jane Smith" when we just asked. */
export function extractName(text: string, asked: boolean): string | null {
  const t = text
    .toLowerCase()
    .replace(/[^a-z' -]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const m = /\b(?:my name is|my name's|name is|this is|it's|it is|i'm|i am|call me|under)\s+([a-z' -]+)$/.exec(t);
  let cand = m?.[1] ?? (asked ? t : null);
  if (!cand) return null;
  cand = cand.replace(/\b(please|thanks|thank you)\b/g, "").trim();
  const parts = cand.split(" ").filter(Boolean);
  if (parts.length === 0 || parts.length > 4) return null;
  if (parts.every((p) => NAME_STOP.has(p))) return null;
  if (parts.some((p) => ["book", "cancel", "appointment", "reschedule", "hours", "price"].includes(p))) return null;
  return titleCase(parts.filter((p) => !NAME_STOP.has(p) || parts.length === 1).join(" "));
}

/** Checked on the raw words: "the second one" is a choice among offered times, not the 2nd of the month. */
const ORDINAL_CHOICE: Array<[RegExp, number]> = [
  [/\b(first|1st|earlier|earliest) (one|option|time|slot)\b|^(the )?first$/, 0],
  [/\b(second|2nd|middle) (one|option|time|slot)\b|^(the )?(second|middle)$/, 1],
  [/\b(third|3rd) (one|option|time|slot)\b|^(the )?third$/, 2],
  [/\b(last|later|latest) (one|option|time|slot)\b|^(the )?(last|latest)$/, -1],
];

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
  if (has(RE.goodbye, norm)) intents.add("goodbye");
  if (has(RE.thanks, norm)) intents.add("thanks");
  if (has(RE.repeat, norm)) intents.add("repeat");
  if (has(RE.firstAvailable, norm)) intents.add("first_available");
  const yn = yesNo(norm);
  if (yn) intents.add(yn);
  const service = matchService(business, norm);
  const faqHit = matchFaqScored(business, norm);
  const faq = faqHit?.faq ?? null;
  if (faq) intents.add("faq");
  const afterMessage = RE.message.exec(norm);
  const rest = afterMessage ? norm.slice(afterMessage.index + afterMessage[0].length) : "";
  const messageBody = rest.split(" ").filter(Boolean).length >= 3 && /\b(about|because|regarding|my|our|is|are|was|need)\b/.test(rest);
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
  return {
    text,
    norm,
    intents,
    service,
    staff: matchStaff(business, norm),
    when: extractWhen(norm, business.timezone, now, opts),
    phone: extractPhone(text, business.country),
    faqAnswer: faq?.answer ?? null,
    faqByKeyword: (faqHit?.score ?? 0) >= 3,
    messageBody,
    ordinal,
  };
}
