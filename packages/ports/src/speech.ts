/** Speech ports: voice activity, recognition and synthesis. Audio crossing them is PCM16 mono. */

/** Frame-level voice activity detector. Synchronous: it runs on every 20 ms frame. */
export interface Vad {
  readonly sampleRate: number;
  /** Samples per frame the detector accepts (10, 20 or 30 ms for WebRTC VAD). */
  readonly frameSamples: number;
  /** True when the frame contains speech. */
  process(pcm: Int16Array): boolean;
  reset(): void;
  free(): void;
}

export interface SttHandlers {
  /** Hypothesis so far for the current utterance; may change. */
  onPartial?(text: string): void;
}

/** One streaming recognition session (a call); utterances follow one another on it. */
export interface SttStream {
  /** Feeds audio at the provider's sample rate; starts an utterance if none is open. */
  push(pcm: Int16Array): void;
  /** Ends the current utterance and resolves with its final text ("" when nothing was heard). */
  endUtterance(signal?: AbortSignal): Promise<string>;
  /** Drops the current utterance without a result. */
  abort(): void;
  close(): void;
  /**
   * What the caller is expected to say in the next utterance (the brain's `ExpectedEntity`: "date",
   * "name", "yes_no"…, or "none"). Recognisers that can bias toward it do from the next utterance on;
   * others ignore it.
   */
  expect?(entity: string): void;
}

export interface SttProvider {
  readonly id: string;
  readonly sampleRate: number;
  createStream(handlers?: SttHandlers): Promise<SttStream>;
}

export interface TtsProvider {
  readonly id: string;
  /** Rate of the chunks `synthesize` yields. */
  readonly sampleRate: number;
  /**
   * Audio arrives only once the whole text is synthesised (offline engines), so the TTS processor
   * speaks a long first sentence clause by clause to start sooner. Streaming engines leave it unset.
   */
  readonly wholeUtterance?: boolean;
  /** Speaks one sentence; stops (without throwing) when `signal` aborts. */
  synthesize(text: string, signal: AbortSignal): AsyncIterable<Int16Array>;
  /** Starts synthesising a sentence that will probably be asked for soon, so `synthesize` finds it ready. */
  prefetch?(text: string): void;
  close?(): void;
}
