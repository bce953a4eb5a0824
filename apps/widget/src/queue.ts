/** A call made before widget.js loaded: `["init", options]`, pushed by the inline stub. */
type QueuedCall = [method: string, ...args: unknown[]];

export interface Stub {
  q?: QueuedCall[];
}

/**
 * Replays the stub's queued calls on the real API, in order. Unknown methods are reported, not thrown,
 * so one typo in a host page cannot stop the rest.
 */
export function drainQueue(stub: Stub | undefined, api: Record<string, unknown>, warn: (msg: string) => void = () => {}): number {
  const calls = stub?.q ?? [];
  let ran = 0;
  for (const [method, ...args] of calls) {
    const fn = api[method];
    if (typeof fn !== "function") {
      warn(`OrbisVoice: unknown method "${method}" ignored`);
      continue;
    }
    try {
      (fn as (...a: unknown[]) => unknown).apply(api, args);
      ran++;
    } catch (err) {
      warn(`OrbisVoice: ${method} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (stub) stub.q = [];
  return ran;
}
