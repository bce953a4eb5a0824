/**
 * Waits (up to ~200 ms) for connections to finish closing: close events, which start each call's
 * cleanup (slot release, call row close), arrive on later ticks than the shutdown that caused them.
 * Awaited before the cache and database close.
 */
export async function drainCleanups(live: { readonly size: number }, cleanups: ReadonlySet<Promise<unknown>>): Promise<void> {
  for (let i = 0; i < 20 && (live.size > 0 || cleanups.size > 0); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    await Promise.allSettled([...cleanups]);
  }
}
