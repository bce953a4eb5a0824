import type { DateTime } from "luxon";
import { WEEKDAYS } from "@orbis/contracts";
import type { BusinessConfig, Faq, OpeningInterval, Service } from "@orbis/contracts";
import { openingIntervalsOn } from "./availability.ts";

export type InfoTopic = "hours" | "prices" | "location" | "services" | "contact" | "faq";

const DAY_NAMES: Record<string, string> = { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" };

/** "9 AM", "5:30 PM", "noon" — how a receptionist says a time. */
export function spokenClock(hhmm: string): string {
  if (hhmm === "24:00" || hhmm === "00:00") return "midnight";
  if (hhmm === "12:00") return "noon";
  const [h = 0, m = 0] = hhmm.split(":").map(Number);
  const suffix = h < 12 ? "AM" : "PM";
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return m === 0 ? `${h12} ${suffix}` : `${h12}:${String(m).padStart(2, "0")} ${suffix}`;
}

export function spokenTime(dt: DateTime): string {
  return spokenClock(dt.toFormat("HH:mm"));
}

/** "Tuesday, March 10". */
export function spokenDate(dt: DateTime): string {
  return dt.toFormat("cccc, LLLL d");
}

/** Day name relative to now when close: "today", "tomorrow", else "Tuesday, March 10". */
export function spokenDay(dt: DateTime, now: DateTime): string {
  const days = Math.round(dt.startOf("day").diff(now.startOf("day"), "days").days);
  if (days === 0) return "today";
  if (days === 1) return "tomorrow";
  return spokenDate(dt);
}

export function spokenList(items: readonly string[], joiner = "and"): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} ${joiner} ${items[items.length - 1]}`;
}

export function formatPrice(service: Service): string | null {
  if (service.priceCents === null) return null;
  const dollars = service.priceCents / 100;
  const amount = Number.isInteger(dollars) ? `$${dollars}` : `$${dollars.toFixed(2)}`;
  return service.priceIsFrom ? `starts at ${amount}` : `is ${amount}`;
}

function intervalsText(intervals: readonly OpeningInterval[]): string {
  return spokenList(intervals.map((i) => `${spokenClock(i.open)} to ${spokenClock(i.close)}`));
}

/** Weekly hours grouped into runs of equal days: "Monday to Friday 8 AM to 5 PM, Saturday 9 AM to 1 PM". */
export function describeWeeklyHours(business: BusinessConfig): string {
  const parts: string[] = [];
  let i = 0;
  while (i < WEEKDAYS.length) {
    const day = WEEKDAYS[i] as (typeof WEEKDAYS)[number];
    const text = intervalsText(business.hours[day]);
    let j = i;
    while (j + 1 < WEEKDAYS.length && intervalsText(business.hours[WEEKDAYS[j + 1] as (typeof WEEKDAYS)[number]]) === text) j++;
    if (text) {
      const first = DAY_NAMES[day] as string;
      const last = DAY_NAMES[WEEKDAYS[j] as string] as string;
      parts.push(i === j ? `${first} ${text}` : j === i + 1 ? `${first} and ${last} ${text}` : `${first} to ${last} ${text}`);
    }
    i = j + 1;
  }
  const closed = WEEKDAYS.filter((d) => business.hours[d].length === 0).map((d) => DAY_NAMES[d] as string);
  const open = parts.length ? `We're open ${spokenList(parts)}.` : "We don't have regular opening hours.";
  return closed.length ? `${open} We're closed ${spokenList(closed)}.` : open;
}

/** Hours on one date, holidays included: "On Thursday, December 24 we're open 9 AM to noon." */
export function describeDayHours(business: BusinessConfig, date: DateTime, now: DateTime): string {
  const iso = date.toISODate() as string;
  const { intervals, closure } = openingIntervalsOn(business, iso);
  const day = spokenDay(date, now);
  const holiday = business.closures.find((c) => c.date === iso)?.name;
  const onDay = day === "today" || day === "tomorrow" ? day : `on ${day}`;
  if (intervals.length === 0) return closure && holiday ? `We're closed ${onDay} for ${holiday}.` : `We're closed ${onDay}.`;
  const cap = onDay.charAt(0).toUpperCase() + onDay.slice(1);
  return `${cap} we're open ${intervalsText(intervals)}.`;
}

export function describeLocation(business: BusinessConfig): string | null {
  const a = business.address;
  if (!a) return null;
  const street = [a.line1, a.line2].filter(Boolean).join(", ");
  const place = [a.city, a.region].filter(Boolean).join(", ");
  const s = `We're at ${street} in ${place}.`;
  return a.directions ? `${s} ${a.directions}` : s;
}

export function describeServices(business: BusinessConfig): string {
  const names = business.services.filter((s) => s.bookable).map((s) => s.name.toLowerCase());
  return names.length ? `We offer ${spokenList(names)}.` : `Please ask and I'll see what I can do.`;
}

export function describePrice(service: Service): string {
  const p = formatPrice(service);
  return p ? `${service.name} ${p}.` : `The price of ${service.name.toLowerCase()} depends on the job; we'll give you a quote.`;
}

const STOP = new Set(
  "a an the is are do does you your we our i my me to of for on in at it and or what how when where can with about any there this that have has be".split(" "),
);
function contentWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, " ")
    .split(/\s+/)
    .filter((w) => w.length > 1 && !STOP.has(w))
    .map((w) => w.replace(/'s$/, "").replace(/(?<=[a-z]{3})s$/, ""));
}

interface FaqMatch {
  faq: Faq;
  score: number;
  keywords: number;
  coverage: number;
}

/** The FAQ whose keywords (or question words) best match the text; null when nothing clearly does. */
export function matchFaq(business: BusinessConfig, text: string): Faq | null {
  return matchFaqScored(business, text)?.faq ?? null;
}

/**
 * The keyword in the text; a keyword of several words also with one word between them ("come to" in
 * "come out to Evanston").
 */
function hasKeyword(lower: string, keyword: string): boolean {
  const k = keyword.toLowerCase();
  if (lower.includes(` ${k}`)) return true;
  const parts = k.split(/\s+/);
  if (parts.length < 2) return false;
  const escaped = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`\\s${escaped.join("\\s+(?:[a-z']+\\s+)?")}`).test(lower);
}

/**
 * A keyword hit scores 3, each shared content word of the question 1; at least 2 is a match.
 * `keywords`: how many of its keywords the text has; `coverage`: the share of the FAQ question's content
 * words the text has (1 = all of them).
 */
export function matchFaqScored(business: BusinessConfig, text: string): FaqMatch | null {
  const words = new Set(contentWords(text));
  const lower = ` ${text.toLowerCase()} `;
  let best: FaqMatch | null = null;
  for (const f of business.faqs) {
    const keywords = f.keywords.filter((k) => hasKeyword(lower, k)).length;
    const own = contentWords(f.question);
    const shared = own.filter((w) => words.has(w)).length;
    const score = keywords * 3 + shared;
    if (score > (best?.score ?? 0)) best = { faq: f, score, keywords, coverage: own.length ? shared / own.length : 0 };
  }
  return best && best.score >= 2 ? best : null;
}

export function answerQuestion(business: BusinessConfig, topic: InfoTopic, query: string): string | null {
  switch (topic) {
    case "hours":
      return describeWeeklyHours(business);
    case "location":
      return describeLocation(business);
    case "services":
      return describeServices(business);
    case "contact":
      return business.phone ? `You can reach us at ${business.phone}.` : null;
    case "prices": {
      const q = query.toLowerCase();
      const s = business.services.find((x) => q.includes(x.name.toLowerCase()) || x.synonyms.some((y) => q.includes(y.toLowerCase())));
      if (s) return describePrice(s);
      const priced = business.services.filter((x) => x.priceCents !== null).slice(0, 4);
      return priced.length ? priced.map(describePrice).join(" ") : null;
    }
    case "faq": {
      const f = matchFaq(business, query);
      return f ? f.answer : null;
    }
  }
}
