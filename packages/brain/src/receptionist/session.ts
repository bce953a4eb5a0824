import type { BusinessConfig } from "@orbis/contracts";
import type { BrainEvent, BrainInput, BrainSession, ExpectedEntity } from "@orbis/voice";
import type { ToolContext, Toolbox } from "../tools/tool.ts";
import { CallDialogue, PREVIEW_STOP } from "./call-dialogue.ts";
import { EXPECTS } from "./dialogue.ts";
import * as endOfTurn from "./end-of-turn.ts";
import { answer, asksQuestion, isFaqYesNoQuestion } from "./flows/questions.ts";
import { FLOWS, taskIntent } from "./flows/tasks.ts";
import { understand } from "./nlu.ts";
import type { Understanding } from "./nlu.ts";
import { fill } from "./slot-filling.ts";

/** Words that half ask for a person: checked with the caller rather than refused. */
const HALF_A_PERSON = /\b(person|somebody|someone|speak|talk|desk|human|operator|staff|receptionist|anybody|anyone)\b/;

/** "I want to talk to a person" said where a name or message is due is still a request for a person. */
function isPlainRequestForPerson(u: Understanding): boolean {
  return u.norm.split(" ").length <= 10 && /\b(talk|speak|transfer|put me through|connect me|real person|human|operator|representative)\b/.test(u.norm);
}

/**
 * "…we're opening a second location and someone said you help with that, so maybe talk to someone?":
 * a long description of what the caller needs, which a service fits, ending in "talk to someone" — a
 * booking for that service, not a transfer. A plain request for a person ("a human", "the manager") is not.
 */
function isDescribedNeed(call: { task: string | null; awaiting: string }, u: Understanding): boolean {
  if (call.task || (call.awaiting !== "intent" && call.awaiting !== "anything_else")) return false;
  if (u.norm.split(" ").length < 20 || (!u.service && u.problemServices.length === 0) || u.emergency) return false;
  return !/\b(human|real person|live person|actual person|representative|operator|receptionist|manager|owner|front desk|put me through|transfer me|connect me)\b/.test(
    u.norm,
  );
}

/** An FAQ heard on weak evidence, with no topic (hours, prices…) to answer instead. */
function isWeakFaq(u: Understanding): boolean {
  const I = u.intents;
  return !u.faqStrong && I.has("faq") && !I.has("hours") && !I.has("prices") && !I.has("location") && !I.has("services");
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

/**
 * One call's conversation: greet → understand → fill slots → confirm → act → wrap up. Each turn goes
 * to one place: a new task (its flow in `flows/`), an answer to what the current task asked
 * (`slot-filling.ts`), a question (`flows/questions.ts`), or repair (silence, keypad, not understood).
 * The state and what the flows can do live in the `CallDialogue`.
 */
export class ReceptionistSession implements BrainSession {
  /** What the caller actually heard of the last reply (barge-in). */
  lastHeard: string | null = null;
  private call: CallDialogue;
  private silences = 0;
  private readonly business: BusinessConfig;
  private readonly maxSilences: number;

  constructor(
    private readonly opts: ReceptionistOptions,
    private readonly ctx: ToolContext,
    tools: Toolbox,
  ) {
    this.business = opts.business;
    this.maxSilences = opts.maxSilences ?? 3;
    this.call = new CallDialogue(opts.business, ctx, tools, opts.maxFailures ?? 3);
  }

  expecting(): ExpectedEntity {
    return EXPECTS[this.call.awaiting];
  }

  interrupted(heard: string): void {
    this.lastHeard = heard;
  }

  isCompleteUtterance(text: string): boolean {
    return endOfTurn.isCompleteUtterance(text, this.listening());
  }

  isOffEntity(text: string): boolean {
    return endOfTurn.isOffEntity(text, this.listening());
  }

  private listening(): endOfTurn.Listening {
    const pending = this.call.draft.phoneDigits;
    return { awaiting: this.call.awaiting, business: this.business, clock: this.ctx.clock, ...(pending ? { phoneDigits: pending } : {}) };
  }

  async *greet(signal: AbortSignal): AsyncIterable<BrainEvent> {
    const call = this.call;
    call.events = [];
    call.say(this.opts.greeting || call.phrases.greeting(this.business.name));
    call.lastPrompt = call.phrases.howCanIHelp();
    call.awaiting = "intent";
    yield* this.flush(signal);
  }

  /**
   * The turn's first sentence, worked out on a copy: the conversation state is copied (the draft
   * deeply), the copy stops at the first tool (a booking, a message, a lookup) and what it said before
   * that is the answer. Calendar reads for free slots do run; nothing is written.
   */
  async preview(input: BrainInput, signal: AbortSignal): Promise<string | undefined> {
    if (this.call.awaiting === "ended" || input.kind !== "speech" || signal.aborted) return undefined;
    const copy: ReceptionistSession = Object.assign(Object.create(ReceptionistSession.prototype) as object, this);
    copy.call = this.call.previewCopy();
    try {
      await copy.handle(input);
    } catch (err) {
      if (err !== PREVIEW_STOP) return undefined;
    }
    const first = copy.call.events.find((e) => e.type === "text");
    return first?.type === "text" && !signal.aborted ? first.text : undefined;
  }

  async *respond(input: BrainInput, signal: AbortSignal): AsyncIterable<BrainEvent> {
    this.call.events = [];
    if (this.call.awaiting === "ended") return;
    await this.handle(input);
    yield* this.flush(signal);
  }

  private *flush(signal: AbortSignal): Iterable<BrainEvent> {
    const events = this.call.events;
    this.call.events = [];
    for (const e of events) {
      if (signal.aborted && e.type === "text") continue;
      yield e;
    }
  }

  private async handle(input: BrainInput): Promise<void> {
    if (input.kind === "silence") return this.onSilence();
    this.silences = 0;
    if (input.kind === "dtmf") return this.onDtmf(input.digits);
    const text = input.text.trim();
    if (!text) return this.onSilence();
    const awaiting = this.call.awaiting;
    const u = understand(text, this.business, this.ctx.clock.now(), {
      bareNumberIsTime:
        awaiting === "slot_choice" ||
        awaiting === "date" ||
        awaiting === "correction" ||
        awaiting === "confirm" ||
        /\b(make it|make that|change (it|the time) to|move it to)\b/i.test(text),
    });
    return this.onUtterance(u);
  }

  private async onSilence(): Promise<void> {
    const { call } = this;
    this.silences++;
    if (this.silences >= this.maxSilences) {
      call.say(call.phrases.noResponseGoodbye(this.business.name));
      await call.end("no response from caller");
      return;
    }
    call.say(this.silences === 1 ? call.phrases.stillThere() : call.phrases.cantHear());
    call.say(call.lastPrompt);
  }

  /** 0: a person; digits while a number is due; 1/2: yes/no. */
  private async onDtmf(digits: string): Promise<void> {
    const { call } = this;
    const clean = digits.replace(/[^0-9*#]/g, "");
    if (clean === "0" || (clean.startsWith("0") && call.awaiting !== "phone" && call.awaiting !== "identify_phone")) {
      return call.transfer("caller pressed 0");
    }
    if (call.awaiting === "phone" || call.awaiting === "identify_phone") {
      return this.onUtterance(understand(clean.replace(/[*#]/g, ""), this.business, this.ctx.clock.now()));
    }
    if (EXPECTS[call.awaiting] === "yes_no" && (clean === "1" || clean === "2")) {
      return this.onUtterance(understand(clean === "1" ? "yes" : "no", this.business, this.ctx.clock.now()));
    }
    call.say(call.phrases.pressZero());
    call.say(call.lastPrompt);
  }

  private async onUtterance(u: Understanding): Promise<void> {
    const { call } = this;
    const I = u.intents;
    const freeText = call.awaiting === "message" || call.awaiting === "name";
    // "Take me off your list" in any state but the dictation of a message (whose words are the caller's).
    if (I.has("do_not_call") && call.awaiting !== "message") return call.doNotCall();
    if (I.has("transfer") && (!freeText || isPlainRequestForPerson(u)) && !isDescribedNeed(call, u)) return call.transfer("caller asked for a person");
    if (I.has("repeat")) {
      call.say(call.lastPrompt);
      return;
    }
    if (await this.onCheckAnswered(u)) return;
    // "We have no heat", "I'm in severe pain": a person now, or an urgent message — never an FAQ.
    if (u.emergency && !freeText && call.task !== "message") return this.onEmergency(u);
    const task = taskIntent(u);
    // "Can you change the time to 2" while booking changes this booking; it is not a reschedule.
    const changesThisBooking = call.task === "book" && task === "reschedule" && !/\b(my|existing|other|current) (appointment|booking)\b/.test(u.norm);
    if (task && task !== call.task && !freeText && !changesThisBooking && !(call.task && call.awaiting === "confirm" && I.has("no"))) {
      call.startTask(task, u);
      call.failures = 0;
      return call.advance();
    }
    // "Are you accepting new patients right now?" while a day is due: a yes/no question an FAQ answers
    // by keyword is answered below, and its "right now" is not taken as the day. Not while the caller
    // is dictating a message or a name, whose words are theirs to keep.
    const faqFirst = !freeText && isFaqYesNoQuestion(u);
    const missesBefore = call.failures;
    if (call.task && !faqFirst && (await fill(call, FLOWS[call.task], u))) {
      // A turn the filling counted as a miss (the service still unknown) keeps the count going.
      if (call.failures <= missesBefore) call.failures = 0;
      return;
    }
    if (asksQuestion(u)) return this.onQuestion(u);
    if (call.awaiting === "intent" || call.awaiting === "anything_else") {
      // "Yeah hi, so my tooth is killing me…": the problem is what counts, not the "yeah".
      const shortAnswer = u.norm.split(" ").length <= 6 && !/\b(what|how|why|who|when|where|which|weather)\b/.test(u.norm);
      const topicBooking = call.topicServiceId !== null && (u.when.date || u.when.time) && !I.has("no");
      if (u.service || u.problemServices.length > 0 || topicBooking || ((u.when.date || u.when.time || I.has("first_available")) && shortAnswer)) {
        call.startTask("book", u);
        call.failures = 0;
        return call.advance();
      }
      if (I.has("goodbye") || I.has("no") || (I.has("thanks") && call.awaiting === "anything_else")) return this.wrapUp();
      if (I.has("yes")) {
        call.ask(call.phrases.whatCanIHelpWith(), "intent");
        return;
      }
    }
    if (I.has("goodbye")) return this.wrapUp();
    if (I.has("thanks") && !call.task) {
      call.ask(call.phrases.youreWelcome(), "anything_else");
      return;
    }
    return this.notUnderstood(u);
  }

  /** A question about the business: answered, unless it was heard on weak evidence — then checked first. */
  private onQuestion(u: Understanding): void {
    const { call } = this;
    if (isWeakFaq(u) && u.faqQuestion && u.faqAnswer) {
      call.pendingAnswer = u.faqAnswer;
      call.promptBeforeCheck = call.task ? { prompt: call.lastPrompt, awaiting: call.awaiting } : null;
      call.ask(call.phrases.checkQuestion(u.faqQuestion), "clarify_question");
      return;
    }
    answer(call, u);
    call.failures = 0;
    if (call.task) call.say(call.lastPrompt);
    else call.ask(call.phrases.anythingElse(), "anything_else");
  }

  /** Yes or no to "would you like me to put you through?" or "are you asking …?". True when consumed. */
  private async onCheckAnswered(u: Understanding): Promise<boolean> {
    const { call } = this;
    const yes = u.intents.has("yes") && !u.intents.has("no");
    const no = u.intents.has("no");
    if (call.awaiting === "offer_transfer") {
      if (yes) await call.transfer("caller asked for a person");
      else if (no) call.ask(call.phrases.whatCanIHelpWith(), "intent");
      return yes || no;
    }
    if (call.awaiting !== "clarify_question" || (!yes && !no)) return false;
    const before = call.promptBeforeCheck;
    const pending = call.pendingAnswer;
    call.pendingAnswer = null;
    call.promptBeforeCheck = null;
    call.failures = 0;
    if (yes && pending) call.say(pending);
    if (before) call.ask(before.prompt, before.awaiting);
    else if (yes) call.ask(call.phrases.anythingElse(), "anything_else");
    else call.ask(call.phrases.whatCanIHelpWith(), "intent");
    return true;
  }

  /** Put through to a person now; without a number, an urgent message (the words so far are its text). */
  private async onEmergency(u: Understanding): Promise<void> {
    const { call } = this;
    call.failures = 0;
    const note = u.text.trim().split(/\s+/).length >= 4 && !/\?\s*$/.test(u.text) ? u.text.trim() : undefined;
    if (!u.intents.has("message")) return call.transfer("emergency", true, note);
    // "Have someone call me back, the basement is flooding": the message they asked for, flagged.
    call.startTask("message", u);
    call.draft.urgency = "high";
    if (note) call.draft.message = note;
    return call.advance();
  }

  /**
   * Not understood. The first miss asks again in other words; the second changes the approach (a
   * choice of mornings or afternoons, spelling the name, the number digit by digit, the list of what
   * can be done); the third hands the call to a person or a message. Never the same sentence twice.
   */
  private async notUnderstood(u: Understanding): Promise<void> {
    const { call } = this;
    const p = call.phrases;
    if (call.failedAgain()) {
      call.say(p.troubleUnderstanding());
      return call.handOff();
    }
    const second = call.failures >= 2;
    switch (call.awaiting) {
      case "intent":
      case "anything_else":
        // "Can I talk to… someone" half heard: ask rather than refuse.
        if (HALF_A_PERSON.test(u.norm)) return call.ask(p.offerTransfer(), "offer_transfer");
        if (second) return call.ask(p.stillNotClear(), "intent");
        call.say(p.cannotHelp());
        return call.ask(p.whatICanDo(), call.awaiting);
      case "date":
        return call.ask(second ? p.morningOrAfternoon() : p.dayAgain(), "date");
      case "slot_choice":
        if (second) {
          call.draft.offered = [];
          return call.ask(p.morningOrAfternoon(), "date");
        }
        return call.ask(p.whichOfThose(), "slot_choice");
      case "name":
        return call.ask(second ? p.spellName() : p.nameAgain(), "name");
      case "phone":
      case "identify_phone":
        return call.ask(second ? p.phoneDigitByDigit() : p.phoneAgain(), call.awaiting);
      case "confirm":
        return call.ask(second ? p.goAheadOrChange() : p.goAheadAgain(), "confirm");
      case "correction":
        return call.ask(p.whatToChangeAgain(), "correction");
      case "message":
        return call.ask(p.messageAgain(), "message");
      case "phone_confirm":
      case "offer_transfer":
      case "clarify_question":
        if (second) return call.ask(p.yesOrNo(), call.awaiting);
        break;
      default:
        break;
    }
    call.say(p.didNotCatch());
    call.say(call.lastPrompt);
  }

  private async wrapUp(): Promise<void> {
    this.call.say(this.call.phrases.goodbye(this.business.name));
    await this.call.end("caller said goodbye");
  }
}
