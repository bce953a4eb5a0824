import { DateTime } from "luxon";
import type { BusinessConfig, Service } from "@orbis/contracts";
import type { BrainEvent, BrainInput, BrainSession, ExpectedEntity, ToolCallRecord } from "@orbis/voice";
import { findService, openingIntervalsOn, staffForService } from "../availability.ts";
import type { Slot } from "../availability.ts";
import {
  describeDayHours,
  describeLocation,
  describePrice,
  describeServices,
  describeWeeklyHours,
  spokenDate,
  spokenDay,
  spokenList,
  spokenTime,
} from "../knowledge.ts";
import { findSlots } from "../tools/builtins.ts";
import type { PartOfDay } from "../tools/builtins.ts";
import type { ToolContext, Toolbox } from "../tools/tool.ts";
import { splitSentences } from "../text.ts";
import { extractName, extractPhone, normalize, spokenDigits, spokenPhone, understand, yesNo } from "./nlu.ts";
import type { Understanding } from "./nlu.ts";

type Task = "book" | "reschedule" | "cancel" | "message";
type Awaiting =
  | "intent"
  | "service"
  | "date"
  | "slot_choice"
  | "name"
  | "phone"
  | "phone_confirm"
  | "identify_phone"
  | "message"
  | "confirm"
  | "correction"
  | "anything_else"
  | "ended";

const EXPECTS: Record<Awaiting, ExpectedEntity> = {
  intent: "none",
  service: "none",
  date: "date",
  slot_choice: "time",
  name: "name",
  phone: "phone",
  phone_confirm: "yes_no",
  identify_phone: "phone",
  message: "free_text",
  confirm: "yes_no",
  correction: "none",
  anything_else: "yes_no",
  ended: "none",
};

interface FoundAppointment {
  id: string;
  serviceId: string;
  staffId: string | null;
  start: string;
  customerName: string;
}

interface Draft {
  serviceId?: string;
  staffId?: string;
  date?: string;
  time?: string;
  partOfDay?: Exclude<PartOfDay, "any">;
  firstAvailable?: boolean;
  slot?: Slot;
  offered: Slot[];
  name?: string;
  phone?: string;
  callerOffered?: boolean;
  callerLookupTried?: boolean;
  lookupFailures: number;
  appointment?: FoundAppointment;
  message?: string;
  urgency?: "low" | "normal" | "high";
}

export interface ReceptionistOptions {
  business: BusinessConfig;
  /** The agent's greeting when the business config has none. */
  greeting?: string;
  /** Consecutive not-understood turns before handing off (default 3). */
  maxFailures?: number;
  /** Consecutive silences before ending the call (default 3). */
  maxSilences?: number;
}

/** Words after which a caller is mid-sentence, whatever came before. */
const TRAILING_CONTINUATION = /\b(and|but|or|so|because|um|uh|er|except|actually|wait|well|if|then|at|on|in|the|a|an|to|for|with|my|is)$/;

const QUESTION_INTENTS = ["hours", "prices", "location", "services", "faq"] as const;

const YES_NO_QUESTION = /^((hi|hello|hey|sorry|and|so|um|uh|oh|ok|okay|also|just|quick question|one more thing)\b,? ?)*(do|does|are|is|can|could|will|would) (you|they|y all|there|it)\b/;

/**
 * The caller asks something the brain answers from the business facts. An FAQ matched only by shared
 * words (no keyword) does not count when the words name a service: "I need a new patient exam" is a
 * request for the exam, not the question "are you taking new patients?".
 */
function asksQuestion(u: Understanding): boolean {
  return QUESTION_INTENTS.some((q) => u.intents.has(q) && (q !== "faq" || u.faqByKeyword || !u.service));
}
/** Normalised words without punctuation, single-spaced: what the endpointing checks read. */
const bareOf = (norm: string) => norm.replace(/[.,]/g, " ").replace(/\s+/g, " ").trim();
/** Where the caller is asked for a day, a time or a phone number (the turn-taker's long window). */
const ENTITY_STATES = new Set<Awaiting>(["date", "slot_choice", "phone", "identify_phone"]);
/** Thinking aloud before the answer: keep waiting. */
const STALLING = /\b(um+|uh+|hmm+|er|let me|hold on|one sec(ond)?|just a (sec(ond)?|moment|minute)|let's see|i think|maybe|i guess|not sure)\b/;
/** Words that start a day or time even before the NLU can read one. */
const DAY_WORDS = /\b(next|this|coming|tomorrow|today|tonight|morning|afternoon|evening|noon|week|weekend|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|first|second|third|earliest|latest|soonest|any ?time|whenever|o'?clock|am|pm|a m|p m)\b/;
/** Where a question-shaped partial may be the caller's own words (a message, a name) or digits are due. */
const FREE_TEXT_OR_DIGITS = new Set<Awaiting>(["message", "name", "phone", "identify_phone"]);
const URGENT = /\b(urgent|emergency|asap|as soon as possible|right away|immediately|flood\w*|leak\w*|no heat|no water|gas smell|smell gas|bleeding|severe|swollen|broken down|stranded)\b/;

/** Thrown inside a preview where the real turn would run a tool: the preview stops there. */
const PREVIEW_STOP = Symbol("preview stops before a tool");

/** One call's conversation: greet → understand → fill slots → confirm → act → wrap up. */
export class ReceptionistSession implements BrainSession {
  /** This is a throwaway copy answering `preview`: tools are not run. */
  private previewing = false;
  private awaiting: Awaiting = "intent";
  private task: Task | null = null;
  private d: Draft = { offered: [], lookupFailures: 0 };
  private failures = 0;
  private silences = 0;
  private lastPrompt = "How can I help you today?";
  private out: BrainEvent[] = [];
  private readonly business: BusinessConfig;
  private readonly maxFailures: number;
  private readonly maxSilences: number;
  /** What the caller actually heard of the last reply (barge-in). */
  lastHeard: string | null = null;

  constructor(
    private readonly opts: ReceptionistOptions,
    private readonly ctx: ToolContext,
    private readonly tools: Toolbox,
  ) {
    this.business = opts.business;
    this.maxFailures = opts.maxFailures ?? 3;
    this.maxSilences = opts.maxSilences ?? 3;
  }

  expecting(): ExpectedEntity {
    return EXPECTS[this.awaiting];
  }

  interrupted(heard: string): void {
    this.lastHeard = heard;
  }

  /**
   * Semantic endpointing: the words so far fully answer the question just asked, so a short pause
   * ends the turn. Only for closed questions (yes/no, a phone number, one of the offered times);
   * open ones keep the full silence window.
   */
  isCompleteUtterance(text: string): boolean {
    const norm = normalize(text);
    const bare = bareOf(norm);
    const words = bare.split(" ").filter(Boolean);
    if (words.length === 0 || TRAILING_CONTINUATION.test(bare)) return false;
    if (!FREE_TEXT_OR_DIGITS.has(this.awaiting) && this.isSelfContainedQuestion(text, words.length)) return true;
    switch (this.awaiting) {
      case "confirm":
      case "phone_confirm":
      case "anything_else":
        return words.length <= 4 && yesNo(norm) !== null;
      case "phone":
      case "identify_phone":
        return spokenDigits(text).length >= 10 && extractPhone(text, this.business.country) !== null;
      case "slot_choice": {
        if (words.length > 6) return false;
        const u = understand(text, this.business, this.ctx.clock.now(), { bareNumberIsTime: true });
        return u.ordinal !== null || u.when.time !== undefined;
      }
      default:
        return false;
    }
  }

  /**
   * A day, a time or a phone number was asked for, and these words are plainly something else ("do
   * you take new patients", "why do you need my number"): none of the entity has begun and the caller
   * is not stalling ("um", "let me check"). The turn-taker then waits the normal window, not the long
   * one it keeps for callers working through a date or reading out digits.
   */
  isOffEntity(text: string): boolean {
    if (!ENTITY_STATES.has(this.awaiting)) return false;
    const bare = bareOf(normalize(text));
    if (bare.split(" ").filter(Boolean).length < 3 || TRAILING_CONTINUATION.test(bare) || STALLING.test(bare)) return false;
    if (spokenDigits(text).length > 0) return false;
    const u = understand(text, this.business, this.ctx.clock.now(), { bareNumberIsTime: true });
    const w = u.when;
    return !w.date && !w.time && !w.partOfDay && u.ordinal === null && !u.intents.has("first_available") && !DAY_WORDS.test(bare);
  }

  /**
   * "what are your opening hours", "how much is a cleaning": a question the brain can answer as it
   * stands, asking for nothing else (no booking, cancelling or message in it). Whatever was asked
   * before, such a question ends the turn after the short pause — also while a date or a phone number
   * was expected, where the caller has plainly not started giving one.
   */
  private isSelfContainedQuestion(text: string, words: number): boolean {
    if (words < 3) return false;
    const u = understand(text, this.business, this.ctx.clock.now());
    if (!asksQuestion(u)) return false;
    // A dangling "how much is" never gets here: the trailing-word check has already said "not complete".
    return this.taskIntent(u) === null && !u.intents.has("book_weak") && !u.intents.has("transfer");
  }

  async *greet(signal: AbortSignal): AsyncIterable<BrainEvent> {
    this.out = [];
    const greeting = this.business.greeting || this.opts.greeting || `Thanks for calling ${this.business.name}. How can I help you today?`;
    this.say(greeting);
    this.lastPrompt = "How can I help you today?";
    this.awaiting = "intent";
    yield* this.flush(signal);
  }

  /**
   * The turn's first sentence, worked out on a copy: the conversation state is copied (the draft
   * deeply), the copy stops at the first tool (a booking, a message, a lookup) and what it said before
   * that is the answer. Calendar reads for free slots do run; nothing is written.
   */
  async preview(input: BrainInput, signal: AbortSignal): Promise<string | undefined> {
    if (this.awaiting === "ended" || input.kind !== "speech" || signal.aborted) return undefined;
    const copy: ReceptionistSession = Object.assign(Object.create(ReceptionistSession.prototype) as object, this);
    copy.d = structuredClone(this.d);
    copy.out = [];
    copy.previewing = true;
    try {
      await copy.handle(input);
    } catch (err) {
      if (err !== PREVIEW_STOP) return undefined;
    }
    const first = copy.out.find((e) => e.type === "text");
    return first?.type === "text" && !signal.aborted ? first.text : undefined;
  }

  async *respond(input: BrainInput, signal: AbortSignal): AsyncIterable<BrainEvent> {
    this.out = [];
    if (this.awaiting === "ended") return;
    await this.handle(input);
    yield* this.flush(signal);
  }

  private *flush(signal: AbortSignal): Iterable<BrainEvent> {
    const events = this.out;
    this.out = [];
    for (const e of events) {
      if (signal.aborted && e.type === "text") continue;
      yield e;
    }
  }

  // ── output helpers ────────────────────────────────────────────────────────

  private say(...texts: string[]): void {
    for (const t of texts) for (const s of splitSentences(t)) this.out.push({ type: "text", text: s });
  }

  private ask(text: string, awaiting: Awaiting): void {
    this.say(text);
    this.lastPrompt = text;
    this.awaiting = awaiting;
  }

  private async tool(name: string, args: Record<string, unknown>): Promise<ToolCallRecord> {
    if (this.previewing) throw PREVIEW_STOP;
    const rec = await this.tools.run(name, args, this.ctx);
    this.out.push({ type: "tool", call: rec });
    return rec;
  }

  private now(): DateTime {
    return DateTime.fromJSDate(this.ctx.clock.now(), { zone: this.business.timezone });
  }

  private at(iso: string): DateTime {
    return DateTime.fromISO(iso, { zone: this.business.timezone });
  }

  /** "tomorrow at 2 PM" / "on Tuesday, March 10 at 9 AM". */
  private when(iso: string): string {
    const t = this.at(iso);
    const day = spokenDay(t, this.now());
    return `${day === "today" || day === "tomorrow" ? day : `on ${day}`} at ${spokenTime(t)}`;
  }

  private service(): Service | undefined {
    return this.d.serviceId ? findService(this.business, this.d.serviceId) : undefined;
  }

  private staffName(id: string | null | undefined): string | null {
    if (!id) return null;
    return this.business.staff.find((s) => s.id === id)?.name ?? null;
  }

  // ── turn handling ─────────────────────────────────────────────────────────

  private async handle(input: BrainInput): Promise<void> {
    if (input.kind === "silence") return this.onSilence();
    this.silences = 0;
    if (input.kind === "dtmf") return this.onDtmf(input.digits);
    const text = input.text.trim();
    if (!text) return this.onSilence();
    const u = understand(text, this.business, this.ctx.clock.now(), {
      bareNumberIsTime: this.awaiting === "slot_choice" || this.awaiting === "date" || this.awaiting === "correction" || this.awaiting === "confirm",
    });
    return this.onUtterance(u);
  }

  private async onSilence(): Promise<void> {
    this.silences++;
    if (this.silences >= this.maxSilences) {
      this.say(`I haven't heard anything, so I'll let you go. Thanks for calling ${this.business.name}. Goodbye.`);
      await this.end("no response from caller");
      return;
    }
    this.say(this.silences === 1 ? "Are you still there?" : "Sorry, I can't hear you.");
    this.say(this.lastPrompt);
  }

  private async onDtmf(digits: string): Promise<void> {
    const clean = digits.replace(/[^0-9*#]/g, "");
    if (clean === "0" || (clean.startsWith("0") && this.awaiting !== "phone" && this.awaiting !== "identify_phone")) {
      return this.transfer("caller pressed 0");
    }
    if (this.awaiting === "phone" || this.awaiting === "identify_phone") {
      return this.onUtterance(understand(clean.replace(/[*#]/g, ""), this.business, this.ctx.clock.now()));
    }
    if (EXPECTS[this.awaiting] === "yes_no" && (clean === "1" || clean === "2")) {
      return this.onUtterance(understand(clean === "1" ? "yes" : "no", this.business, this.ctx.clock.now()));
    }
    this.say("You can press 0 at any time to speak with a person.");
    this.say(this.lastPrompt);
  }

  private taskIntent(u: Understanding): Task | null {
    const I = u.intents;
    if (I.has("reschedule")) return "reschedule";
    if (I.has("cancel") && !I.has("no")) return "cancel";
    const question = asksQuestion(u);
    if (I.has("book") || (I.has("book_weak") && u.service && !question)) return "book";
    if (I.has("message")) return "message";
    return null;
  }

  private async onUtterance(u: Understanding): Promise<void> {
    const I = u.intents;
    if (I.has("transfer") && this.awaiting !== "message" && this.awaiting !== "name") return this.transfer("caller asked for a person");
    if (I.has("repeat")) {
      this.say(this.lastPrompt);
      return;
    }
    const freeText = this.awaiting === "message" || this.awaiting === "name";
    const task = this.taskIntent(u);
    if (task && task !== this.task && !freeText && !(this.task && this.awaiting === "confirm" && I.has("no"))) {
      this.startTask(task, u);
      this.failures = 0;
      return this.advance();
    }
    // "Are you accepting new patients right now?" while a day is due: a yes/no question an FAQ answers
    // by keyword is answered below, and its "right now" is not taken as the day. Not while the caller
    // is dictating a message or a name, whose words are theirs to keep.
    const faqFirst = !freeText && u.faqByKeyword && YES_NO_QUESTION.test(u.norm);
    if (this.task && !faqFirst && (await this.fill(u))) {
      this.failures = 0;
      return;
    }
    if (asksQuestion(u)) {
      this.answer(u);
      this.failures = 0;
      if (this.task) this.say(this.lastPrompt);
      else this.ask("Is there anything else I can help you with?", "anything_else");
      return;
    }
    if (this.awaiting === "intent" || this.awaiting === "anything_else") {
      if (I.has("goodbye") || I.has("no") || (I.has("thanks") && this.awaiting === "anything_else")) return this.wrapUp();
      if (I.has("yes")) {
        this.ask("Sure, what can I help you with?", "intent");
        return;
      }
      const shortAnswer = u.norm.split(" ").length <= 6 && !/\b(what|how|why|who|when|where|which|weather)\b/.test(u.norm);
      if (u.service || ((u.when.date || u.when.time || I.has("first_available")) && shortAnswer)) {
        this.startTask("book", u);
        return this.advance();
      }
    }
    if (I.has("goodbye")) return this.wrapUp();
    if (I.has("thanks") && !this.task) {
      this.ask("You're welcome. Is there anything else I can help you with?", "anything_else");
      return;
    }
    return this.notUnderstood();
  }

  private startTask(task: Task, u: Understanding): void {
    this.task = task;
    this.d = { offered: [], lookupFailures: 0, ...(this.d.name ? { name: this.d.name } : {}), ...(this.d.phone ? { phone: this.d.phone } : {}) };
    if (task === "book") {
      if (u.service) this.d.serviceId = u.service.id;
      this.applyStaff(u);
      this.applyWhen(u);
    } else if (task === "reschedule") {
      this.applyWhen(u);
    } else if (task === "message") {
      if (URGENT.test(u.norm)) this.d.urgency = "high";
      // "Please have someone call me back, my basement is flooding" already is the message.
      if (u.messageBody) this.d.message = u.text.trim();
    }
  }

  private applyStaff(u: Understanding): boolean {
    if (!u.staff) return false;
    const service = this.service();
    if (service && !staffForService(this.business, service).includes(u.staff.id)) return false;
    this.d.staffId = u.staff.id;
    return true;
  }

  /** Copy date/time words into the draft; a new day keeps the time asked for unless a new one is said. */
  private applyWhen(u: Understanding): boolean {
    const w = u.when;
    if (!w.date && !w.time && !w.partOfDay && !u.intents.has("first_available")) return false;
    if (w.date) this.d.date = w.date;
    if (w.time) {
      this.d.time = w.time;
      delete this.d.partOfDay;
    } else if (w.partOfDay) {
      this.d.partOfDay = w.partOfDay;
      delete this.d.time;
    } else if (w.date && this.d.slot && !this.d.time) {
      this.d.time = this.at(this.d.slot.start).toFormat("HH:mm");
    }
    this.d.firstAvailable = u.intents.has("first_available") && !w.date;
    delete this.d.slot;
    this.d.offered = [];
    return true;
  }

  // ── slot filling ──────────────────────────────────────────────────────────

  /** Use the caller's words for what we are waiting for. True when the turn was consumed. */
  private async fill(u: Understanding): Promise<boolean> {
    const I = u.intents;
    switch (this.awaiting) {
      case "service": {
        if (u.service) {
          this.d.serviceId = u.service.id;
          this.applyStaff(u);
          this.applyWhen(u);
          await this.advance();
          return true;
        }
        return false;
      }
      case "date":
      case "slot_choice": {
        if (u.service && u.service.id !== this.d.serviceId && this.task === "book") this.d.serviceId = u.service.id;
        const staffChanged = this.applyStaff(u);
        if (this.awaiting === "slot_choice") {
          const chosen = this.chooseOffered(u);
          if (chosen) {
            this.d.slot = chosen;
            await this.advance();
            return true;
          }
        }
        if (this.applyWhen(u) || staffChanged) {
          await this.advance();
          return true;
        }
        if (I.has("no") && this.awaiting === "slot_choice" && !I.has("goodbye")) {
          this.d.offered = [];
          this.ask("No problem. What other day or time would work for you?", "date");
          return true;
        }
        return false;
      }
      case "name": {
        const asking = /\?|\b(what|how|where|when|do you|are you|can i|is there|is it)\b/.test(u.text.toLowerCase());
        if (asking && asksQuestion(u)) return false;
        const name = extractName(u.text, true);
        if (!name) return false;
        this.d.name = name;
        await this.advance();
        return true;
      }
      case "phone":
      case "identify_phone": {
        if (u.phone) {
          this.d.phone = u.phone;
          await this.advance();
          return true;
        }
        const digits = u.text.replace(/\D/g, "").length;
        if (digits > 0 || /\b(zero|oh|one|two|three|four|five|six|seven|eight|nine)\b/.test(u.norm)) {
          this.failures++;
          if (this.failures >= this.maxFailures) {
            await this.handOff();
            return true;
          }
          this.ask("Sorry, I didn't get the whole number. Could you say it again, with the area code?", this.awaiting);
          return true;
        }
        return false;
      }
      case "phone_confirm": {
        if (u.phone) {
          this.d.phone = u.phone;
        } else if (I.has("yes")) {
          this.d.phone = this.ctx.caller;
        } else if (I.has("no")) {
          this.ask("What's the best number to reach you?", "phone");
          return true;
        } else return false;
        await this.advance();
        return true;
      }
      case "message": {
        if (u.text.split(/\s+/).length < 2 && !I.has("yes")) return false;
        this.d.message = u.text.trim();
        if (URGENT.test(u.norm)) this.d.urgency = "high";
        await this.advance();
        return true;
      }
      case "confirm":
      case "correction": {
        const corrected = this.applyCorrection(u);
        if (corrected === "prompted") return true;
        if (corrected === "changed") {
          await this.advance();
          return true;
        }
        if (this.awaiting === "confirm" && I.has("yes")) {
          await this.act();
          return true;
        }
        if (this.awaiting === "confirm" && I.has("no")) {
          if (this.task === "cancel") {
            this.say("Okay, I'll leave your appointment as it is.");
            this.finishTask();
            return true;
          }
          this.ask(this.task === "message" ? "What would you like to change?" : "No problem. What would you like to change: the day, the time, or something else?", "correction");
          return true;
        }
        return false;
      }
      default:
        return false;
    }
  }

  private chooseOffered(u: Understanding): Slot | null {
    const offered = this.d.offered;
    if (offered.length === 0) return null;
    if (u.ordinal !== null) return offered.at(u.ordinal) ?? null;
    const t = u.when.time;
    if (t && (!u.when.date || offered.some((s) => this.at(s.start).toISODate() === u.when.date))) {
      const hit = offered.find((s) => this.at(s.start).toFormat("HH:mm") === t);
      if (hit) return hit;
      // "ten" meant 10 AM even where the PM guess was made; match on the 12-hour clock too.
      const h12 = offered.find((s) => this.at(s.start).toFormat("h:mm") === DateTime.fromFormat(t, "HH:mm").toFormat("h:mm"));
      if (h12) return h12;
    }
    if (offered.length === 1 && u.intents.has("yes") && !u.when.date && !u.when.time) return offered[0] ?? null;
    return null;
  }

  /** "No, Thursday", "make it 3 PM", "it's Jane", "my number is…": change what was said. */
  private applyCorrection(u: Understanding): "changed" | "prompted" | "none" {
    let changed = false;
    if (this.task === "book" && u.service && u.service.id !== this.d.serviceId) {
      this.d.serviceId = u.service.id;
      delete this.d.slot;
      changed = true;
    }
    if (this.task === "book" || this.task === "reschedule") {
      if (this.applyStaff(u)) {
        delete this.d.slot;
        changed = true;
      }
      if (this.applyWhen(u)) changed = true;
    }
    if (u.phone && u.phone !== this.d.phone) {
      this.d.phone = u.phone;
      changed = true;
    }
    const name = /\b(name|spell|it's|it is|i'm|i am)\b/.test(u.norm) && !u.when.date && !u.when.time ? extractName(u.text, false) : null;
    if (name) {
      this.d.name = name;
      changed = true;
    }
    if (changed) return "changed";
    if (this.awaiting !== "correction") return "none";
    if (/\b(day|date|time)\b/.test(u.norm)) {
      delete this.d.slot;
      delete this.d.date;
      delete this.d.time;
      this.ask("Sure. What day and time would you prefer?", "date");
      return "prompted";
    }
    if (/\bname\b/.test(u.norm)) {
      delete this.d.name;
      this.ask("Sure. What name should I put it under?", "name");
      return "prompted";
    }
    if (/\b(number|phone)\b/.test(u.norm)) {
      delete this.d.phone;
      this.d.callerOffered = true;
      this.ask("Sure. What's the best number to reach you?", "phone");
      return "prompted";
    }
    if (/\b(message)\b/.test(u.norm) && this.task === "message") {
      delete this.d.message;
      this.ask("Sure. What message would you like me to pass on?", "message");
      return "prompted";
    }
    return "none";
  }

  // ── the flow ──────────────────────────────────────────────────────────────

  private async advance(): Promise<void> {
    switch (this.task) {
      case "book":
        return this.advanceBooking();
      case "reschedule":
        return this.advanceReschedule();
      case "cancel":
        return this.advanceCancel();
      case "message":
        return this.advanceMessage();
      case null:
        this.ask("How can I help you today?", "intent");
    }
  }

  private async advanceBooking(): Promise<void> {
    const bookable = this.business.services.filter((s) => s.bookable);
    if (!this.d.serviceId && bookable.length === 1) this.d.serviceId = bookable[0]?.id;
    const service = this.service();
    if (!service) {
      const names = bookable.slice(0, 5).map((s) => s.name.toLowerCase());
      this.ask(`Sure. What would you like to book? We offer ${spokenList(names, "or")}.`, "service");
      return;
    }
    if (!this.d.slot && !(await this.resolveSlot(service, "What day works best for you?"))) return;
    if (!this.d.name) return this.ask("Great. Can I get your name, please?", "name");
    if (!this.d.phone) return this.askPhone();
    const slot = this.d.slot as Slot;
    const withStaff = this.staffName(slot.staffId) ? ` with ${this.staffName(slot.staffId)}` : "";
    this.ask(
      `Just to confirm: ${article(service.name)} ${service.name.toLowerCase()}${withStaff} on ${spokenDate(this.at(slot.start))} at ${spokenTime(this.at(slot.start))}, for ${this.d.name}. Shall I book it?`,
      "confirm",
    );
  }

  private askPhone(): void {
    if (this.ctx.caller && !this.d.callerOffered) {
      this.d.callerOffered = true;
      this.ask(`Is ${spokenPhone(this.ctx.caller, this.business.country)} the best number to reach you?`, "phone_confirm");
      return;
    }
    this.ask("And what's the best phone number to reach you?", "phone");
  }

  /** Turn day/time wishes into one chosen slot, or offer choices. True when a slot is chosen. */
  private async resolveSlot(service: Service, question: string): Promise<boolean> {
    const d = this.d;
    if (!d.date && !d.time && !d.partOfDay && !d.firstAvailable) {
      this.ask(question, "date");
      return false;
    }
    const base = {
      serviceId: service.id,
      ...(d.staffId ? { staffId: d.staffId } : {}),
      ...(d.partOfDay ? { partOfDay: d.partOfDay } : {}),
      ...(d.appointment ? { excludeAppointmentId: d.appointment.id } : {}),
    };
    const today = this.now().toISODate() as string;
    if (!d.date) {
      const slots = await findSlots(this.ctx, { ...base, date: today, days: 14, limit: 1, ...(d.time ? { localTime: d.time } : {}) });
      const match = slots[0];
      if (!match) {
        this.ask("I'm sorry, I don't see anything like that in the next two weeks. Is there another day or time that could work?", "date");
        return false;
      }
      d.offered = [match];
      this.ask(`The first opening is ${this.when(match.start)}. Would that work?`, "slot_choice");
      return false;
    }
    const dayName = spokenDay(this.at(d.date), this.now());
    const onDay = dayName === "today" || dayName === "tomorrow" ? dayName : `on ${dayName}`;
    const slots = await findSlots(this.ctx, { ...base, date: d.date, limit: 200 });
    if (d.time) {
      const exact = slots.find((s) => this.at(s.start).toFormat("HH:mm") === d.time);
      if (exact) {
        d.slot = exact;
        return true;
      }
      const wanted = this.at(`${d.date}T${d.time}`).toMillis();
      const near = [...slots]
        .sort((a, b) => Math.abs(this.at(a.start).toMillis() - wanted) - Math.abs(this.at(b.start).toMillis() - wanted))
        .slice(0, 2)
        .sort((a, b) => a.start.localeCompare(b.start));
      const asked = spokenTime(this.at(`${d.date}T${d.time}`));
      if (near.length > 0) {
        d.offered = near;
        this.ask(`Sorry, ${asked} ${onDay} isn't available. I have ${spokenList(near.map((s) => spokenTime(this.at(s.start))), "or")}. Would one of those work?`, "slot_choice");
        return false;
      }
      delete d.time;
      this.say(this.unavailableDay(d.date, `${asked} ${onDay}`));
      return this.offerNextDays(base, d.date);
    }
    if (slots.length > 0) {
      const picks = spread(slots, 3);
      d.offered = picks;
      this.ask(
        `${capitalize(onDay)} I have ${spokenList(picks.map((s) => spokenTime(this.at(s.start))), "or")}. Which works best for you?`,
        "slot_choice",
      );
      return false;
    }
    this.say(this.unavailableDay(d.date, d.partOfDay ? `${onDay} in the ${d.partOfDay}` : onDay));
    return this.offerNextDays(base, d.date);
  }

  private unavailableDay(date: string, what: string): string {
    const { intervals } = openingIntervalsOn(this.business, date);
    if (intervals.length === 0) return describeDayHours(this.business, this.at(date), this.now());
    return `I'm sorry, we're fully booked ${what}.`;
  }

  private async offerNextDays(base: Parameters<typeof findSlots>[1], after: string): Promise<boolean> {
    const next = this.at(after).plus({ days: 1 }).toISODate() as string;
    const slots = await findSlots(this.ctx, { ...base, date: next, days: 14, limit: 1 });
    const first = slots[0];
    if (!first) {
      this.ask("I don't see any openings in the next two weeks. Is there another day that could work?", "date");
      return false;
    }
    this.d.offered = [first];
    delete this.d.date;
    this.ask(`The next opening is ${this.when(first.start)}. Would that work?`, "slot_choice");
    return false;
  }

  private async identify(): Promise<boolean> {
    const d = this.d;
    const fromCaller = !d.phone && this.ctx.caller && !d.callerLookupTried;
    const phone = d.phone ?? (fromCaller ? this.ctx.caller : undefined);
    if (!phone) {
      this.ask("Sure. What's the phone number the appointment was booked under?", "identify_phone");
      return false;
    }
    const rec = await this.tool("find_appointments", { customerPhone: phone });
    const list = rec.ok ? ((rec.result as { appointments: FoundAppointment[] }).appointments ?? []) : [];
    const first = list[0];
    if (first) {
      d.appointment = first;
      d.phone = phone;
      d.name ??= first.customerName;
      if (d.date && d.date === this.at(first.start).toISODate() && !d.time) delete d.date;
      if (!d.serviceId) d.serviceId = first.serviceId;
      if (first.staffId) d.staffId = first.staffId;
      return true;
    }
    if (fromCaller) {
      d.callerLookupTried = true;
      this.ask("I couldn't find an appointment under the number you're calling from. What number was it booked under?", "identify_phone");
      return false;
    }
    delete d.phone;
    d.lookupFailures++;
    if (d.lookupFailures < 2) {
      this.ask("I couldn't find an appointment under that number. Could you say the number again?", "identify_phone");
      return false;
    }
    const what = this.task === "cancel" ? "cancel" : "reschedule";
    this.say("I'm sorry, I still can't find that appointment. I'll take a message so the team can sort it out.");
    this.task = "message";
    d.phone = phone;
    d.message = `Caller wants to ${what} an appointment but it was not found under ${phone}.`;
    await this.advanceMessage();
    return false;
  }

  private async advanceReschedule(): Promise<void> {
    const d = this.d;
    if (!d.appointment) {
      if (!(await this.identify())) return;
      const a = d.appointment as FoundAppointment | undefined;
      if (!a) return;
      this.say(`I see your ${serviceName(this.business, a.serviceId)} ${this.when(a.start)}.`);
    }
    const a = d.appointment as FoundAppointment;
    const service = findService(this.business, a.serviceId);
    if (!service) return this.handOff();
    if (!d.slot && !(await this.resolveSlot(service, "What day would you like to move it to?"))) return;
    const slot = d.slot as Slot;
    this.ask(`Just to confirm: move your ${service.name.toLowerCase()} to ${spokenDate(this.at(slot.start))} at ${spokenTime(this.at(slot.start))}. Is that right?`, "confirm");
  }

  private async advanceCancel(): Promise<void> {
    const d = this.d;
    if (!d.appointment) {
      if (!(await this.identify())) return;
    }
    const a = d.appointment as FoundAppointment | undefined;
    if (!a) return;
    this.ask(`I see your ${serviceName(this.business, a.serviceId)} ${this.when(a.start)}. Would you like me to cancel it?`, "confirm");
  }

  private async advanceMessage(): Promise<void> {
    const d = this.d;
    if (!d.message) return this.ask("Sure. What message would you like me to pass on?", "message");
    if (!d.name) return this.ask("And may I have your name, please?", "name");
    if (!d.phone) return this.askPhone();
    const rec = await this.tool("take_message", { callerName: d.name, callbackNumber: d.phone, text: d.message, urgency: d.urgency ?? "normal" });
    if (!rec.ok) return this.failTask();
    const first = d.name.split(" ")[0] ?? d.name;
    this.say(`Thanks, ${first}. I've passed your message on, and someone will call you back${d.urgency === "high" ? " as soon as possible" : ""}.`);
    this.finishTask();
  }

  private async act(): Promise<void> {
    const d = this.d;
    if (this.task === "book") {
      const slot = d.slot as Slot;
      const rec = await this.tool("book_appointment", {
        serviceId: d.serviceId,
        start: slot.start,
        staffId: slot.staffId,
        customerName: d.name,
        customerPhone: d.phone,
      });
      if (rec.ok) {
        const withStaff = this.staffName(slot.staffId) ? ` with ${this.staffName(slot.staffId)}` : "";
        this.say(`You're all set. Your ${this.service()?.name.toLowerCase() ?? "appointment"}${withStaff} is booked ${this.when(slot.start)}.`);
        return this.finishTask();
      }
      return this.slotLost(rec);
    }
    if (this.task === "reschedule") {
      const slot = d.slot as Slot;
      const rec = await this.tool("reschedule_appointment", { appointmentId: d.appointment?.id, start: slot.start, staffId: slot.staffId });
      if (rec.ok) {
        this.say(`Done. Your appointment is now ${this.when(slot.start)}.`);
        return this.finishTask();
      }
      return this.slotLost(rec);
    }
    if (this.task === "cancel") {
      const rec = await this.tool("cancel_appointment", { appointmentId: d.appointment?.id, reason: "cancelled by caller" });
      if (!rec.ok) return this.failTask();
      this.say("Your appointment has been cancelled.");
      return this.finishTask();
    }
    return this.advance();
  }

  private async slotLost(rec: ToolCallRecord): Promise<void> {
    if (rec.error?.startsWith("conflict") || rec.error?.includes("too soon") || rec.error?.includes("passed")) {
      this.say("I'm sorry, that time was just taken.");
      const service = this.service() ?? findService(this.business, this.d.appointment?.serviceId ?? "");
      if (this.d.slot) {
        this.d.date = this.at(this.d.slot.start).toISODate() as string;
        delete this.d.time;
      }
      delete this.d.slot;
      if (service && (await this.resolveSlot(service, "What other day works for you?"))) return this.advance();
      return;
    }
    return this.failTask();
  }

  private async failTask(): Promise<void> {
    this.say("I'm sorry, something went wrong on my side.");
    return this.handOff();
  }

  private finishTask(): void {
    this.task = null;
    this.d = { offered: [], lookupFailures: 0, ...(this.d.name ? { name: this.d.name } : {}), ...(this.d.phone ? { phone: this.d.phone } : {}) };
    this.ask("Is there anything else I can help you with?", "anything_else");
  }

  private answer(u: Understanding): void {
    const I = u.intents;
    const b = this.business;
    const topic = I.has("hours") || I.has("prices") || I.has("location") || I.has("services");
    if (u.faqAnswer && (u.faqByKeyword || !topic) && !(I.has("prices") && u.service)) return this.say(u.faqAnswer);
    if (I.has("hours")) return this.say(u.when.date ? describeDayHours(b, this.at(u.when.date), this.now()) : describeWeeklyHours(b));
    if (I.has("prices")) {
      if (u.service) return this.say(describePrice(u.service));
      const priced = b.services.filter((s) => s.priceCents !== null).slice(0, 4);
      return this.say(priced.length ? priced.map(describePrice).join(" ") : "Prices depend on the job; we'll give you a quote.");
    }
    if (I.has("location")) return this.say(describeLocation(b) ?? `Please call us at ${b.phone} for directions.`);
    if (I.has("services")) return this.say(describeServices(b));
    if (u.faqAnswer) this.say(u.faqAnswer);
  }

  private async notUnderstood(): Promise<void> {
    this.failures++;
    if (this.failures >= this.maxFailures) {
      this.say("I'm sorry, I'm having trouble understanding.");
      return this.handOff();
    }
    if (this.awaiting === "intent" || this.awaiting === "anything_else") {
      this.say("Sorry, I can't help with that.");
      this.ask("I can book, move or cancel appointments, answer questions about our hours, prices and location, or take a message.", this.awaiting);
      return;
    }
    this.say("Sorry, I didn't catch that.");
    this.say(this.lastPrompt);
  }

  /** A person if there is one, else a message. */
  private async handOff(): Promise<void> {
    if (this.business.escalationPhone) return this.transfer("repeated misunderstanding");
    this.startTask("message", understand("", this.business, this.ctx.clock.now()));
    this.say("Let me take a message and have someone call you back.");
    return this.advanceMessage();
  }

  private async transfer(reason: string): Promise<void> {
    if (!this.business.escalationPhone) {
      this.say("I'm sorry, no one is available to take your call right now.");
      this.startTask("message", understand("", this.business, this.ctx.clock.now()));
      this.say("I can take a message and have someone call you back.");
      return this.advanceMessage();
    }
    this.say("Of course. Let me transfer you to someone now. Please hold.");
    const rec = await this.tool("transfer_call", { reason });
    if (rec.ok) {
      const to = (rec.result as { to: string }).to;
      this.out.push({ type: "transfer", to, reason });
      this.awaiting = "ended";
      return;
    }
    this.startTask("message", understand("", this.business, this.ctx.clock.now()));
    return this.advanceMessage();
  }

  private async wrapUp(): Promise<void> {
    this.say(`Thanks for calling ${this.business.name}. Have a great day. Goodbye.`);
    await this.end("caller said goodbye");
  }

  private async end(reason: string): Promise<void> {
    await this.tool("end_call", { reason });
    this.out.push({ type: "end", reason });
    this.awaiting = "ended";
  }
}

function serviceName(business: BusinessConfig, id: string): string {
  return (findService(business, id)?.name ?? "appointment").toLowerCase();
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Up to n slots spread over the day: first, middle, last. */
function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.round((i * (items.length - 1)) / (n - 1))] as T);
  return out;
}
