import { EventEmitter } from "node:events";
import { Redis } from "ioredis";

/**
 * Shared state across processes: counters with expiry (concurrency limits, quotas), short-lived
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
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createCache(options: { redisUrl?: string } = {}): Cache {
  return options.redisUrl ? redisCache(options.redisUrl) : memoryCache();
}

function memoryCache(): Cache {
  const values = new Map<string, { value: string; expiresAt: number }>();
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
      bus.removeAllListeners();
    },
  };
}

function redisCache(url: string): Cache {
  const redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
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
