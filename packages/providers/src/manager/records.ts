import type { ProviderError } from "@orbis/ports";

export type Capability = "stt" | "tts" | "llm" | "realtime";

export interface ProviderFailure {
  provider: string;
  message: string;
  retryable: boolean;
  /** error | timeout (no first result in time) | stall (stopped mid-stream) */
  kind: "error" | "timeout" | "stall";
}

/** One unit of work (an utterance, a sentence, a model call) and who did it. */
export interface ServedRecord {
  capability: Capability;
  /** Provider that produced the result (the last one tried). Empty when every provider failed. */
  servedBy: string | null;
  /** Every provider that was asked, in order (more than one = a fallback happened). */
  tried: string[];
  failures: ProviderFailure[];
  /**
   * Time from the failure being noticed to the replacement's first output (ms): first chunk (LLM),
   * first audio (TTS), final (STT switching at end of turn) or connected and caught up with the
   * utterance (STT switching mid-utterance). Absent without fallback.
   */
  switchMs?: number;
  at: number;
}

export function failureOf(provider: string, err: unknown, kind: ProviderFailure["kind"] = "error"): ProviderFailure {
  const e = err as Partial<ProviderError> & { message?: string };
  return { provider, message: String(e?.message ?? err), retryable: e?.retryable ?? true, kind };
}

/** Per-call log the gateway drains after each turn (`takeRecords`) to store on the turn row. */
export class ServedLog {
  private records: ServedRecord[] = [];

  push(record: ServedRecord): void {
    this.records.push(record);
  }

  take(): ServedRecord[] {
    const out = this.records;
    this.records = [];
    return out;
  }

  peek(): readonly ServedRecord[] {
    return this.records;
  }
}

/** Raced with a promise: rejects after `ms` with a marker the wrappers recognise as a stall. */
export class StallError extends Error {
  constructor(
    readonly provider: string,
    readonly kind: "timeout" | "stall",
    ms: number,
  ) {
    super(`${provider}: ${kind === "timeout" ? "no first result" : "stalled"} within ${ms} ms`);
    this.name = "StallError";
  }
}

export async function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(onTimeout()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
