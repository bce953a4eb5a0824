import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mulberry32 } from "@orbis/voice";
import type { PhraseSpec } from "@orbis/voice";
import { CMUDICT_PATH } from "./pocketsphinx-lib.ts";

/** Bump when the corpus or LM recipe changes so cached models are rebuilt. */
const LM_VERSION = 3;

/** An answer model's corpus: the whole domain corpus plus the expected answers, repeated to this share of it. */
const ANSWER_SHARE = 1;

export interface DomainLmOptions {
  /** Where `<hash>/domain.lm` and `<hash>/domain.dict` are written. */
  cacheDir: string;
  /** Upper bound on generated sentences (default 20 000). */
  maxSentences?: number;
  /** Pronunciations (ARPAbet, e.g. "N W IH N") for words cmudict lacks: staff names, brand names. */
  pronunciations?: Record<string, string>;
  dictPath?: string;
  seed?: number;
  /** Expected answers' share of an answer model's corpus, relative to the domain corpus (default 1: as many sentences). */
  answerShare?: number;
}

export interface DomainLm {
  lmPath: string;
  dictPath: string;
  key: string;
  words: number;
  sentences: number;
  /** Words cmudict has no pronunciation for; sentences containing them were left out of the corpus. */
  missingWords: string[];
  cached: boolean;
  /** One model per key of the spec's `answers` (same dictionary), weighted toward those answers. */
  answerLms: Record<string, string>;
}

const DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

/** Lower-cases, spells digits one by one and keeps only letters and apostrophes. */
export function normalizeSentence(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[0-9]/g, (d) => ` ${DIGITS[Number(d)]} `)
    .replace(/&/g, " and ")
    .replace(/[^a-z' ]+/g, " ")
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ""))
    .filter((w) => w.length > 0);
}

/**
 * Expands `{slot}` templates into sentences. Every value of every slot appears at least once per
 * template (round robin); the rest of each template's share is sampled with a seeded PRNG, so the
 * corpus, and the LM built from it, are reproducible.
 */
export function expandCorpus(spec: PhraseSpec, maxSentences = 20_000, seed = 1): string[] {
  const random = mulberry32(seed);
  const out: string[] = [];
  const perTemplate = Math.max(1, Math.floor(maxSentences / Math.max(1, spec.templates.length)));
  for (const template of spec.templates) {
    // Each placeholder is drawn independently: "{d} {d} {d}" is three digits, not one digit thrice.
    const slots = [...template.matchAll(/\{(\w+)\}/g)].map((m) => {
      const values = spec.slots[m[1]!];
      if (!values) throw new Error(`template "${template}" uses unknown slot {${m[1]}}`);
      return values;
    });
    // A business without staff (or services, …) has an empty slot: those phrasings cannot occur.
    if (slots.some((values) => values.length === 0)) continue;
    const combos = slots.reduce((n, values) => n * values.length, 1);
    const exhaustive = combos <= perTemplate;
    const count = exhaustive ? combos : Math.max(perTemplate, ...slots.map((v) => v.length));
    for (let k = 0; k < count; k++) {
      let rest = k;
      let position = 0;
      out.push(
        template.replace(/\{(\w+)\}/g, () => {
          const values = slots[position++]!;
          let index: number;
          if (exhaustive) {
            // Mixed-radix counter over the placeholders.
            index = rest % values.length;
            rest = Math.floor(rest / values.length);
          } else index = k < values.length ? k : Math.floor(random() * values.length);
          return values[index]!;
        }),
      );
    }
  }
  return out;
}

let cmudict: Map<string, string[]> | undefined;

/** cmudict word → pronunciations (alternates `word(2)` folded in). Parsed once per process (~134k words). */
export function loadCmudict(path = CMUDICT_PATH): Map<string, string[]> {
  if (cmudict && path === CMUDICT_PATH) return cmudict;
  const dict = new Map<string, string[]>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const space = line.indexOf(" ");
    if (space <= 0) continue;
    const word = line.slice(0, space).replace(/\(\d+\)$/, "");
    const phones = line
      .slice(space + 1)
      .replace(/#.*$/, "")
      .trim();
    const list = dict.get(word);
    if (list) list.push(phones);
    else dict.set(word, [phones]);
  }
  if (path === CMUDICT_PATH) cmudict = dict;
  return dict;
}

type Counts = Map<string, number>;
const bump = (m: Counts, key: string): void => void m.set(key, (m.get(key) ?? 0) + 1);

/** Absolute-discount constant from count-of-counts (Ney's estimate), kept in a sane range. */
function discount(counts: Counts): number {
  let n1 = 0;
  let n2 = 0;
  for (const c of counts.values()) {
    if (c === 1) n1++;
    else if (c === 2) n2++;
  }
  const d = n1 + 2 * n2 > 0 ? n1 / (n1 + 2 * n2) : 0.5;
  return Math.min(0.9, Math.max(0.1, d));
}

const log10 = (p: number): string => (p > 0 ? Math.log10(p).toFixed(6) : "-99");

/**
 * A trigram ARPA model with absolute discounting and Katz-style backoff: seen n-grams keep
 * (c − D)/c(h); the freed mass goes to the lower order, normalised over the unseen continuations.
 */
export function buildArpa(sentences: readonly string[][]): string {
  const uni: Counts = new Map();
  const bi: Counts = new Map();
  const tri: Counts = new Map();
  for (const words of sentences) {
    const s = ["<s>", ...words, "</s>"];
    for (let i = 0; i < s.length; i++) {
      bump(uni, s[i]!);
      if (i >= 1) bump(bi, `${s[i - 1]} ${s[i]}`);
      if (i >= 2) bump(tri, `${s[i - 2]} ${s[i - 1]} ${s[i]}`);
    }
  }
  const total = [...uni].reduce((n, [w, c]) => (w === "<s>" ? n : n + c), 0);
  const p1 = new Map<string, number>();
  for (const [w, c] of uni) p1.set(w, w === "<s>" ? 0 : c / total);

  const d2 = discount(bi);
  const d3 = discount(tri);
  const histCount2: Counts = new Map();
  const histCount3: Counts = new Map();
  const follow2 = new Map<string, string[]>();
  const follow3 = new Map<string, string[]>();
  for (const [key, c] of bi) {
    const [h, w] = key.split(" ") as [string, string];
    histCount2.set(h, (histCount2.get(h) ?? 0) + c);
    (follow2.get(h) ?? follow2.set(h, []).get(h)!).push(w);
  }
  for (const [key, c] of tri) {
    const cut = key.lastIndexOf(" ");
    const h = key.slice(0, cut);
    histCount3.set(h, (histCount3.get(h) ?? 0) + c);
    (follow3.get(h) ?? follow3.set(h, []).get(h)!).push(key.slice(cut + 1));
  }
  const p2 = new Map<string, number>();
  for (const [key, c] of bi) p2.set(key, (c - d2) / histCount2.get(key.slice(0, key.indexOf(" ")))!);
  const bow1 = new Map<string, number>();
  for (const [h, ws] of follow2) {
    let seen = 0;
    let lower = 0;
    for (const w of ws) {
      seen += p2.get(`${h} ${w}`)!;
      lower += p1.get(w)!;
    }
    bow1.set(h, (1 - seen) / Math.max(1e-9, 1 - lower));
  }
  const p3 = new Map<string, number>();
  for (const [key, c] of tri) p3.set(key, (c - d3) / histCount3.get(key.slice(0, key.lastIndexOf(" ")))!);
  const bow2 = new Map<string, number>();
  for (const [h, ws] of follow3) {
    const v = h.slice(h.indexOf(" ") + 1);
    let seen = 0;
    let lower = 0;
    for (const w of ws) {
      seen += p3.get(`${h} ${w}`)!;
      lower += p2.get(`${v} ${w}`)!;
    }
    bow2.set(h, (1 - seen) / Math.max(1e-9, 1 - lower));
  }

  const lines = ["\\data\\", `ngram 1=${uni.size}`, `ngram 2=${bi.size}`, `ngram 3=${tri.size}`, "", "\\1-grams:"];
  for (const w of [...uni.keys()].sort()) {
    const bow = bow1.get(w);
    lines.push(`${log10(p1.get(w)!)} ${w}${bow !== undefined ? ` ${log10(bow)}` : ""}`);
  }
  lines.push("", "\\2-grams:");
  for (const key of [...bi.keys()].sort()) {
    const bow = bow2.get(key);
    lines.push(`${log10(p2.get(key)!)} ${key}${bow !== undefined ? ` ${log10(bow)}` : ""}`);
  }
  lines.push("", "\\3-grams:");
  for (const key of [...tri.keys()].sort()) lines.push(`${log10(p3.get(key)!)} ${key}`);
  lines.push("", "\\end\\", "");
  return lines.join("\n");
}

/** Key of the cached model: the spec, the recipe version and the options that change the output. */
export function domainLmKey(spec: PhraseSpec, options: Pick<DomainLmOptions, "maxSentences" | "pronunciations" | "seed" | "answerShare"> = {}): string {
  const payload = JSON.stringify({
    v: LM_VERSION,
    spec,
    max: options.maxSentences ?? 20_000,
    pr: options.pronunciations ?? {},
    seed: options.seed ?? 1,
    share: options.answerShare ?? ANSWER_SHARE,
  });
  return createHash("sha256").update(payload).digest("hex").slice(0, 16);
}

/**
 * Builds (or reuses from `cacheDir`) an agent's domain language model and matching dictionary
 * subset. Words missing from cmudict and from `pronunciations` cannot be recognised: sentences
 * containing them are dropped from the corpus and the words are reported in `missingWords`.
 */
export function buildDomainLm(spec: PhraseSpec, options: DomainLmOptions): DomainLm {
  const key = domainLmKey(spec, options);
  const dir = join(options.cacheDir, key);
  const lmPath = join(dir, "domain.lm");
  const dictPath = join(dir, "domain.dict");
  const metaPath = join(dir, "meta.json");
  const answerNames = Object.keys(spec.answers ?? {}).filter((name) => /^[a-z_]+$/.test(name));
  // Expectations with the same answers ("date" and "time") share one model file.
  const templatesOf = (name: string) => JSON.stringify(spec.answers![name as keyof typeof spec.answers]);
  const ownerOf = (name: string) => answerNames.find((n) => templatesOf(n) === templatesOf(name))!;
  const answerLms = Object.fromEntries(answerNames.map((name) => [name, join(dir, `answer-${ownerOf(name)}.lm`)]));
  if (existsSync(lmPath) && existsSync(dictPath) && existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, "utf8")) as Omit<DomainLm, "lmPath" | "dictPath" | "cached" | "key" | "answerLms">;
    return { ...meta, key, lmPath, dictPath, cached: true, answerLms };
  }
  const dict = loadCmudict(options.dictPath);
  const extra = new Map(Object.entries(options.pronunciations ?? {}).map(([w, p]) => [w.toLowerCase(), p.trim().toUpperCase()]));
  const missing = new Set<string>();
  const pronounceable = (sentences: string[]): string[][] => {
    const out: string[][] = [];
    for (const sentence of sentences) {
      const words = normalizeSentence(sentence);
      if (words.length === 0) continue;
      const unknown = words.filter((w) => !dict.has(w) && !extra.has(w));
      if (unknown.length > 0) unknown.forEach((w) => missing.add(w));
      else out.push(words);
    }
    return out;
  };
  const kept = pronounceable(expandCorpus(spec, options.maxSentences, options.seed));
  if (kept.length === 0) throw new Error("no sentence of the phrase spec could be pronounced; add pronunciations");
  const answers = answerNames
    .filter((name) => ownerOf(name) === name)
    .map((name) => {
      const own = pronounceable(
        expandCorpus({ templates: spec.answers![name as keyof typeof spec.answers]!, slots: spec.slots }, options.maxSentences, options.seed),
      );
      const repeat = own.length > 0 ? Math.max(1, Math.round(((options.answerShare ?? ANSWER_SHARE) * kept.length) / own.length)) : 0;
      return { name, sentences: [...kept, ...Array.from({ length: repeat }, () => own).flat()] };
    });
  const vocab = [...new Set([...kept.flat(), ...answers.flatMap((a) => a.sentences.flat())])].sort();
  const dictLines: string[] = [];
  for (const w of vocab) {
    const prons = extra.has(w) ? [extra.get(w)!] : dict.get(w)!;
    prons.forEach((phones, i) => dictLines.push(`${i === 0 ? w : `${w}(${i + 1})`} ${phones}`));
  }
  mkdirSync(dir, { recursive: true });
  const meta = { words: vocab.length, sentences: kept.length, missingWords: [...missing].sort() };
  // Write then rename so a concurrent reader never sees a half-written model.
  const tmp = `.${process.pid}.tmp`;
  writeFileSync(lmPath + tmp, buildArpa(kept));
  for (const a of answers) {
    writeFileSync(answerLms[a.name] + tmp, buildArpa(a.sentences));
    renameSync(answerLms[a.name] + tmp, answerLms[a.name]!);
  }
  writeFileSync(dictPath + tmp, dictLines.join("\n") + "\n");
  writeFileSync(metaPath + tmp, JSON.stringify(meta));
  renameSync(lmPath + tmp, lmPath);
  renameSync(dictPath + tmp, dictPath);
  renameSync(metaPath + tmp, metaPath);
  return { ...meta, key, lmPath, dictPath, cached: false, answerLms };
}
