import type { Cache } from "@orbis/cache";

// A counter outlives a crashed process by at most this long; the reaper closes the call rows sooner.
const COUNTER_TTL_SEC = 6 * 3600;

/** Concurrent-call limits per workspace and per API key, shared by every gateway through the cache. */
export function createCallLimiter(cache: Cache, limits: { perWorkspace: number; perKey: number }) {
  return {
    /** Takes a slot or answers which limit is full; the returned release must be called once. */
    async acquire(workspaceId: string, keyId?: string): Promise<{ ok: true; release: () => Promise<void> } | { ok: false; limit: "workspace" | "key" }> {
      const wsKey = `live:ws:${workspaceId}`;
      if ((await cache.incr(wsKey, 1, COUNTER_TTL_SEC)) > limits.perWorkspace) {
        await cache.incr(wsKey, -1);
        return { ok: false, limit: "workspace" };
      }
      const keyKey = keyId ? `live:key:${keyId}` : undefined;
      if (keyKey && (await cache.incr(keyKey, 1, COUNTER_TTL_SEC)) > limits.perKey) {
        await Promise.all([cache.incr(keyKey, -1), cache.incr(wsKey, -1)]);
        return { ok: false, limit: "key" };
      }
      let released = false;
      return {
        ok: true,
        release: async () => {
          if (released) return;
          released = true;
          await Promise.all([cache.incr(wsKey, -1), keyKey ? cache.incr(keyKey, -1) : undefined]);
        },
      };
    },
  };
}
export type CallLimiter = ReturnType<typeof createCallLimiter>;
