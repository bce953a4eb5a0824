import { ProviderError, type SttHandlers, type SttProvider, type SttStream } from "@orbis/ports";
import type { HealthCheck, ProviderHealth } from "./health.ts";
import { ServedLog, StallError, failureOf, withDeadline } from "./records.ts";
import type { ProviderFailure, ServedRecord } from "./records.ts";
import type { UsageMeter } from "./usage.ts";

export interface ChainEntry<P> {
  provider: P;
  /** Health check the circuit breaker runs before letting an open provider back in. */
  healthCheck?: HealthCheck;
}

export interface FallbackSttOptions {
  health: ProviderHealth;
  meter: UsageMeter;
  log?: ServedLog;
  /** Longest wait for a final after end of speech before the provider counts as stalled. */
  finalTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/**
 * STT with a fallback chain. The current utterance's audio is kept, so when the provider fails,
 * stalls or dies mid-utterance the next one is fed the same audio and finishes the turn. A provider
 * that failed stays demoted for the rest of the call; the breaker decides for new calls.
 */
export class FallbackStt implements SttProvider {
  readonly id: string;
  readonly sampleRate: number;
  readonly log: ServedLog;

  constructor(
    private readonly chain: readonly ChainEntry<SttProvider>[],
    private readonly options: FallbackSttOptions,
  ) {
    if (chain.length === 0) throw new Error("FallbackStt needs at least one provider");
    const first = chain[0] as ChainEntry<SttProvider>;
    this.sampleRate = first.provider.sampleRate;
    for (const c of chain) {
      if (c.provider.sampleRate !== this.sampleRate)
        throw new Error(`STT chain mixes sample rates: ${c.provider.id} is ${c.provider.sampleRate} Hz, ${first.provider.id} ${this.sampleRate} Hz`);
      if (c.healthCheck) options.health.registerCheck(c.provider.id, c.healthCheck);
    }
    this.id = chain.length === 1 ? first.provider.id : `fallback(${chain.map((c) => c.provider.id).join(">")})`;
    this.log = options.log ?? new ServedLog();
  }

  /** Records since the last call (one per utterance), for the gateway to store with the turn. */
  takeRecords(): ServedRecord[] {
    return this.log.take();
  }

  async createStream(handlers: SttHandlers = {}): Promise<SttStream> {
    const order = this.options.health.order(this.chain.map((c) => c.provider));
    const failures: ProviderFailure[] = [];
    for (let i = 0; i < order.length; i++) {
      const provider = order[i] as SttProvider;
      try {
        const stream = await withDeadline(
          provider.createStream(handlers),
          this.options.connectTimeoutMs ?? 5000,
          () => new StallError(provider.id, "timeout", this.options.connectTimeoutMs ?? 5000),
        );
        return new FallbackSttStream(order, i, stream, handlers, this.options, this.log, this.sampleRate, failures);
      } catch (err) {
        this.options.health.recordFailure(provider.id, err);
        failures.push(failureOf(provider.id, err, err instanceof StallError ? err.kind : "error"));
      }
    }
    throw new ProviderError(`every STT provider failed: ${failures.map((f) => f.message).join("; ")}`, { provider: this.id, retryable: true });
  }
}

/** Streams that know they are dead before the turn ends (a closed socket) expose it, so the wrapper can switch early. */
interface FailureAware {
  readonly failure?: unknown;
}

class FallbackSttStream implements SttStream {
  private utterance: Int16Array[] = [];
  /** An early switch in progress (started from push); endUtterance waits for it. */
  private switching: Promise<boolean> | null = null;
  private earlyFailures: ProviderFailure[] = [];
  private earlyTried: string[] = [];
  private earlyFailedAt: number | undefined;
  private earlySwitchMs: number | undefined;
  /** Every provider of the chain failed; audio is dropped and each final is an error. */
  private exhausted = false;
  private pushedSamples = 0;
  private readonly opened: SttStream[] = [];

  constructor(
    private readonly order: readonly SttProvider[],
    private index: number,
    private current: SttStream,
    private readonly handlers: SttHandlers,
    private readonly options: FallbackSttOptions,
    private readonly log: ServedLog,
    private readonly sampleRate: number,
    /** Connection failures before this stream existed; reported with the first utterance. */
    private pendingFailures: ProviderFailure[],
  ) {
    this.opened.push(current);
  }

  private get provider(): SttProvider {
    return this.order[this.index] as SttProvider;
  }

  push(pcm: Int16Array): void {
    if (this.exhausted) return;
    this.utterance.push(pcm.slice());
    if (this.switching) return; // replayed when the next provider is connected
    const failure = (this.current as FailureAware).failure;
    if (failure) {
      this.switchEarly(failure);
      return;
    }
    this.pushedSamples += pcm.length;
    try {
      this.current.push(pcm);
    } catch {
      // The failure shows up at endUtterance, where the next provider gets the whole utterance.
    }
  }

  /** The provider died mid-utterance: connect the next one now and replay, so the final is not delayed by a full decode. */
  private switchEarly(err: unknown): void {
    const failed = this.provider.id;
    this.earlyFailedAt ??= performance.now();
    this.earlyTried.push(failed);
    this.meterAudio();
    this.options.health.recordFailure(failed, err);
    this.earlyFailures.push(failureOf(failed, err));
    try {
      this.current.close();
    } catch {
      // it is being replaced because it is broken
    }
    const startedAt = this.earlyFailedAt;
    this.switching = this.switchToNext(this.earlyTried, this.earlyFailures).then((ok) => {
      this.switching = null;
      this.earlySwitchMs = performance.now() - startedAt;
      if (!ok) this.exhausted = true;
      return ok;
    });
  }

  private meterAudio(): void {
    if (this.pushedSamples) this.options.meter.add(this.provider.id, { sttSeconds: this.pushedSamples / this.sampleRate });
    this.pushedSamples = 0;
  }

  async endUtterance(signal?: AbortSignal): Promise<string> {
    if (this.switching) await this.switching;
    if (this.exhausted) {
      const failures = [...this.pendingFailures, ...this.earlyFailures];
      this.log.push({ capability: "stt", servedBy: null, tried: this.earlyTried, failures, at: Date.now() });
      this.pendingFailures = this.earlyFailures = this.earlyTried = [];
      this.utterance = [];
      throw new ProviderError(`every STT provider failed: ${failures.map((f) => f.message).join("; ")}`, { provider: this.provider.id, retryable: true });
    }
    const failures = [...this.pendingFailures, ...this.earlyFailures];
    const tried = [...this.earlyTried];
    if (!tried.includes(this.provider.id)) tried.push(this.provider.id);
    let failedAt: number | undefined;
    const earlySwitchMs = this.earlySwitchMs;
    this.earlySwitchMs = undefined;
    this.pendingFailures = [];
    this.earlyFailures = [];
    this.earlyTried = [];
    this.earlyFailedAt = undefined;
    const timeoutMs = this.options.finalTimeoutMs ?? 2500;
    for (;;) {
      try {
        const text = await withDeadline(this.current.endUtterance(signal), timeoutMs, () => new StallError(this.provider.id, "timeout", timeoutMs));
        this.options.health.recordSuccess(this.provider.id);
        this.meterAudio();
        this.utterance = [];
        this.log.push({
          capability: "stt",
          servedBy: this.provider.id,
          tried,
          failures,
          at: Date.now(),
          ...(failedAt !== undefined ? { switchMs: performance.now() - failedAt } : earlySwitchMs !== undefined ? { switchMs: earlySwitchMs } : {}),
        });
        return text;
      } catch (err) {
        failedAt ??= performance.now();
        this.meterAudio();
        this.options.health.recordFailure(this.provider.id, err);
        failures.push(failureOf(this.provider.id, err, err instanceof StallError ? err.kind : "error"));
        try {
          this.current.close();
        } catch {
          // it is being replaced because it is broken
        }
        if (!(await this.switchToNext(tried, failures))) {
          this.utterance = [];
          this.log.push({ capability: "stt", servedBy: null, tried, failures, at: Date.now() });
          throw err instanceof ProviderError ? err : new ProviderError(String(err), { provider: this.provider.id, retryable: true, cause: err });
        }
        if (signal?.aborted) return "";
      }
    }
  }

  /** Opens the next provider that connects and replays the utterance into it. */
  private async switchToNext(tried: string[], failures: ProviderFailure[]): Promise<boolean> {
    while (this.index + 1 < this.order.length) {
      this.index++;
      const provider = this.provider;
      tried.push(provider.id);
      try {
        this.current = await withDeadline(
          provider.createStream(this.handlers),
          this.options.connectTimeoutMs ?? 5000,
          () => new StallError(provider.id, "timeout", this.options.connectTimeoutMs ?? 5000),
        );
        this.opened.push(this.current);
        for (const pcm of this.utterance) {
          this.current.push(pcm);
          this.pushedSamples += pcm.length;
        }
        return true;
      } catch (err) {
        this.options.health.recordFailure(provider.id, err);
        failures.push(failureOf(provider.id, err, err instanceof StallError ? err.kind : "error"));
      }
    }
    return false;
  }

  abort(): void {
    this.utterance = [];
    this.meterAudio();
    this.current.abort();
  }

  close(): void {
    this.meterAudio();
    for (const s of this.opened) {
      try {
        s.close();
      } catch {
        // closing a dead stream must not break hang-up
      }
    }
  }
}
