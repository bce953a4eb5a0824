import type { Objection, PersonaDto, Personality, ScenarioDto } from "@orbis/contracts";
import type { Brain, BrainEvent, BrainInput, BrainSession, CallContext, ExpectedEntity, PhraseSpec } from "@orbis/voice";
import { Lines } from "./lines.ts";
import { buildProspectPhraseSpec } from "./prospect-phrases.ts";
import { isRude, mentions, phraseKey, questions, utterance, type PhraseKey, type Utterance } from "./text.ts";

/**
 * Why the prospect ends a session (the `end` BrainEvent's reason, stored as the session's endReason):
 * the rep secured the next step, the prospect hung up (rudeness, or lost patience), the time ran out.
 */
export const PROSPECT_END_REASONS = ["next_step", "prospect_hung_up", "time_up"] as const;
export type ProspectEndReason = (typeof PROSPECT_END_REASONS)[number];

export interface ProspectOptions {
  persona: PersonaDto;
  scenario: ScenarioDto;
  /** Milliseconds since some fixed point (the session's time limit is measured with it). Default Date.now. */
  now?: () => number;
}

/** How a personality behaves: how long it stays on the line, and how much it gives away. */
interface Style {
  /** Rep turns before the prospect has had enough ("I have to go"). */
  maxTurns: number;
  /** Rep turns in a row that ask nothing and handle nothing before the prospect hangs up. */
  unengagedLimit: number;
  /** Raises its other objections unprompted, every other turn once the rep has pitched. */
  pushesObjections: boolean;
  /** Pain points given away per discovery question. */
  painPerAnswer: number;
}

export const STYLES: Record<Personality, Style> = {
  friendly: { maxTurns: 16, unengagedLimit: 6, pushesObjections: false, painPerAnswer: 2 },
  busy: { maxTurns: 8, unengagedLimit: 3, pushesObjections: false, painPerAnswer: 1 },
  skeptical: { maxTurns: 12, unengagedLimit: 4, pushesObjections: true, painPerAnswer: 1 },
  hostile: { maxTurns: 10, unengagedLimit: 2, pushesObjections: false, painPerAnswer: 1 },
};

/** What the personalities say when nothing more specific applies. */
const SAYS: Record<Personality, Record<"first" | "fallback" | "rude" | "leave" | "agree" | "painLead", readonly string[]>> = {
  friendly: {
    first: ["Hi! What can I do for you?", "Hello! Who am I speaking with?"],
    fallback: ["Okay, go on.", "Sure, I'm listening.", "Right. Tell me more."],
    rude: ["Whoa. There's no need to talk to me like that."],
    leave: ["I'm sorry, I really have to go now. Bye."],
    agree: ["Sure, let's do {when}. Send me the invite.", "That works. {When}, then. Send me the invite."],
    painLead: ["Oh, plenty.", "Honestly? A few things.", "Where do I start."],
  },
  busy: {
    first: ["Yes? I'm busy. What is it?", "Make it quick. What's this about?"],
    fallback: ["Okay. What's the point?", "Get to it, please.", "Okay, and?"],
    rude: ["Watch your tone."],
    leave: ["I have to go. Bye."],
    agree: ["Fine. {When}. Send me the invite and keep it short.", "{When} works. Send the invite."],
    painLead: ["Short version.", "Quickly."],
  },
  skeptical: {
    first: ["Okay. What's this about?", "Go on. What are you selling?"],
    fallback: ["Hm. Why would that matter to us?", "Everybody says that.", "I'm not convinced yet."],
    rude: ["Excuse me? Keep it professional."],
    leave: ["I don't see this going anywhere. I have to go."],
    agree: ["Okay, {when}. Send me the invite, and bring the details.", "Fine, {when}. Send me the invite."],
    painLead: ["Well, since you ask.", "If I'm honest, a few things."],
  },
  hostile: {
    first: ["Who gave you this number?", "What do you want?"],
    fallback: ["Get to the point.", "And?", "I don't have all day."],
    rude: ["Talk to me like that again and I'm hanging up."],
    leave: ["I'm done here. Goodbye."],
    agree: ["{When}. Don't waste it. Send the invite.", "Fine. {When}. Send the invite."],
    painLead: ["If you must know.", "Fine."],
  },
};

/**
 * The lines of the end conditions every prospect keeps, the offline engine and the language-model one
 * alike (`llm-prospect-brain.ts`): the time limit, the second rude turn, a rep gone silent.
 */
export const RULE_LINES = {
  timeUp: "I'm out of time, I have to jump into another meeting. Send me an email.",
  rudeHangUp: "I'm not going to be spoken to like that. Goodbye.",
  lostEachOther: "I think we lost each other. Goodbye.",
  nudges: ["Hello? Are you still there?", "Hello? I can't hear you.", "Are you there?"],
} as const;
/** Rude turns before the prospect hangs up (the first is warned). */
export const RUDE_TURNS_TO_HANG_UP = 2;
/** Silent turns in a row before the prospect hangs up (the others are nudged). */
export const SILENT_TURNS_TO_HANG_UP = 3;

const NUDGES = RULE_LINES.nudges;
const NOT_ANSWERED = ["That doesn't really answer my concern.", "You haven't answered my question.", "I'm still stuck on that."];
const PUSHBACK = ["Not so fast.", "Before I agree to anything, one thing.", "Hold on."];

/** The rep asks about problems, budget or who decides. */
const ASKS_PAIN =
  /\b(challenges?|problems?|pain|struggl\w*|frustrat\w*|issues?|headaches?|biggest|keeps you up|current process|how do you (handle|manage|deal|track|do)|how are you (handling|managing|doing)|what's not working|what isn't working|difficult|hardest|bottlenecks?|what happened|what went wrong|going on|unhappy|not happy|currently|priorities|priority|goals?|improve)\b/;
const ASKS_BUDGET = /\b(budgets?|spend|spending|invest|investment|afford|price range|allocated|set aside)\b/;
const ASKS_AUTHORITY = /\b(decision|decide|decides|sign off|signs off|approve|approval|who else|involved|boss|stakeholders?|buying process|report to)\b/;
/** The rep describes what they offer: after that, a prospect brings up the brush-off objections. */
const PITCH =
  /\b(we help|we work with|our (product|platform|service|solution|software|tool|system|team)|i'm calling (about|because|to)|reason for my call|reason i'm calling|we've helped|we offer|we provide|we built)\b/;
const GOODBYE = /\b(goodbye|bye|talk soon|have a good (day|one))\b/;
/** Generic ways of proposing a next step, on top of the scenario's own phrases. */
const GENERIC_NEXT_STEPS = ["book a meeting", "schedule a call", "set up a meeting", "send you an invite", "put something in the calendar"];

/** The phrases that, from the rep, propose the scenario's next step. */
export const nextStepPhrases = (scenario: ScenarioDto): string[] => [...scenario.nextStep, ...GENERIC_NEXT_STEPS];
const WEEKDAY = /\b(monday|tuesday|wednesday|thursday|friday|tomorrow)\b/;
const TIME =
  /\bat ((?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon)(?: (?:fifteen|thirty|forty five|o'clock))?(?: (?:am|pm|a m|p m))?)\b/;

/** The offline prospect: deterministic, driven by the persona and scenario. */
export function createProspectBrain(options: ProspectOptions): Brain {
  let spec: PhraseSpec | undefined;
  return {
    id: "prospect",
    startSession: (_ctx: CallContext): BrainSession => new ProspectSession(options),
    phraseSpec(): PhraseSpec {
      spec ??= buildProspectPhraseSpec(options.persona, options.scenario);
      return spec;
    },
  };
}

interface Prepared extends Objection {
  triggerKeys: PhraseKey[];
  resolverKeys: PhraseKey[];
}

/**
 * One rehearsal. Each rep turn goes through, in order: the clock, rudeness, the open objection (handled
 * → concession), a proposed next step (agree, or push back), patience, discovery answers, then new
 * objections. At most one objection is open at a time.
 */
class ProspectSession implements BrainSession {
  private readonly persona: PersonaDto;
  private readonly scenario: ScenarioDto;
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly style: Style;
  private readonly says: (typeof SAYS)[Personality];
  private readonly objections: Prepared[];
  private readonly nextStepKeys: PhraseKey[];
  private readonly lines = new Lines();
  private ended = false;
  private repTurns = 0;
  private silences = 0;
  private rudeness = 0;
  private unengaged = 0;
  private pitched = false;
  private painsTold = 0;
  private open: Prepared | null = null;
  private readonly raised = new Set<string>();
  private readonly handled = new Set<string>();
  /** Objections the rep answered before the prospect could raise them. */
  private readonly preempted = new Set<string>();

  constructor(options: ProspectOptions) {
    this.persona = options.persona;
    this.scenario = options.scenario;
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.style = STYLES[this.persona.personality];
    this.says = SAYS[this.persona.personality];
    this.objections = this.persona.objections.map((o) => ({ ...o, triggerKeys: o.triggers.map(phraseKey), resolverKeys: o.resolvedBy.map(phraseKey) }));
    this.nextStepKeys = nextStepPhrases(this.scenario).map(phraseKey);
  }

  expecting(): ExpectedEntity {
    return this.ended ? "none" : "free_text";
  }

  async *greet(signal: AbortSignal): AsyncIterable<BrainEvent> {
    this.lines.begin();
    this.lines.line(openingLine(this.persona, this.scenario));
    yield* this.flush([], signal);
  }

  async *respond(input: BrainInput, signal: AbortSignal): AsyncIterable<BrainEvent> {
    if (this.ended) return;
    this.lines.begin();
    const end = this.turn(input);
    yield* this.flush(end ? [{ type: "end", reason: end }] : [], signal);
  }

  private async *flush(after: BrainEvent[], signal: AbortSignal): AsyncIterable<BrainEvent> {
    const events: BrainEvent[] = [...this.lines.said.map((text): BrainEvent => ({ type: "text", text })), ...after];
    for (const event of events) {
      if (signal.aborted) return;
      yield event;
    }
  }

  /** Works out the reply to one rep turn into `lines`; returns the end reason when the session ends. */
  private turn(input: BrainInput): ProspectEndReason | undefined {
    if (input.kind === "dtmf") return undefined;
    if (this.now() - this.startedAt >= this.scenario.timeLimitSec * 1000) {
      this.lines.line(RULE_LINES.timeUp);
      return this.end("time_up");
    }
    const text = input.kind === "silence" ? "" : input.text.trim();
    if (!text) {
      if (++this.silences >= SILENT_TURNS_TO_HANG_UP) {
        this.lines.line(RULE_LINES.lostEachOther);
        return this.end("prospect_hung_up");
      }
      this.lines.pick("nudge", NUDGES);
      return undefined;
    }
    this.silences = 0;
    this.repTurns++;

    if (isRude(text)) {
      if (++this.rudeness >= RUDE_TURNS_TO_HANG_UP) {
        this.lines.line(RULE_LINES.rudeHangUp);
        return this.end("prospect_hung_up");
      }
      this.lines.pick("rude", this.says.rude);
      return undefined;
    }

    const u = utterance(text);
    const asked = questions(text).length > 0;
    let engaged = asked;
    const wasOpen = this.open;
    if (this.open && this.open.resolverKeys.some((k) => mentions(u, k))) {
      this.handled.add(this.open.key);
      this.lines.line(this.open.concession);
      this.open = null;
      engaged = true;
    }

    if (this.nextStepKeys.some((k) => mentions(u, k))) return this.nextStep(u);

    this.unengaged = engaged ? 0 : this.unengaged + 1;
    if (this.unengaged >= this.style.unengagedLimit || this.repTurns > this.style.maxTurns) {
      this.lines.pick("leave", this.says.leave);
      return this.end("prospect_hung_up");
    }

    const triggered = this.open ? undefined : this.unraised().find((o) => o.triggerKeys.some((k) => mentions(u, k)));
    const answered = asked ? this.answerDiscovery(u, text, triggered !== undefined) : false;
    const pitchNow = !this.pitched && (PITCH.test(u.norm) || u.norm.split(" ").length >= 25);
    if (!this.open) {
      // A rep who answers an objection in the same breath as bringing up its subject has pre-empted it.
      if (triggered && triggered.resolverKeys.some((k) => mentions(u, k))) this.preempted.add(triggered.key);
      else if (triggered) this.raise(triggered);
      const pitchedByNow = this.pitched || pitchNow;
      if (!triggered && pitchedByNow && !answered) {
        const unprompted = this.unraised().find((o) => o.triggers.length === 0);
        if (unprompted) this.raise(unprompted);
        else if (this.style.pushesObjections && this.repTurns % 2 === 0 && this.pitched) {
          const next = this.unraised()[0];
          if (next) this.raise(next);
        }
      }
    }
    if (pitchNow) this.pitched = true;

    if (this.lines.said.length === 0) {
      if (GOODBYE.test(u.norm)) this.lines.pick("bye", ["Okay. Bye.", "Bye."]);
      else if (wasOpen && this.open === wasOpen) this.lines.pick("not_answered", NOT_ANSWERED);
      else if (this.repTurns === 1) this.lines.pick("first", this.says.first);
      else this.lines.pick("fallback", this.says.fallback);
    }
    if (this.persona.personality === "busy" && this.repTurns === this.style.maxTurns - 1) this.lines.line("I've only got a minute left.");
    return undefined;
  }

  /** The rep proposes the next step: agree when nothing is open and enough was handled, else push back. */
  private nextStep(u: Utterance): ProspectEndReason | undefined {
    if (this.open) {
      this.lines.lead(this.lines.choose("pushback", PUSHBACK), this.open.raise);
      return undefined;
    }
    if (!this.enoughHandled()) {
      const next = this.unraised()[0];
      if (next) {
        this.lines.lead("Hold on.", next.raise);
        this.raised.add(next.key);
        this.open = next;
        return undefined;
      }
    }
    const when = meetingTime(u);
    this.lines.pick("agree", this.says.agree, (line) => line.replace("{when}", when).replace("{When}", capitalise(when)));
    return this.end("next_step");
  }

  /**
   * Easy: agreeing needs nothing handled; medium: one objection handled; hard: two (or all the persona
   * has, if fewer). Nothing may be open in any case — a raised objection stays open until handled, so
   * "every raised objection handled" always holds when the prospect agrees.
   */
  private enoughHandled(): boolean {
    const needed = { easy: 0, medium: 1, hard: 2 }[this.scenario.difficulty];
    return this.handled.size >= Math.min(needed, this.objections.length);
  }

  /** Answers what the rep asked about the persona's problems, budget and authority. */
  private answerDiscovery(u: Utterance, text: string, touchesObjection: boolean): boolean {
    let answered = false;
    const budget = ASKS_BUDGET.test(u.norm);
    const authority = ASKS_AUTHORITY.test(u.norm);
    // Any other open question ("how does your team track arrivals today?") invites talk about problems,
    // unless it is about what the prospect objects to ("what's the price?").
    const openOther = !budget && !authority && !touchesObjection && questions(text).some((q) => q.kind === "open");
    if (ASKS_PAIN.test(u.norm) || openOther) {
      const pains = this.persona.painPoints.slice(this.painsTold, this.painsTold + this.style.painPerAnswer);
      this.painsTold += pains.length;
      if (pains.length > 0) this.lines.lead(this.lines.choose("pain_lead", this.says.painLead), pains.join(" "));
      else if (this.persona.painPoints.length === 0) this.lines.line("Things are fine, honestly.");
      else this.lines.pick("pains_done", ["Those are the big ones, honestly.", "That's about it, really."]);
      answered = true;
    }
    if (budget) {
      this.lines.line(this.persona.budget || "I'd rather not talk numbers yet.");
      answered = true;
    }
    if (authority) {
      this.lines.line(authorityLine(this.persona));
      answered = true;
    }
    return answered;
  }

  private unraised(): Prepared[] {
    return this.objections.filter((o) => !this.raised.has(o.key) && !this.preempted.has(o.key));
  }

  private raise(o: Prepared): void {
    this.raised.add(o.key);
    this.open = o;
    this.lines.line(o.raise);
  }

  private end(reason: ProspectEndReason): ProspectEndReason {
    this.ended = true;
    return reason;
  }
}

/** The scenario's opening line with the persona filled in, or one in the persona's manner. */
export function openingLine(persona: PersonaDto, scenario: ScenarioDto): string {
  const first = firstName(persona.name);
  if (scenario.openingLine.trim()) {
    return scenario.openingLine
      .replace(/\{firstName\}/g, first)
      .replace(/\{name\}/g, persona.name)
      .replace(/\{company\}/g, persona.company)
      .replace(/\{role\}/g, persona.role);
  }
  switch (persona.personality) {
    case "friendly":
      return `Hi, this is ${first} at ${persona.company}.`;
    case "busy":
      return `${first} speaking. I've got a couple of minutes.`;
    case "skeptical":
      return `${persona.company}, ${first} speaking.`;
    case "hostile":
      return `Yeah, ${first}. Who is this?`;
  }
}

function firstName(name: string): string {
  const parts = name.split(/\s+/).filter((w) => !/^(dr|mr|mrs|ms|miss|prof)\.?$/i.test(w));
  return parts[0] ?? name;
}

function authorityLine(persona: PersonaDto): string {
  switch (persona.authority) {
    case "decision_maker":
      return "It's my decision, but I don't buy things on a whim.";
    case "influencer":
      return "I'd recommend it, but my boss signs off.";
    case "gatekeeper":
      return "I'd pass it on to the owner. I screen these calls.";
  }
}

/** The day and time the rep proposed ("how about Tuesday at ten"), or Thursday at two. */
function meetingTime(u: Utterance): string {
  const day = WEEKDAY.exec(u.norm)?.[1];
  const time = TIME.exec(u.norm)?.[1];
  const dayText = day ? capitalise(day) : "Thursday";
  return day === "tomorrow" ? `tomorrow at ${time ?? "two"}` : `${dayText} at ${time ?? "two"}`;
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
