import { EventEmitter } from "node:events";
import { Redis } from "ioredis";

/**
 * Shared state across processes: counters with expiry (quotas), leases (concurrency slots), short-lived
 * values, and pub/sub. In-process by default; Redis when REDIS_URL is configured.
 */
export interface Cache {
  readonly kind: "memory" | "redis";
  /** The Redis connection, for libraries that take one (rate limiting). */
  readonly redis?: Redis;
  incr(key: string, by?: number, ttlSec?: number): Promise<number>;
  get(key: string): Promise<string | null>;
  /** Several values in one round trip, in the order of the keys. */
  getMany(keys: string[]): Promise<(string | null)[]>;
  set(key: string, value: string, ttlSec?: number): Promise<void>;
  /** Writes only when the key is absent; answers whether it wrote. */
  setIfAbsent(key: string, value: string, ttlSec: number): Promise<boolean>;
  del(key: string): Promise<void>;
  /**
   * Leases: per key, a set of members that each expire on their own unless renewed, so the slots a
   * crashed process held free themselves. Takes `member` in every key, or in none when one of them
   * already holds `limit` live leases (answered as `full`); atomic across processes. A member that
   * already holds a lease under a key takes no second one.
   */
  takeLease(keys: readonly { key: string; limit: number }[], member: string, ttlMs: number): Promise<{ ok: true } | { ok: false; full: string }>;
  /** Extends held leases to `ttlMs` from now, all in one round trip; a lease that lapsed is taken again (its holder is alive). */
  renewLeases(held: readonly { key: string; member: string }[], ttlMs: number): Promise<void>;
  dropLease(keys: readonly string[], member: string): Promise<void>;
  /** Live (unexpired) leases under the key. */
  countLeases(key: string): Promise<number>;
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The lease keys of concurrent calls, per workspace and per API key: taken by the gateways' limiter,
 * counted by the carrier webhooks before they answer a call.
 */
export const callSlotKeys = {
  workspace: (workspaceId: string) => `calls:ws:${workspaceId}`,
  apiKey: (keyId: string) => `calls:key:${keyId}`,
};

export function createCache(options: { redisUrl?: string } = {}): Cache {
  return options.redisUrl ? redisCache(options.redisUrl) : memoryCache();
}

function memoryCache(): Cache {
  const values = new Map<string, { value: string; expiresAt: number }>();
  // key → member → lease expiry (ms); lapsed leases are swept whenever the key is read.
  const leases = new Map<string, Map<string, number>>();
  const leasesOf = (key: string) => {
    const now = Date.now();
    const set = leases.get(key) ?? new Map<string, number>();
    for (const [member, expiresAt] of set) if (expiresAt <= now) set.delete(member);
    return set;
  };
  const bus = new EventEmitter();
  const live = (key: string) => {
    const entry = values.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      values.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    kind: "memory",
    async incr(key, by = 1, ttlSec) {
      const entry = live(key);
      const next = Number(entry?.value ?? 0) + by;
      values.set(key, { value: String(next), expiresAt: entry?.expiresAt ?? (ttlSec ? Date.now() + ttlSec * 1000 : Infinity) });
      return next;
    },
    async get(key) {
      return live(key)?.value ?? null;
    },
    async getMany(keys) {
      return keys.map((key) => live(key)?.value ?? null);
    },
    async set(key, value, ttlSec) {
      values.set(key, { value, expiresAt: ttlSec ? Date.now() + ttlSec * 1000 : Infinity });
    },
    async setIfAbsent(key, value, ttlSec) {
      if (live(key)) return false;
      values.set(key, { value, expiresAt: Date.now() + ttlSec * 1000 });
      return true;
    },
    async del(key) {
      values.delete(key);
      leases.delete(key);
    },
    async takeLease(keys, member, ttlMs) {
      const sets = keys.map(({ key, limit }) => ({ key, limit, set: leasesOf(key) }));
      const full = sets.find(({ set, limit }) => !set.has(member) && set.size >= limit);
      if (full) return { ok: false, full: full.key };
      for (const { key, set } of sets) leases.set(key, set.set(member, Date.now() + ttlMs));
      return { ok: true };
    },
    async renewLeases(held, ttlMs) {
      for (const { key, member } of held) leases.set(key, leasesOf(key).set(member, Date.now() + ttlMs));
    },
    async dropLease(keys, member) {
      for (const key of keys) {
        const set = leases.get(key);
        set?.delete(member);
        if (set?.size === 0) leases.delete(key);
      }
    },
    async countLeases(key) {
      return leasesOf(key).size;
    },
    async publish(channel, message) {
      bus.emit(channel, message);
    },
    async subscribe(channel, onMessage) {
      bus.on(channel, onMessage);
      return async () => void bus.off(channel, onMessage);
    },
    async ping() {},
    async close() {
      values.clear();
      leases.clear();
      bus.removeAllListeners();
    },
  };
}

/**
 * Lease scripts. A lease is a sorted-set member scored by its expiry in ms on the Redis server's clock
 * (TIME), so gateways with skewed clocks agree; lapsed members are removed before counting, and the
 * key itself expires with its last lease.
 */
const LEASE_PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function keep(key)
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if last[2] then redis.call('PEXPIREAT', key, last[2]) end
end
`;
const LEASE_SCRIPTS = {
  // KEYS: the keys; ARGV: member, ttlMs, then one limit per key. Returns 0, or the 1-based index of a full key.
  orbisTakeLease: {
    lua: `${LEASE_PRELUDE}
local member, ttl = ARGV[1], tonumber(ARGV[2])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if not redis.call('ZSCORE', key, member) and redis.call('ZCARD', key) >= tonumber(ARGV[i + 2]) then return i end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + ttl, member)
  keep(key)
end
return 0`,
  },
  // KEYS: the keys; ARGV: ttlMs, then the member held under each key.
  orbisRenewLeases: {
    lua: `${LEASE_PRELUDE}
local ttl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + ttl, ARGV[i + 1])
  keep(key)
end
return 0`,
  },
  orbisCountLeases: {
    lua: `${LEASE_PRELUDE}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])`,
  },
};
type LeaseScript = (numberOfKeys: number, ...args: (string | number)[]) => Promise<number>;

function redisCache(url: string): Cache {
  const redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false, scripts: LEASE_SCRIPTS });
  const script = (name: keyof typeof LEASE_SCRIPTS) => (redis as unknown as Record<string, LeaseScript>)[name]!.bind(redis);
  const takeLease = script("orbisTakeLease");
  const renewLeases = script("orbisRenewLeases");
  const countLeases = script("orbisCountLeases");
  let subscriber: Redis | undefined;
  const handlers = new Map<string, Set<(m: string) => void>>();
  return {
    kind: "redis",
    redis,
    async incr(key, by = 1, ttlSec) {
      const [[, value]] = (await redis.multi().incrby(key, by).exec()) as [[Error | null, number]];
      if (ttlSec) await redis.expire(key, ttlSec, "NX");
      return value;
    },
    get: (key) => redis.get(key),
    getMany: (keys) => (keys.length === 0 ? Promise.resolve([]) : redis.mget(keys)),
    async set(key, value, ttlSec) {
      if (ttlSec) await redis.set(key, value, "EX", ttlSec);
      else await redis.set(key, value);
    },
    async setIfAbsent(key, value, ttlSec) {
      return (await redis.set(key, value, "EX", ttlSec, "NX")) === "OK";
    },
    async del(key) {
      await redis.del(key);
    },
    async takeLease(keys, member, ttlMs) {
      const full = await takeLease(keys.length, ...keys.map((k) => k.key), member, Math.ceil(ttlMs), ...keys.map((k) => k.limit));
      return full === 0 ? { ok: true } : { ok: false, full: keys[full - 1]!.key };
    },
    async renewLeases(held, ttlMs) {
      if (held.length === 0) return;
      await renewLeases(held.length, ...held.map((h) => h.key), Math.ceil(ttlMs), ...held.map((h) => h.member));
    },
    async dropLease(keys, member) {
      if (keys.length === 0) return;
      const batch = redis.multi();
      for (const key of keys) batch.zrem(key, member);
      await batch.exec();
    },
    async countLeases(key) {
      return countLeases(1, key);
    },
    async publish(channel, message) {
      await redis.publish(channel, message);
    },
    async subscribe(channel, onMessage) {
      if (!subscriber) {
        subscriber = redis.duplicate();
        subscriber.on("message", (ch: string, message: string) => handlers.get(ch)?.forEach((h) => h(message)));
      }
      const set = handlers.get(channel) ?? new Set();
      if (set.size === 0) await subscriber.subscribe(channel);
      set.add(onMessage);
      handlers.set(channel, set);
      return async () => {
        set.delete(onMessage);
        if (set.size === 0) await subscriber?.unsubscribe(channel);
      };
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      subscriber?.disconnect();
      await redis.quit();
    },
  };
}
