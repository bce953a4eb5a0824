import type { Objection, PersonaDto, PracticeScore, PracticeTurn, ScenarioDto } from "@orbis/contracts";
import { nextStepPhrases } from "./prospect.ts";
import {
  countFillers,
  isRude,
  mentions,
  normalize,
  phraseKey,
  questions,
  sentences,
  utterance,
  words,
  type PhraseKey,
  type QuestionKind,
  type Utterance,
} from "./text.ts";

export interface ScoreInput {
  turns: PracticeTurn[];
  persona: PersonaDto;
  scenario: ScenarioDto;
  durationSec: number;
  /** The session's end reason (`next_step` means the prospect agreed to the next step). */
  endReason: string | null;
}

type Metrics = PracticeScore["metrics"];
type Item = PracticeScore["items"][number];

/** What a good call looks like on the built-in items. */
const TALK_RATIO_BEST = [0.4, 0.6] as const;
const PACE_BEST = [120, 170] as const;
const OPEN_QUESTIONS_WANTED = 3;
const FILLERS_PER_MINUTE_OK = 2;
const MONOLOGUE_OK_SEC = 60;
/** Said by the prospect right after a next step was proposed: it agreed. */
const AGREES = /\b(send me the invite|send the invite|sounds good|works for me|let's do|that works|see you then|i'm in)\b/;

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const round = (x: number, digits = 0): number => Math.round(x * 10 ** digits) / 10 ** digits;
const clamp = (x: number): number => Math.max(0, Math.min(100, Math.round(x)));
const pct = (ratio: number): number => Math.round(ratio * 100);
const quote = (s: string): string => `“${s}”`;
/** Typed turns without timings: about 150 words a minute. */
const speechMsOf = (t: PracticeTurn): number => (t.speechMs > 0 ? t.speechMs : words(t.text).length * 400);

interface ObjectionOutcome {
  objection: Objection;
  raised: boolean;
  handled: boolean;
  /** The rep's words that handled it. */
  handledBy?: string;
}

/** Scores a finished session from its transcript and timings. Pure. */
export function scorePractice(input: ScoreInput): PracticeScore {
  const turns = [...input.turns].sort((a, b) => a.seq - b.seq);
  const rep = turns.filter((t) => t.speaker === "rep");
  const repMs = sum(rep.map(speechMsOf));
  const prospectMs = sum(turns.filter((t) => t.speaker === "prospect").map(speechMsOf));
  const repMinutes = repMs / 60_000;
  const repSentences = rep.flatMap((t) => sentences(t.text).map((s) => s.text));
  // Every utterance is normalised once and matched against many phrases.
  const said = turns.map((t) => utterance(t.text));
  const repSaid = repSentences.map((text) => ({ text, u: utterance(text) }));
  const asked = rep.flatMap((t) => questions(t.text));
  const monologue = longestMonologue(turns);
  const objections = replayObjections(turns, said, input.persona);
  const nextStep = nextStepOutcome(turns, said, input.scenario, input.endReason);
  const fillers = sum(rep.map((t) => countFillers(t.text)));
  const repWords = sum(rep.map((t) => words(t.text).length));

  const metrics: Metrics = {
    talkRatio: repMs + prospectMs > 0 ? round(repMs / (repMs + prospectMs), 2) : 0,
    longestMonologueSec: round(monologue.ms / 1000, 1),
    interruptionsByRep: turns.filter((t) => t.speaker === "prospect" && t.interrupted).length,
    interruptionsByProspect: rep.filter((t) => t.interrupted).length,
    questionsOpen: asked.filter((q) => q.kind === "open").length,
    questionsClosed: asked.filter((q) => q.kind === "closed").length,
    fillerPerMinute: repMinutes > 0 ? round(fillers / repMinutes, 1) : 0,
    wordsPerMinute: repMinutes > 0 ? Math.round(repWords / repMinutes) : 0,
    objectionsRaised: objections.filter((o) => o.raised).length,
    objectionsHandled: objections.filter((o) => o.handled).length,
    nextStepSecured: nextStep.secured,
  };

  const rubricItems = input.scenario.rubric.map((r) => rubricItem(r, repSaid));
  const rubricWeight = sum(input.scenario.rubric.map((r) => r.weight));
  // The five built-in items weigh as much together as the scenario's rubric.
  const builtInWeight = rubricWeight > 0 ? round(rubricWeight / 5, 2) : 20;
  const rude = repSentences.filter(isRude);
  const builtIns: Item[] = [
    listening(metrics, monologue.text, rep.length > 0, builtInWeight),
    questionItem(metrics, asked, builtInWeight),
    objectionItem(objections, builtInWeight),
    nextStepItem(nextStep, builtInWeight),
    delivery(metrics, rude, repSentences, repWords, builtInWeight),
  ];
  const items: Item[] = [...rubricItems, ...builtIns];
  const weighed = items.filter((i) => i.weight > 0);
  const totalWeight = sum(weighed.map((i) => i.weight));
  const overall = totalWeight > 0 ? clamp(sum(weighed.map((i) => i.score * i.weight)) / totalWeight) : 0;
  return {
    overall,
    metrics,
    items,
    coaching: coaching(weighed, { metrics, objections, nextStep, rude, input, builtIns: new Set(builtIns) }),
  };
}

/** The longest stretch of the rep talking with no prospect turn in between. */
function longestMonologue(turns: PracticeTurn[]): { ms: number; text: string } {
  let best = { ms: 0, text: "" };
  let run = { ms: 0, text: "" };
  for (const t of turns) {
    if (t.speaker === "prospect") {
      run = { ms: 0, text: "" };
      continue;
    }
    run = { ms: run.ms + speechMsOf(t), text: run.text ? `${run.text} ${t.text}` : t.text };
    if (run.ms > best.ms) best = run;
  }
  return best;
}

/**
 * Which of the persona's objections came up and which were handled. The offline prospect says an
 * objection's `raise` and `concession` lines word for word (or restates their first sentence), so the
 * prospect's turns show them; an LLM prospect paraphrases, so a rep turn that says what resolves an
 * objection after it was raised also counts as handling it.
 */
function replayObjections(turns: PracticeTurn[], said: Utterance[], persona: PersonaDto): ObjectionOutcome[] {
  const prospectSaid = turns.map((t, i) => (t.speaker === "prospect" ? (said[i] as Utterance) : null));
  return persona.objections.map((objection) => {
    const raise = lineKey(objection.raise);
    const concession = lineKey(objection.concession);
    const raiseAt = prospectSaid.findIndex((u) => u !== null && saysLine(u, raise));
    if (raiseAt < 0) return { objection, raised: false, handled: false };
    const resolvers = objection.resolvedBy.map(phraseKey);
    for (let i = raiseAt + 1; i < turns.length; i++) {
      const t = turns[i] as PracticeTurn;
      const u = prospectSaid[i];
      if (u && saysLine(u, concession)) {
        const handledBy = [...turns.slice(raiseAt + 1, i)].reverse().find((r) => r.speaker === "rep")?.text;
        return { objection, raised: true, handled: true, ...(handledBy ? { handledBy } : {}) };
      }
      if (t.speaker === "rep" && resolvers.some((k) => mentions(said[i] as Utterance, k))) return { objection, raised: true, handled: true, handledBy: t.text };
    }
    return { objection, raised: true, handled: false };
  });
}

/** A prospect line as it is looked for: its first sentence word for word, or the whole line loosely. */
const lineKey = (line: string): { first: string; key: PhraseKey } => ({ first: normalize(sentences(line)[0]?.text ?? line), key: phraseKey(line) });

/** Did the prospect say this line (or the first sentence of it, restated)? */
function saysLine(u: Utterance, line: { first: string; key: PhraseKey }): boolean {
  return (line.first.length > 0 && ` ${u.norm} `.includes(` ${line.first} `)) || mentions(u, line.key);
}

interface NextStep {
  proposed: string | null;
  secured: boolean;
  agreement: string | null;
}

function nextStepOutcome(turns: PracticeTurn[], said: Utterance[], scenario: ScenarioDto, endReason: string | null): NextStep {
  const phrases = nextStepPhrases(scenario).map(phraseKey);
  let proposed: string | null = null;
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i] as PracticeTurn;
    if (t.speaker !== "rep" || !phrases.some((k) => mentions(said[i] as Utterance, k))) continue;
    proposed = t.text;
    const reply = turns.slice(i + 1).find((r) => r.speaker === "prospect");
    if (reply && AGREES.test(normalize(reply.text))) return { proposed, secured: true, agreement: reply.text };
  }
  return { proposed, secured: endReason === "next_step", agreement: null };
}

function rubricItem(r: ScenarioDto["rubric"][number], repSaid: { text: string; u: Utterance }[]): Item {
  const hit = new Set<string>();
  const quotes: string[] = [];
  const keys = r.evidence.map((e) => ({ e, key: phraseKey(e) }));
  for (const { text: s, u } of repSaid) {
    const found = keys.filter((k) => mentions(u, k.key)).map((k) => k.e);
    if (found.length === 0) continue;
    for (const f of found) hit.add(f);
    if (quotes.length < 3 && !quotes.includes(s)) quotes.push(s);
  }
  const needed = Math.min(2, r.evidence.length);
  const score = hit.size === 0 ? 0 : hit.size >= needed ? 100 : 70;
  const examples = r.evidence.slice(0, 2).map(quote).join(" or ");
  const explanation =
    hit.size === 0
      ? `Not heard. Saying something like ${examples} shows it.`
      : score === 100
        ? `Done: you said ${[...hit].map(quote).join(", ")}.`
        : `Partly: you said ${[...hit].map(quote).join(", ")}. Make it clearer, for example ${examples}.`;
  return { key: r.key, label: r.label, score, weight: r.weight, explanation, quotes };
}

function listening(m: Metrics, monologueText: string, spoke: boolean, weight: number): Item {
  const [low, high] = TALK_RATIO_BEST;
  const r = m.talkRatio;
  const ratioScore = r < low ? 100 - (low - r) * 250 : r > high ? 100 - (r - high) * 250 : 100;
  const monologuePenalty = Math.min(40, Math.max(0, (m.longestMonologueSec - MONOLOGUE_OK_SEC) / 1.5));
  const interruptPenalty = Math.min(20, m.interruptionsByRep * 5);
  const score = spoke ? clamp(ratioScore - monologuePenalty - interruptPenalty) : 0;
  const parts = [
    `You talked ${pct(r)} % of the time (best between ${pct(low)} and ${pct(high)} %).`,
    `Your longest stretch without a break was ${m.longestMonologueSec} seconds${m.longestMonologueSec > MONOLOGUE_OK_SEC ? ", too long" : ""}.`,
    m.interruptionsByRep > 0
      ? `You cut the prospect off ${m.interruptionsByRep} time${m.interruptionsByRep === 1 ? "" : "s"}.`
      : "You let the prospect finish.",
  ];
  const quotes = m.longestMonologueSec > MONOLOGUE_OK_SEC && monologueText ? [clip(monologueText)] : [];
  return { key: "listening", label: "Listening", score, weight, explanation: parts.join(" "), quotes };
}

function questionItem(m: Metrics, asked: { text: string; kind: QuestionKind }[], weight: number): Item {
  const score = m.questionsOpen >= OPEN_QUESTIONS_WANTED ? 100 : clamp(m.questionsOpen * 30 + Math.min(m.questionsClosed, 2) * 5);
  const explanation = `You asked ${m.questionsOpen} open and ${m.questionsClosed} closed question${m.questionsClosed === 1 ? "" : "s"}; aim for at least ${OPEN_QUESTIONS_WANTED} open ones (what, how, why, tell me…).`;
  const quotes = asked
    .filter((q) => q.kind === "open")
    .slice(0, 3)
    .map((q) => q.text);
  return { key: "questions", label: "Questions", score, weight, explanation, quotes };
}

function objectionItem(outcomes: ObjectionOutcome[], weight: number): Item {
  const raised = outcomes.filter((o) => o.raised);
  const handled = raised.filter((o) => o.handled);
  if (raised.length === 0) {
    // Nothing to handle: the item does not count either way.
    return { key: "objections", label: "Objection handling", score: 0, weight: 0, explanation: "No objections came up.", quotes: [] };
  }
  const open = raised.filter((o) => !o.handled).map((o) => quote(o.objection.raise));
  const explanation = `${handled.length} of ${raised.length} objection${raised.length === 1 ? "" : "s"} handled.${open.length > 0 ? ` Still open: ${open.join(" ")}` : ""}`;
  const quotes = handled.flatMap((o) => (o.handledBy ? [clip(o.handledBy)] : [])).slice(0, 3);
  return { key: "objections", label: "Objection handling", score: clamp((handled.length / raised.length) * 100), weight, explanation, quotes };
}

function nextStepItem(n: NextStep, weight: number): Item {
  const score = n.secured ? 100 : n.proposed ? 40 : 0;
  const explanation = n.secured
    ? "The prospect agreed to the next step."
    : n.proposed
      ? "You proposed a next step, but the prospect did not agree to it."
      : "You never proposed a next step.";
  const quotes = [n.proposed, n.agreement].filter((q): q is string => q !== null).map(clip);
  return { key: "next_step", label: "Next step", score, weight, explanation, quotes };
}

function delivery(m: Metrics, rude: string[], repSentences: string[], repWords: number, weight: number): Item {
  if (repWords === 0) return { key: "delivery", label: "Delivery", score: 0, weight, explanation: "You did not speak.", quotes: [] };
  const [slow, fast] = PACE_BEST;
  const wpm = m.wordsPerMinute;
  const paceOff = wpm < slow ? slow - wpm : wpm > fast ? wpm - fast : 0;
  const pacePenalty = Math.min(50, paceOff * 1.5);
  const fillerPenalty = Math.min(50, Math.max(0, m.fillerPerMinute - FILLERS_PER_MINUTE_OK) * 10);
  let score = clamp(100 - pacePenalty - fillerPenalty);
  if (rude.length > 0) score = Math.min(score, 20);
  const pace = paceOff === 0 ? "a good pace" : wpm > fast ? "too fast" : "too slow";
  const parts = [
    `You spoke at ${wpm} words a minute (${pace}; best ${slow}–${fast}).`,
    `${m.fillerPerMinute} filler words a minute (um, uh, like, you know…).`,
  ];
  if (rude.length > 0) parts.push("You were rude to the prospect.");
  const fillerHeavy = repSentences
    .map((s) => ({ s, n: countFillers(s) }))
    .filter((x) => x.n > 0)
    .sort((a, b) => b.n - a.n)
    .slice(0, 2)
    .map((x) => x.s);
  return {
    key: "delivery",
    label: "Delivery",
    score,
    weight,
    explanation: parts.join(" "),
    quotes: (rude.length > 0 ? rude : fillerHeavy).slice(0, 3).map(clip),
  };
}

interface CoachingFacts {
  metrics: Metrics;
  objections: ObjectionOutcome[];
  nextStep: NextStep;
  rude: string[];
  input: ScoreInput;
  /** The built-in items (a rubric item may share a key with one). */
  builtIns: Set<Item>;
}

/**
 * Two or three suggestions, from the weakest items first (heavier first among equals), at most two of
 * them from the rubric so the advice covers how the rep talked as well as what they said. Rudeness
 * always comes first.
 */
function coaching(items: Item[], facts: CoachingFacts): string[] {
  const weakest = [...items].sort((a, b) => a.score - b.score || b.weight - a.weight);
  const below = weakest.filter((i) => i.score < 80);
  const pool = below.length >= 2 ? below : weakest;
  const chosen: Item[] = [];
  const delivery = pool.find((i) => i.key === "delivery" && facts.builtIns.has(i));
  if (facts.rude.length > 0 && delivery) chosen.push(delivery);
  for (const item of pool) {
    if (chosen.length >= 3) break;
    if (chosen.includes(item)) continue;
    if (!facts.builtIns.has(item) && chosen.filter((c) => !facts.builtIns.has(c)).length >= 2) continue;
    chosen.push(item);
  }
  return chosen.map((i) => adviceFor(i, facts));
}

function adviceFor(item: Item, f: CoachingFacts): string {
  const m = f.metrics;
  if (item.score >= 80) return keepDoing(item);
  if (!f.builtIns.has(item)) {
    const r = f.input.scenario.rubric.find((x) => x.key === item.key);
    const missing = r?.evidence.find((e) => !item.explanation.includes(`“${e}”`)) ?? r?.evidence[0] ?? item.label;
    return `${item.label}: try saying something like "${missing}".`;
  }
  switch (item.key) {
    case "listening":
      if (m.longestMonologueSec > MONOLOGUE_OK_SEC)
        return `Your longest stretch was ${m.longestMonologueSec} seconds. Stop after about thirty seconds and check in with a question.`;
      if (m.interruptionsByRep > 1) return `You cut the prospect off ${m.interruptionsByRep} times. Let them finish, then answer.`;
      if (m.talkRatio > TALK_RATIO_BEST[1])
        return `You talked ${pct(m.talkRatio)} % of the time. Ask a follow-up question after each answer and aim to talk less than ${pct(TALK_RATIO_BEST[1])} %.`;
      if (m.talkRatio < TALK_RATIO_BEST[0])
        return `You talked only ${pct(m.talkRatio)} % of the time. Lead more: sum up what you heard and say what should happen next.`;
      return "Keep the balance: short answers, then hand the conversation back with a question.";
    case "questions":
      return `Ask more open questions (you asked ${m.questionsOpen}): "What's the biggest challenge with that?", "How do you handle it today?", "Walk me through what happens when…".`;
    case "objections": {
      const open = f.objections.find((o) => o.raised && !o.handled);
      if (!open) return "Keep handling objections the same way: acknowledge, ask what's behind it, then answer with evidence.";
      return `When the prospect said "${open.objection.raise}", acknowledge it and answer it, for example: "${open.objection.resolvedBy[0]}".`;
    }
    case "next_step":
      if (f.nextStep.secured) return "Keep asking for a concrete next step with a day and a time.";
      if (f.nextStep.proposed)
        return "You asked for the next step before the prospect's concern was resolved. Resolve it first, then ask again with a day and time.";
      return `Ask for a specific next step before the call ends, for example "${f.input.scenario.nextStep[0]}" with a day and a time.`;
    case "delivery":
      if (f.rude.length > 0) return "Stay professional whatever the prospect says: insults end the call and the deal.";
      if (m.fillerPerMinute > FILLERS_PER_MINUTE_OK)
        return `Cut the filler words (${m.fillerPerMinute} a minute). Pause silently instead of saying "um" or "like".`;
      if (m.wordsPerMinute > PACE_BEST[1])
        return `Slow down: you spoke at ${m.wordsPerMinute} words a minute; ${PACE_BEST[0]}–${PACE_BEST[1]} is easier to follow.`;
      if (m.wordsPerMinute < PACE_BEST[0] && m.wordsPerMinute > 0) return `Pick up the pace a little: ${m.wordsPerMinute} words a minute sounds hesitant.`;
      return "Keep your delivery: a steady pace and few filler words.";
    default:
      return item.explanation;
  }
}

/** Advice for an item the rep already did well: keep doing it, with their own words as the example. */
function keepDoing(item: Item): string {
  const example = item.quotes[0] ? `, as in "${clip(item.quotes[0])}"` : "";
  switch (item.key) {
    case "listening":
      return "Keep the balance: short answers, then hand the conversation back with a question.";
    case "delivery":
      return "Keep your delivery: a steady pace and few filler words.";
    default:
      return `Keep it up: ${item.label.toLowerCase()}${example}`;
  }
}

/** A quote short enough to read in a report. */
function clip(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 197).trimEnd()}…`;
}
