import { randomBytes } from "node:crypto";
import { callSlotKeys, type Cache } from "@orbis/cache";

type SlotResult = { ok: true; release: () => Promise<void> } | { ok: false; limit: "workspace" | "key" };

/**
 * Concurrent-call limits per workspace and per API key, shared by every gateway through the cache. A
 * slot is a lease (`Cache.takeLease`): taken when a call starts, renewed by the process's call
 * heartbeat (`renew`, every beat) and lapsing `leaseMs` after the last renewal, so the calls of a
 * process that died stop counting within one lease period, wherever the count is read.
 */
export function createCallLimiter(cache: Cache, limits: { perWorkspace: number; perKey: number; leaseMs: number }) {
  /** The leases this process holds: slot id → its keys. */
  const held = new Map<string, string[]>();
  return {
    leaseMs: limits.leaseMs,

    /**
     * Takes a slot or answers which limit is full; the returned release must be called once.
     * `workspaceLimit` (the plan's concurrent calls) can only lower the process-wide per-workspace limit.
     * `member` names the lease: a phone call's id, so the slot an outbound call took when it was placed
     * (`@orbis/telephony` `place()`, the same member under the workspace key) is taken over here rather
     * than counted twice; absent, a fresh slot id.
     */
    async acquire(workspaceId: string, keyId?: string, workspaceLimit?: number | null, member?: string): Promise<SlotResult> {
      const slot = member ?? `slot_${randomBytes(9).toString("hex")}`;
      const wsKey = callSlotKeys.workspace(workspaceId);
      const perWorkspace = Math.min(limits.perWorkspace, workspaceLimit ?? Infinity);
      const keys = [{ key: wsKey, limit: perWorkspace }, ...(keyId ? [{ key: callSlotKeys.apiKey(keyId), limit: limits.perKey }] : [])];
      const taken = await cache.takeLease(keys, slot, limits.leaseMs);
      if (!taken.ok) return { ok: false, limit: taken.full === wsKey ? "workspace" : "key" };
      const names = keys.map((k) => k.key);
      held.set(slot, names);
      return {
        ok: true,
        release: async () => {
          // Forgotten first: a renewal issued after this point no longer names the slot.
          if (!held.delete(slot)) return;
          await cache.dropLease(names, slot);
        },
      };
    },

    /** Extends every lease this process holds, in one round trip. */
    async renew(): Promise<void> {
      const leases = [...held].flatMap(([member, keys]) => keys.map((key) => ({ key, member })));
      await cache.renewLeases(leases, limits.leaseMs);
    },
  };
}
export type CallLimiter = ReturnType<typeof createCallLimiter>;
