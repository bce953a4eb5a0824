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
    return { awaiting: this.call.awaiting, business: this.business, clock: this.ctx.clock };
  }

  async *greet(signal: AbortSignal): AsyncIterable<BrainEvent> {
    const call = this.call;
    call.events = [];
    call.say(this.business.greeting || this.opts.greeting || call.phrases.greeting(this.business.name));
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
      bareNumberIsTime: awaiting === "slot_choice" || awaiting === "date" || awaiting === "correction" || awaiting === "confirm",
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
    if (I.has("transfer") && call.awaiting !== "message" && call.awaiting !== "name") return call.transfer("caller asked for a person");
    if (I.has("repeat")) {
      call.say(call.lastPrompt);
      return;
    }
    const freeText = call.awaiting === "message" || call.awaiting === "name";
    const task = taskIntent(u);
    if (task && task !== call.task && !freeText && !(call.task && call.awaiting === "confirm" && I.has("no"))) {
      call.startTask(task, u);
      call.failures = 0;
      return call.advance();
    }
    // "Are you accepting new patients right now?" while a day is due: a yes/no question an FAQ answers
    // by keyword is answered below, and its "right now" is not taken as the day. Not while the caller
    // is dictating a message or a name, whose words are theirs to keep.
    const faqFirst = !freeText && isFaqYesNoQuestion(u);
    if (call.task && !faqFirst && (await fill(call, FLOWS[call.task], u))) {
      call.failures = 0;
      return;
    }
    if (asksQuestion(u)) {
      answer(call, u);
      call.failures = 0;
      if (call.task) call.say(call.lastPrompt);
      else call.ask(call.phrases.anythingElse(), "anything_else");
      return;
    }
    if (call.awaiting === "intent" || call.awaiting === "anything_else") {
      if (I.has("goodbye") || I.has("no") || (I.has("thanks") && call.awaiting === "anything_else")) return this.wrapUp();
      if (I.has("yes")) {
        call.ask(call.phrases.whatCanIHelpWith(), "intent");
        return;
      }
      const shortAnswer = u.norm.split(" ").length <= 6 && !/\b(what|how|why|who|when|where|which|weather)\b/.test(u.norm);
      if (u.service || ((u.when.date || u.when.time || I.has("first_available")) && shortAnswer)) {
        call.startTask("book", u);
        return call.advance();
      }
    }
    if (I.has("goodbye")) return this.wrapUp();
    if (I.has("thanks") && !call.task) {
      call.ask(call.phrases.youreWelcome(), "anything_else");
      return;
    }
    return this.notUnderstood();
  }

  private async notUnderstood(): Promise<void> {
    const { call } = this;
    if (call.failedAgain()) {
      call.say(call.phrases.troubleUnderstanding());
      return call.handOff();
    }
    if (call.awaiting === "intent" || call.awaiting === "anything_else") {
      call.say(call.phrases.cannotHelp());
      call.ask(call.phrases.whatICanDo(), call.awaiting);
      return;
    }
    call.say(call.phrases.didNotCatch());
    call.say(call.lastPrompt);
  }

  private async wrapUp(): Promise<void> {
    this.call.say(this.call.phrases.goodbye(this.business.name));
    await this.call.end("caller said goodbye");
  }
}
