import type { UsageSlice } from "@orbis/providers";
import type { ToolCallRecord, TurnLatency } from "@orbis/voice";

/** Drains what the call's providers did since the previous turn (`UsageSlicer.take`). */
export type TurnUsageSource = (options: { sttToNextTurn: boolean }) => UsageSlice | undefined;

/** When the caller's words of a turn were spoken, measured on the audio (absent for typed text and DTMF). */
export interface CallerSpeech {
  /** When the caller started speaking. */
  at: Date;
  /** How long they spoke: first voiced audio to last, pauses inside the turn included. */
  speechMs: number;
}

/** One exchange as stored in call_turns: what the caller said and what the agent answered. */
export interface CompletedTurn {
  seq: number;
  userText: string | null;
  agentText: string | null;
  heardText: string | null;
  interrupted: boolean;
  toolCalls: ToolCallRecord[];
  latency?: TurnLatency;
  /** Providers that served the turn, their usage and its cost (absent on the offline stack without metering). */
  usage?: UsageSlice;
  startedAt: Date;
  endedAt: Date;
  /** The caller's speech that opened the turn (spoken turns only). */
  callerSpeech?: CallerSpeech;
  /** Length of the agent's audio produced for the turn (what it would take to play all of it). */
  agentAudioMs: number;
  /** When the agent's audio of the turn started playing (absent when none played). */
  agentStartedAt?: Date;
  /** Interrupted turns: how much of the agent's audio had played when it was cut. */
  playedMs?: number;
}

interface Spoken {
  text: string;
  ms: number;
}

/**
 * Assembles turns from pipeline events and hands each one over exactly once, when it is complete:
 * the agent's audio finished playing, the caller interrupted it, or the caller started the next turn.
 * Turn 0 is the greeting (no caller text).
 */
export class TurnRecorder {
  private seq = 0;
  private current: {
    userText: string | null;
    agentSentences: string[];
    spoken: Spoken[];
    toolCalls: ToolCallRecord[];
    latency?: TurnLatency;
    startedAt: Date;
    agentDone: boolean;
    callerSpeech?: CallerSpeech;
    agentStartedAt?: Date;
  };

  constructor(
    private readonly onComplete: (turn: CompletedTurn) => void,
    private readonly now: () => Date = () => new Date(),
    private readonly usage?: TurnUsageSource,
  ) {
    this.current = this.fresh(null);
  }

  private fresh(userText: string | null, callerSpeech?: CallerSpeech) {
    return { userText, agentSentences: [], spoken: [], toolCalls: [], startedAt: this.now(), agentDone: false, ...(callerSpeech ? { callerSpeech } : {}) };
  }

  private get hasContent() {
    const c = this.current;
    return c.userText !== null || c.agentSentences.length > 0 || c.toolCalls.length > 0;
  }

  /** The caller finished a turn (final transcript, typed text, DTMF): the previous turn is over. */
  callerSaid(text: string, speech?: CallerSpeech): void {
    // The new utterance's recognition is already metered: it belongs to the turn it starts.
    this.flush(false, null, true);
    this.current = this.fresh(text, speech);
  }

  agentSentence(text: string): void {
    this.current.agentSentences.push(text);
  }

  /** Audio produced for a sentence, in the order it will be played. */
  agentAudio(text: string, ms: number): void {
    const last = this.current.spoken[this.current.spoken.length - 1];
    if (last && last.text === text) last.ms += ms;
    else this.current.spoken.push({ text, ms });
  }

  /** The agent's audio started playing (the first time in a turn counts). */
  agentPlaying(): void {
    this.current.agentStartedAt ??= this.now();
  }

  tool(call: ToolCallRecord): void {
    this.current.toolCalls.push(call);
  }

  latency(metrics: TurnLatency): void {
    this.current.latency = metrics;
  }

  /** The brain has produced the whole reply; the turn ends when its audio has been played. */
  agentDone(): void {
    this.current.agentDone = true;
  }

  playbackFinished(): void {
    if (this.current.agentDone) this.flush(false, null);
  }

  /** Barge-in: `playedMs` of the agent's audio reached the caller before it was cut. */
  interrupted(playedMs: number): string {
    const heard = heardText(this.current.spoken, playedMs);
    this.flush(true, heard, false, playedMs);
    return heard;
  }

  /** The call is over: whatever is open is written as it stands. */
  close(): void {
    this.flush(false, null);
  }

  private flush(interrupted: boolean, heard: string | null, sttToNextTurn = false, playedMs?: number): void {
    if (!this.hasContent) return;
    const c = this.current;
    const usage = this.usage?.({ sttToNextTurn });
    this.onComplete({
      seq: this.seq++,
      userText: c.userText,
      agentText: c.agentSentences.length ? c.agentSentences.join(" ") : null,
      heardText: interrupted ? heard : null,
      interrupted,
      toolCalls: c.toolCalls,
      ...(c.latency ? { latency: c.latency } : {}),
      ...(usage ? { usage } : {}),
      startedAt: c.startedAt,
      endedAt: this.now(),
      ...(c.callerSpeech ? { callerSpeech: c.callerSpeech } : {}),
      agentAudioMs: c.spoken.reduce((sum, s) => sum + s.ms, 0),
      ...(c.agentStartedAt ? { agentStartedAt: c.agentStartedAt } : {}),
      ...(interrupted && playedMs !== undefined ? { playedMs } : {}),
    });
    this.current = this.fresh(null);
  }
}

/** Whole sentences played, plus the words of the cut sentence in proportion to its audio played. */
export function heardText(spoken: readonly Spoken[], playedMs: number): string {
  const out: string[] = [];
  let left = playedMs;
  for (const s of spoken) {
    if (left <= 0) break;
    if (left >= s.ms) {
      if (s.text) out.push(s.text);
      left -= s.ms;
      continue;
    }
    const words = s.text.split(/\s+/).filter(Boolean);
    const n = Math.floor((words.length * left) / s.ms);
    if (n > 0) out.push(words.slice(0, n).join(" "));
    break;
  }
  return out.join(" ");
}
