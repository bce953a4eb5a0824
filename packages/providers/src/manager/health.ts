import { ProviderError } from "@orbis/ports";

export type CircuitState = "closed" | "open" | "half-open";

/** Answers without spending money (list models, open and close a socket); throws `ProviderError` when unhealthy. */
export type HealthCheck = (signal: AbortSignal) => Promise<void>;

export interface ProviderHealthOptions {
  /** Consecutive retryable failures that open the circuit (a non-retryable one opens it at once). */
  failureThreshold?: number;
  /** Time an open circuit waits before it lets a health check (or, without one, a trial call) through. */
  cooldownMs?: number;
  healthCheckTimeoutMs?: number;
  now?: () => number;
}

export interface ProviderHealthStatus {
  state: CircuitState;
  consecutiveFailures: number;
  lastError?: string;
  lastErrorAt?: number;
  openedAt?: number;
}

interface Entry {
  state: CircuitState;
  failures: number;
  openedAt: number;
  lastError?: string;
  lastErrorAt?: number;
  checking: boolean;
}

/**
 * Circuit breakers per provider id, shared by every call of a process. An open provider is skipped
 * by new calls until a health check passes (or, for providers without one, until a trial call after
 * the cooldown succeeds). Calls in progress decide on their own (they demote a provider that failed them).
 */
export class ProviderHealth {
  private readonly entries = new Map<string, Entry>();
  private readonly checks = new Map<string, HealthCheck>();
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ProviderHealthOptions = {}) {
    this.threshold = options.failureThreshold ?? 2;
    this.cooldownMs = options.cooldownMs ?? 15_000;
    this.now = options.now ?? Date.now;
  }

  private entry(id: string): Entry {
    let e = this.entries.get(id);
    if (!e) {
      e = { state: "closed", failures: 0, openedAt: 0, checking: false };
      this.entries.set(id, e);
    }
    return e;
  }

  registerCheck(id: string, check: HealthCheck): void {
    this.checks.set(id, check);
  }

  /** Whether a new call should use this provider. */
  isAvailable(id: string): boolean {
    const e = this.entry(id);
    if (e.state === "closed") return true;
    if (this.now() - e.openedAt < this.cooldownMs) return false;
    if (this.checks.has(id)) {
      void this.check(id);
      return false;
    }
    e.state = "half-open";
    return true;
  }

  recordSuccess(id: string): void {
    const e = this.entry(id);
    e.state = "closed";
    e.failures = 0;
  }

  recordFailure(id: string, err: unknown): void {
    const e = this.entry(id);
    e.failures++;
    e.lastError = err instanceof Error ? err.message : String(err);
    e.lastErrorAt = this.now();
    const fatal = err instanceof ProviderError && !err.retryable;
    if (e.state === "half-open" || fatal || e.failures >= this.threshold) {
      e.state = "open";
      e.openedAt = this.now();
    }
  }

  /** Runs the provider's health check now; a pass closes the circuit, a failure keeps (or makes) it open. */
  async check(id: string): Promise<boolean> {
    const check = this.checks.get(id);
    const e = this.entry(id);
    if (!check || e.checking) return e.state === "closed";
    e.checking = true;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.healthCheckTimeoutMs ?? 5000);
    try {
      await check(controller.signal);
      this.recordSuccess(id);
      return true;
    } catch (err) {
      e.state = "open";
      e.openedAt = this.now();
      e.lastError = err instanceof Error ? err.message : String(err);
      e.lastErrorAt = this.now();
      return false;
    } finally {
      clearTimeout(timer);
      e.checking = false;
    }
  }

  /** Checks open providers whose cooldown passed, every `intervalMs` (the timer does not keep the process alive). */
  startBackgroundChecks(intervalMs = 10_000): void {
    this.stopBackgroundChecks();
    this.timer = setInterval(() => {
      for (const [id, e] of this.entries) if (e.state !== "closed" && this.now() - e.openedAt >= this.cooldownMs) void this.check(id);
    }, intervalMs);
    this.timer.unref();
  }

  stopBackgroundChecks(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  status(id: string): ProviderHealthStatus {
    const e = this.entry(id);
    return {
      state: e.state,
      consecutiveFailures: e.failures,
      ...(e.lastError ? { lastError: e.lastError, lastErrorAt: e.lastErrorAt } : {}),
      ...(e.state !== "closed" ? { openedAt: e.openedAt } : {}),
    };
  }

  snapshot(): Record<string, ProviderHealthStatus> {
    return Object.fromEntries([...this.entries.keys()].map((id) => [id, this.status(id)]));
  }

  /** Chain order for a new call: available providers first, the rest kept as a last resort. */
  order<T extends { id: string }>(chain: readonly T[]): T[] {
    const up = chain.filter((c) => this.isAvailable(c.id));
    return [...up, ...chain.filter((c) => !up.includes(c))];
  }
}
