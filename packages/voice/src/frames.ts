import type { BrainInput, ToolCallRecord } from "./brain.ts";

/**
 * Frames are plain objects in two lanes. System frames jump the queue and survive interruption;
 * data frames are ordered and dropped on interruption unless `keep` is set.
 */
export type Direction = "down" | "up";

export interface ErrorInfo {
  source: string;
  message: string;
  retryable: boolean;
  /** A fatal error ends the call. */
  fatal: boolean;
}

export type InterruptReason = "barge-in" | "client" | "system";

export type SystemFrame =
  | { type: "start"; lane: "system"; sampleRate: number; callId?: string }
  | { type: "interrupt"; lane: "system"; reason: InterruptReason }
  | { type: "error"; lane: "system"; error: ErrorInfo }
  | { type: "end"; lane: "system"; reason: string }
  /** Upstream status from the output transport: agent audio started or stopped playing. */
  | { type: "agent-speaking"; lane: "system"; speaking: boolean };

export type DataFrame =
  /**
   * PCM16 mono at `sampleRate` (16 kHz inside the pipeline), normally 20 ms. `speech` is set by the VAD;
   * `quiet` marks a speech frame far below the recent speech level (the detector's hangover after the
   * last word, a breath), which the turn-taker counts as silence once the detector agrees.
   */
  | { type: "audio-in"; lane: "data"; keep?: boolean; pcm: Int16Array; sampleRate: number; speech?: boolean; quiet?: boolean }
  /** Smoothed VAD transitions (raw per-frame decisions travel on `audio-in.speech`). */
  | { type: "vad"; lane: "data"; keep?: boolean; speaking: boolean }
  | { type: "user-turn-start"; lane: "data"; keep?: boolean; bargeIn: boolean }
  | {
      type: "user-turn-end";
      lane: "data";
      keep?: boolean;
      reason: "silence" | "max-length";
      /** Trailing silence already elapsed when the turn was ended (speech really ended this long ago). */
      trailingSilenceMs: number;
    }
  /**
   * The caller has been silent long enough that the turn ends `leadMs` from now unless they speak
   * again: a recogniser may finalise early so the final transcript is ready when the turn ends.
   */
  | { type: "user-turn-ending"; lane: "data"; keep?: boolean; leadMs: number }
  /** The caller spoke again after `user-turn-ending`: the turn goes on (an early final is void). */
  | { type: "user-turn-resumed"; lane: "data"; keep?: boolean }
  /**
   * Recogniser output. `early`: a partial that is the recogniser's final for the turn so far, taken at
   * `user-turn-ending` (the turn may still go on).
   */
  | { type: "transcript"; lane: "data"; keep?: boolean; text: string; final: boolean; early?: boolean }
  /** A sentence the agent will probably say next (`BrainSession.preview`): a TTS may synthesise it ahead. */
  | { type: "tts-prefetch"; lane: "data"; keep?: boolean; text: string }
  /** Non-speech caller input (typed text, DTMF, watchdog silence) for the brain. */
  | { type: "user-input"; lane: "data"; keep?: boolean; input: BrainInput }
  /** One agent sentence to speak. */
  | { type: "text"; lane: "data"; keep?: boolean; text: string; turn: number }
  | { type: "agent-turn-end"; lane: "data"; keep?: boolean; turn: number }
  | { type: "tool-call"; lane: "data"; keep?: boolean; turn: number; name: string; args: unknown }
  | { type: "tool-result"; lane: "data"; keep?: boolean; turn: number; call: ToolCallRecord }
  | { type: "transfer"; lane: "data"; keep?: boolean; to: string; reason: string }
  /** The agent asked to end the call after what it has said so far. */
  | { type: "agent-end"; lane: "data"; keep?: boolean; reason: string }
  | { type: "audio-out"; lane: "data"; keep?: boolean; pcm: Int16Array; sampleRate: number; turn: number; text: string }
  | { type: "turn-metrics"; lane: "data"; keep?: boolean; metrics: TurnLatency }
  | { type: "watchdog"; lane: "data"; keep?: boolean; action: WatchdogAction; attempt: number };

export type Frame = SystemFrame | DataFrame;
export type FrameType = Frame["type"];
export type FrameOf<T extends FrameType> = Extract<Frame, { type: T }>;

export type WatchdogAction = "reprompt" | "apologise" | "end";

/** Timestamps in ms (one clock) for one caller turn and the derived stage latencies. */
export interface TurnLatency {
  turn: number;
  speechEndAt: number;
  endpointAt: number;
  sttFinalAt?: number;
  brainFirstTextAt?: number;
  ttsFirstAudioAt?: number;
  firstAudioSentAt?: number;
  /** Endpointing wait: end of speech → turn end decided (the silence window). */
  endpoint_ms: number;
  asr_ms?: number;
  llm_ms?: number;
  tts_ms?: number;
  /** End of caller speech → first agent audio sent. */
  e2e_ms?: number;
}

export const isSystem = (frame: Frame): frame is SystemFrame => frame.lane === "system";

/** Whether a frame survives an interruption. */
export const survivesInterrupt = (frame: Frame): boolean => frame.lane === "system" || frame.keep === true;

/** Small constructors so callers never spell the lane by hand. */
export const frames = {
  start: (sampleRate = 16000, callId?: string): FrameOf<"start"> => ({ type: "start", lane: "system", sampleRate, callId }),
  interrupt: (reason: InterruptReason = "barge-in"): FrameOf<"interrupt"> => ({ type: "interrupt", lane: "system", reason }),
  error: (error: ErrorInfo): FrameOf<"error"> => ({ type: "error", lane: "system", error }),
  end: (reason: string): FrameOf<"end"> => ({ type: "end", lane: "system", reason }),
  agentSpeaking: (speaking: boolean): FrameOf<"agent-speaking"> => ({ type: "agent-speaking", lane: "system", speaking }),
  audioIn: (pcm: Int16Array, sampleRate = 16000): FrameOf<"audio-in"> => ({ type: "audio-in", lane: "data", pcm, sampleRate }),
  transcript: (text: string, final: boolean): FrameOf<"transcript"> => ({ type: "transcript", lane: "data", text, final }),
  userInput: (input: BrainInput): FrameOf<"user-input"> => ({ type: "user-input", lane: "data", input }),
  text: (text: string, turn = 0): FrameOf<"text"> => ({ type: "text", lane: "data", text, turn }),
  userTurnStart: (bargeIn = false): FrameOf<"user-turn-start"> => ({ type: "user-turn-start", lane: "data", bargeIn }),
  userTurnEnd: (reason: "silence" | "max-length" = "silence", trailingSilenceMs = 0): FrameOf<"user-turn-end"> => ({
    type: "user-turn-end",
    lane: "data",
    reason,
    trailingSilenceMs,
  }),
};
