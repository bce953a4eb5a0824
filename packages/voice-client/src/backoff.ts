export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
}

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential growth capped at maxMs, with
 * "equal jitter" — half fixed, half random — so a crowd of widgets dropped by one gateway restart
 * does not come back in lockstep, yet no client retries immediately.
 */
export function backoffDelay(attempt: number, { baseMs = 500, maxMs = 15_000, random = Math.random }: BackoffOptions = {}): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
