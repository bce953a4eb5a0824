import { SentenceStream } from "@orbis/brain";
import type { ChatMessage, ChatModel } from "@orbis/ports";
import type { Brain, BrainEvent, BrainInput, BrainSession, CallContext, ExpectedEntity } from "@orbis/voice";
import { parseProspectReply, prospectInstructions } from "./llm-prospect.ts";
import {
  createProspectBrain,
  openingLine,
  RUDE_TURNS_TO_HANG_UP,
  RULE_LINES,
  SILENT_TURNS_TO_HANG_UP,
  type ProspectEndReason,
  type ProspectOptions,
} from "./prospect.ts";
import { isRude } from "./text.ts";

export interface LlmProspectOptions extends ProspectOptions {
  /** The model that plays the prospect (the gateway's fallback chain of the configured `PRACTICE_LLM`). */
  model: ChatModel;
  /** Where a model failure is reported (the session carries on with the offline engine). Default console. */
  log?: { warn(obj: object, msg?: string): void };
}

/** Said once when the model fails mid-session, before the offline engine takes over. */
export const BREAKING_UP_LINE = "Sorry, you're breaking up — can you say that again?";

/** Said when the model's reply had nothing to speak and did not end the call. */
const EMPTY_REPLY_LINE = "Go on.";
/** Phone-call replies are one to three short sentences; this bounds a runaway one. */
const MAX_REPLY_TOKENS = 300;
/** A little variety between rehearsals of the same scenario, without drifting out of character. */
const TEMPERATURE = 0.7;
/** An end marker the parser does not know (`[END]`, `[END done]`, or one cut off by the token limit): never spoken. */
const STRAY_END_MARKER = /\[END\b[^\]]*\]?/gi;

/**
 * The prospect played by a language model: the persona and scenario are its instructions
 * (`prospectInstructions`), it greets with the scenario's opening line, and its replies are spoken
 * sentence by sentence as they stream in. The end conditions are the offline prospect's: the model
 * ends the session with an `[END reason]` marker (next step agreed, hung up), and the rules that need
 * no judgement are kept here whatever the model says — the time limit, the second rude turn, a rep
 * silent three turns running. If the model fails, the prospect says it cannot hear the rep, and the
 * offline engine plays the rest of the session.
 */
export function createLlmProspectBrain(options: LlmProspectOptions): Brain {
  // The offline engine: the recogniser's phrases (reps say the same things to either) and the fallback.
  const offline = createProspectBrain(options);
  return {
    id: `prospect:llm:${options.model.id}`,
    startSession: (ctx: CallContext): BrainSession => new LlmProspectSession(options, () => offline.startSession(ctx)),
    phraseSpec: () => offline.phraseSpec!(),
  };
}

class LlmProspectSession implements BrainSession {
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly instructions: string;
  private readonly history: ChatMessage[] = [];
  /** The rep's turns the model answered, replayed into the offline engine if it has to take over. */
  private readonly repTurns: BrainInput[] = [];
  private offline: BrainSession | null = null;
  private ended = false;
  private rudeness = 0;
  private silences = 0;
  private nudge = 0;

  constructor(
    private readonly options: LlmProspectOptions,
    private readonly startOffline: () => BrainSession,
  ) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.instructions = prospectInstructions(options.persona, options.scenario);
  }

  expecting(): ExpectedEntity {
    return this.ended ? "none" : "free_text";
  }

  interrupted(heard: string): void {
    // The model should know what the rep actually heard of its last reply.
    const last = this.history.at(-1);
    if (!this.offline && last?.role === "assistant") last.content = heard;
  }

  async *greet(): AsyncIterable<BrainEvent> {
    const text = openingLine(this.options.persona, this.options.scenario);
    this.history.push({ role: "assistant", content: text });
    yield { type: "text", text };
  }

  async *respond(input: BrainInput, signal: AbortSignal): AsyncIterable<BrainEvent> {
    if (this.ended || input.kind === "dtmf") return;
    // The time limit counts from this session's start, whoever plays the prospect now.
    if (this.now() - this.startedAt >= this.options.scenario.timeLimitSec * 1000) {
      yield* this.end(RULE_LINES.timeUp, "time_up");
      return;
    }
    if (this.offline) {
      yield* this.fromOffline(this.offline.respond(input, signal));
      return;
    }
    const text = input.kind === "silence" ? "" : input.text.trim();
    if (!text) {
      yield* this.silence();
      return;
    }
    this.silences = 0;
    // Rudeness is the model's call (it may hang up at once), but the second rude turn always ends it.
    if (isRude(text) && ++this.rudeness >= RUDE_TURNS_TO_HANG_UP) {
      yield* this.end(RULE_LINES.rudeHangUp, "prospect_hung_up");
      return;
    }
    this.history.push({ role: "user", content: text });
    yield* this.ask(input, signal);
  }

  /** Streams the model's reply to the history, sentence by sentence, the end marker taken out. */
  private async *ask(input: BrainInput, signal: AbortSignal): AsyncIterable<BrainEvent> {
    const stream = new SentenceStream();
    const spoken: string[] = [];
    const ending: { reason: ProspectEndReason | null } = { reason: null };
    const speak = (pieces: string[]): BrainEvent[] =>
      pieces.flatMap((piece) => {
        const reply = parseProspectReply(piece);
        ending.reason ??= reply.endReason;
        const text = reply.text.replace(STRAY_END_MARKER, " ").replace(/\s+/g, " ").trim();
        // An end marker the parser does not know still ends the call: the model meant to hang up.
        if (text !== reply.text) ending.reason ??= "prospect_hung_up";
        if (!/[a-z0-9]/i.test(text)) return [];
        spoken.push(text);
        return [{ type: "text", text }];
      });
    try {
      const messages: ChatMessage[] = [{ role: "system", content: this.instructions }, ...this.history];
      for await (const chunk of this.options.model.stream({ messages, tools: [], signal, temperature: TEMPERATURE, maxTokens: MAX_REPLY_TOKENS })) {
        if (signal.aborted) break;
        if (chunk.type === "text") yield* speak(stream.push(chunk.text));
      }
      if (!signal.aborted) yield* speak(stream.flush());
    } catch (err) {
      if (!signal.aborted) {
        yield* this.failOver(err);
        return;
      }
    } finally {
      // Also when the rep barged in: what was said so far is the reply (`interrupted` trims it to what was heard).
      if (spoken.length > 0) this.history.push({ role: "assistant", content: spoken.join(" ") });
    }
    this.repTurns.push(input);
    if (signal.aborted) return;
    if (spoken.length === 0 && !ending.reason) {
      // A reply with nothing to say (only a stage direction, say) would leave the rep waiting in silence.
      this.history.push({ role: "assistant", content: EMPTY_REPLY_LINE });
      yield { type: "text", text: EMPTY_REPLY_LINE };
    }
    if (ending.reason) {
      this.ended = true;
      yield { type: "end", reason: ending.reason };
    }
  }

  /** Nudges a silent rep, and hangs up after a few silent turns, like the offline prospect (no model call). */
  private async *silence(): AsyncIterable<BrainEvent> {
    this.repTurns.push({ kind: "silence" });
    if (++this.silences >= SILENT_TURNS_TO_HANG_UP) {
      yield* this.end(RULE_LINES.lostEachOther, "prospect_hung_up");
      return;
    }
    const text = RULE_LINES.nudges[this.nudge++ % RULE_LINES.nudges.length] as string;
    this.history.push({ role: "user", content: "(the rep says nothing)" }, { role: "assistant", content: text });
    yield { type: "text", text };
  }

  /**
   * The model failed (after the provider chain's own fallbacks): the prospect asks the rep to say it
   * again, once, and the offline engine plays on — brought up to date with the rep's earlier turns, so
   * its counts (turns, rudeness, what was pitched) carry on rather than start over.
   */
  private async *failOver(err: unknown): AsyncIterable<BrainEvent> {
    (this.options.log ?? console).warn(
      { model: this.options.model.id, err: err instanceof Error ? err.message : String(err) },
      "practice prospect: the model failed; the offline prospect plays the rest of the session",
    );
    this.offline = await this.caughtUpOffline();
    yield { type: "text", text: BREAKING_UP_LINE };
  }

  private async caughtUpOffline(): Promise<BrainSession> {
    const replayed = this.startOffline();
    const signal = new AbortController().signal;
    for (const input of this.repTurns) {
      // What it would have said is not said: only its state is wanted.
      for await (const event of replayed.respond(input, signal)) if (event.type === "end") break;
    }
    // A replay that would have ended the session (the engine judging the past differently) starts afresh instead.
    return replayed.expecting() === "none" ? this.startOffline() : replayed;
  }

  private async *fromOffline(events: AsyncIterable<BrainEvent>): AsyncIterable<BrainEvent> {
    for await (const event of events) {
      if (event.type === "end") this.ended = true;
      yield event;
    }
  }

  private async *end(line: string, reason: ProspectEndReason): AsyncIterable<BrainEvent> {
    this.ended = true;
    yield { type: "text", text: line };
    yield { type: "end", reason };
  }
}
