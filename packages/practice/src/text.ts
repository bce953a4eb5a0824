/**
 * Word-level text helpers shared by the prospect engine and scoring. Both read what the rep said
 * either as typed text (punctuated) or as a recogniser's transcript (lowercase, no punctuation), so
 * everything here works on normalised words and never relies on punctuation alone.
 */

const SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
const TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/** 0–9999 in words ("two thousand five hundred"); larger numbers digit by digit. */
function numberToWords(n: number): string {
  if (n < 10) return SMALL[n] as string;
  if (n < 20) return TEENS[n - 10] as string;
  if (n < 100) return `${TENS[Math.floor(n / 10)]}${n % 10 ? ` ${SMALL[n % 10]}` : ""}`;
  if (n < 1000) return `${SMALL[Math.floor(n / 100)]} hundred${n % 100 ? ` ${numberToWords(n % 100)}` : ""}`;
  if (n < 10000) return `${numberToWords(Math.floor(n / 1000))} thousand${n % 1000 ? ` ${numberToWords(n % 1000)}` : ""}`;
  return String(n)
    .split("")
    .map((d) => SMALL[Number(d)])
    .join(" ");
}

/**
 * Lowercase words separated by single spaces: numbers spelled out (a transcript says "two", typed text
 * says "2"), punctuation dropped, in-word apostrophes kept ("don't").
 */
export function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/&/g, " and ")
    .replace(/(\d),(\d{3})/g, "$1$2")
    .replace(/\d+/g, (m) => ` ${numberToWords(Number(m))} `)
    .replace(/[^a-z' ]+/g, " ")
    .replace(/(^|\s)'+|'+(?=\s|$)/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

export const words = (text: string): string[] => {
  const n = normalize(text);
  return n ? n.split(" ") : [];
};

/** A crude stem so "integrations" meets "integration" and "contracts" meets "contract". */
function stem(word: string): string {
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith("ed")) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith("es") && !word.endsWith("ses")) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

/** Words that carry no meaning of their own in a phrase; ignored when phrases are matched by overlap. */
const STOP = new Set(
  (
    "a an the and or but so to of in on at for with about from by as is are was were be been am it its it's this that these those " +
    "i me my we us our you your they them their he she his her do does did can could would will should may might " +
    "just really very if then than there here what which who how when where why not no yes okay ok um uh"
  ).split(" "),
);

/** What a phrase has to offer a match: its normalised form and its content words' stems. */
export interface PhraseKey {
  norm: string;
  content: string[];
}

export function phraseKey(phrase: string): PhraseKey {
  const norm = normalize(phrase);
  const all = norm ? norm.split(" ") : [];
  const content = all.filter((w) => !STOP.has(w)).map(stem);
  return { norm, content: content.length > 0 ? [...new Set(content)] : all.map(stem) };
}

/** Normalised text and the stems of its words, built once per utterance and matched against many phrases. */
export interface Utterance {
  norm: string;
  stems: Set<string>;
}

export function utterance(text: string): Utterance {
  const norm = normalize(text);
  return { norm, stems: new Set(norm ? norm.split(" ").map(stem) : []) };
}

/**
 * Does the utterance contain the phrase? Exact words in order, or — since people never say a phrase
 * quite as written — its content words in any order: all of them for up to three, three in four
 * for longer phrases ("we're SOC two audited every year" matches "audited every year SOC two").
 */
export function mentions(u: Utterance, phrase: string | PhraseKey): boolean {
  const key = typeof phrase === "string" ? phraseKey(phrase) : phrase;
  if (!key.norm) return false;
  if (` ${u.norm} `.includes(` ${key.norm} `)) return true;
  const present = key.content.filter((w) => u.stems.has(w)).length;
  const needed = key.content.length <= 3 ? key.content.length : Math.ceil(key.content.length * 0.75);
  return present >= needed;
}

/** Sentences of a text: split at ., ? and ! (a transcript without punctuation is one sentence). */
export function sentences(text: string): { text: string; question: boolean }[] {
  const out: { text: string; question: boolean }[] = [];
  for (const m of text.matchAll(/[^.?!]+[.?!]*/g)) {
    const s = m[0].trim();
    if (/[a-z0-9]/i.test(s)) out.push({ text: s, question: s.includes("?") });
  }
  return out;
}

/** Insults, profanity and dismissals a prospect would not take. */
const RUDE =
  /\b(shut up|shut it|idiot|idiots|stupid|moron|morons|dumb|dumbass|fuck\w*|f off|shit\w*|bullshit|screw you|go to hell|piss off|bitch|bastard|asshole|arsehole|jerk|loser|get lost|are you deaf|clown|useless)\b/;

/** Is the rep being rude? */
export const isRude = (text: string): boolean => RUDE.test(normalize(text));

/** Open questions invite an answer in the prospect's own words; closed ones a yes, a no or a fact. */
const OPEN_START = /^(what|what's|whats|how|how's|why|tell me|walk me through|describe|explain|help me understand|talk me through|in what way)\b/;
const CLOSED_START =
  /^(do|does|did|is|isn't|are|aren't|can|could|will|would|won't|have|has|had|should|shall|may|was|were|who|when|where|which|am|any chance)\b/;
const LEADING =
  /^((so|and|but|okay|ok|great|well|right|now|then|just|also|alright|and so|i'm curious|curious|quick question|one more thing|out of interest)\s+)+/;
const OPEN_INSIDE =
  /\b(tell me|walk me through|talk me through|how (do|does|did|are|is|would|will|can|could|much|many|often|long)|what (are|is|was|were|does|do|did|would|will|happens|happened|kind)|what's|why|describe)\b/;
const CLOSED_INSIDE = /\b(do you|does it|does that|are you|is it|is there|is that|can you|can we|could you|could we|would you|will you|did you|have you)\b/;

export type QuestionKind = "open" | "closed";

/**
 * The questions in what the rep said, each open or closed. A punctuated sentence is a question when it
 * ends in "?" or starts like one; an unpunctuated transcript counts at most one question, found inside.
 */
export function questions(text: string): { text: string; kind: QuestionKind }[] {
  const out: { text: string; kind: QuestionKind }[] = [];
  const punctuated = /[.?!]/.test(text);
  for (const s of sentences(text)) {
    // "we are, you know, the best" is not "are you…?"
    const n = normalize(s.text)
      .replace(/(?<!\b(do|did|don't)) you know\b/g, "")
      .replace(/\s+/g, " ")
      .trim()
      .replace(LEADING, "");
    if (OPEN_START.test(n)) out.push({ text: s.text, kind: "open" });
    else if (CLOSED_START.test(n) && (s.question || !punctuated)) out.push({ text: s.text, kind: "closed" });
    else if (s.question) out.push({ text: s.text, kind: OPEN_INSIDE.test(n) ? "open" : "closed" });
    else if (!punctuated && OPEN_INSIDE.test(n)) out.push({ text: s.text, kind: "open" });
    else if (!punctuated && CLOSED_INSIDE.test(n)) out.push({ text: s.text, kind: "closed" });
  }
  return out;
}

/** Filler words and phrases; "like", "kind of" and "sort of" only where they carry no meaning. */
export function countFillers(text: string): number {
  // Commas matter for "like" ("it was, like, huge"), so look at the raw text before normalising.
  const marked = text.toLowerCase().replace(/,\s*like\s*,/g, " um ");
  const w = words(marked);
  let n = 0;
  for (let i = 0; i < w.length; i++) {
    const word = w[i] as string;
    const prev = w[i - 1] ?? "";
    const next = w[i + 1] ?? "";
    if (word === "um" || word === "uh" || word === "erm" || word === "er" || word === "umm" || word === "uhh") n++;
    else if (word === "basically" || word === "actually" || word === "literally") n++;
    else if (word === "you" && next === "know" && !/^(do|did|don't|if|as|would|will|you'd|let|to)$/.test(prev)) {
      if (!/^(what|how|if|that|the|whether|who|when|where|about|why|which)$/.test(w[i + 2] ?? "")) n++;
      i++;
    } else if (word === "i" && next === "mean" && (i === 0 || /^(um|uh|so|and|but|like)$/.test(prev))) {
      n++;
      i++;
    } else if (
      (word === "kind" || word === "sort") &&
      next === "of" &&
      !/^(what|which|this|that|the|a|any|some|one|same|every|no|of|right|your|our)$/.test(prev)
    ) {
      n++;
      i++;
    } else if (word === "like" && (i === 0 || /^(um|uh|so|and|but|just|was|were|er|erm|basically|actually)$/.test(prev)) && !/^(to|that|this|it)$/.test(next))
      n++;
  }
  return n;
}
