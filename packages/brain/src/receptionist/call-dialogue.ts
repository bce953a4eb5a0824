import { DateTime } from "luxon";
import type { BusinessConfig } from "@orbis/contracts";
import type { BrainEvent, ToolCallRecord } from "@orbis/voice";
import type { Slot } from "../availability.ts";
import { splitSentences } from "../text.ts";
import { findSlots } from "../tools/builtins.ts";
import type { ToolContext, Toolbox } from "../tools/tool.ts";
import type { Awaiting, Dialogue, SlotQuery, Task } from "./dialogue.ts";
import { freshDraft } from "./draft.ts";
import { FLOWS } from "./flows/tasks.ts";
import type { Understanding } from "./nlu.ts";
import { englishPhrases } from "./phrases.ts";

/** Thrown inside a preview where the real turn would run a tool: the preview stops there. */
export const PREVIEW_STOP = Symbol("preview stops before a tool");

/**
 * One call's dialogue state (what was asked, the task and its draft) and what can be done in it:
 * the `Dialogue` the flows act on. What it says and does in a turn collects in `events`.
 */
export class CallDialogue implements Dialogue {
  readonly phrases = englishPhrases;
  readonly caller: string | undefined;
  awaiting: Awaiting = "intent";
  task: Task | null = null;
  draft = freshDraft();
  /** The last question asked: said again after a silence, "sorry?" or a misunderstanding. */
  lastPrompt = this.phrases.howCanIHelp();
  topicServiceId: string | null = null;
  /** Consecutive answers not understood. */
  failures = 0;
  /** The answer to a question heard on weak evidence, given once the caller says that was it. */
  pendingAnswer: string | null = null;
  /** What was being asked before the check "are you asking …?", asked again after the answer. */
  promptBeforeCheck: { prompt: string; awaiting: Awaiting } | null = null;
  events: BrainEvent[] = [];
  /** This is a throwaway copy answering a preview: tools are not run. */
  private previewing = false;

  constructor(
    readonly business: BusinessConfig,
    private readonly ctx: ToolContext,
    private readonly tools: Toolbox,
    private readonly maxFailures: number,
  ) {
    this.caller = ctx.caller;
  }

  /** A copy to work a turn out on: the draft is copied deeply, and the copy stops at the first tool. */
  previewCopy(): CallDialogue {
    const copy: CallDialogue = Object.assign(Object.create(CallDialogue.prototype) as object, this);
    copy.draft = structuredClone(this.draft);
    copy.events = [];
    copy.previewing = true;
    return copy;
  }

  say(...texts: string[]): void {
    for (const t of texts) for (const s of splitSentences(t)) this.events.push({ type: "text", text: s });
  }

  ask(question: string, awaiting: Awaiting): void {
    this.say(question);
    this.lastPrompt = question;
    this.awaiting = awaiting;
  }

  async tool(name: string, args: Record<string, unknown>): Promise<ToolCallRecord> {
    if (this.previewing) throw PREVIEW_STOP;
    const rec = await this.tools.run(name, args, this.ctx);
    this.events.push({ type: "tool", call: rec });
    return rec;
  }

  freeSlots(query: SlotQuery): Promise<Slot[]> {
    return findSlots(this.ctx, query);
  }

  now(): DateTime {
    return DateTime.fromJSDate(this.ctx.clock.now(), { zone: this.business.timezone });
  }

  at(iso: string): DateTime {
    return DateTime.fromISO(iso, { zone: this.business.timezone });
  }

  when(iso: string): string {
    return this.phrases.when(this.at(iso), this.now());
  }

  /** A new task with a fresh draft (name and number carry over), filled from the words that started it. */
  startTask(task: Task, u?: Understanding): void {
    this.task = task;
    this.draft = freshDraft(this.draft);
    if (u) FLOWS[task].begin?.(this, u);
  }

  async advance(): Promise<void> {
    if (this.task) return FLOWS[this.task].advance(this);
    this.ask(this.phrases.howCanIHelp(), "intent");
  }

  continueAs(task: Task): Promise<void> {
    this.task = task;
    return this.advance();
  }

  finishTask(): void {
    this.task = null;
    this.draft = freshDraft(this.draft);
    this.ask(this.phrases.anythingElse(), "anything_else");
  }

  async failTask(): Promise<void> {
    this.say(this.phrases.somethingWentWrong());
    return this.handOff();
  }

  async handOff(): Promise<void> {
    if (this.business.escalationPhone) return this.transfer("repeated misunderstanding");
    this.say(this.phrases.takingMessage());
    return this.takeMessage();
  }

  failedAgain(): boolean {
    this.failures++;
    return this.failures >= this.maxFailures;
  }

  /**
   * To the escalation number; without one (or when the transfer fails), a message. An urgent one
   * says so, and its message is flagged for a call back as soon as possible.
   */
  async transfer(reason: string, urgent = false, note?: string): Promise<void> {
    const phone = this.business.escalationPhone;
    if (!phone) {
      if (urgent) this.say(this.phrases.urgentMessage());
      else this.say(this.phrases.noOneAvailable(), this.phrases.canTakeMessage());
      return this.takeMessage(urgent, note);
    }
    if (this.ctx.channel === "web") {
      // A website caller cannot be put through: the number to ring, and a message meanwhile.
      this.say(urgent ? this.phrases.webUrgent(phone, this.business.country) : this.phrases.webCannotTransfer(phone, this.business.country));
      return this.takeMessage(urgent, note);
    }
    this.say(urgent ? this.phrases.urgentTransferring() : this.phrases.transferring());
    const rec = await this.tool("transfer_call", { reason });
    if (rec.ok) {
      const to = (rec.result as { to: string }).to;
      this.events.push({ type: "transfer", to, reason });
      this.awaiting = "ended";
      return;
    }
    return this.takeMessage(urgent, note);
  }

  /** "Stop calling me": recorded (the worker lists the number as do-not-call), said, and the call ends. */
  async doNotCall(): Promise<void> {
    await this.tool("do_not_call", { reason: "caller asked not to be called again" });
    this.say(this.phrases.doNotCall(this.business.name));
    return this.end("caller asked not to be called");
  }

  async end(reason: string): Promise<void> {
    await this.tool("end_call", { reason });
    this.events.push({ type: "end", reason });
    this.awaiting = "ended";
  }

  /** A message for the team; `note`, when the caller already said what it is about, is its text. */
  private takeMessage(urgent = false, note?: string): Promise<void> {
    this.startTask("message");
    if (urgent) this.draft.urgency = "high";
    if (note) this.draft.message = note;
    return this.advance();
  }
}
