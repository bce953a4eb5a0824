import { sha256 } from "@orbis/auth";
import type { Cache } from "@orbis/cache";
import { AppError } from "@orbis/contracts";

/**
 * Failed sign-ins lock an account (per email, known or not, so a lockout says nothing about which
 * accounts exist) and an address out for a while that doubles with every further failure. Counted in
 * the shared cache, so every process sees the same locks. A wrong TOTP code counts like a wrong
 * password; only a completed sign-in clears the account's count.
 */
const ACCOUNT = { freeFailures: 5, firstLockSec: 30, maxLockSec: 15 * 60, memorySec: 24 * 3600 };
const ADDRESS = { freeFailures: 20, firstLockSec: 60, maxLockSec: 3600, memorySec: 15 * 60 };
/** One attempt per account at a time, so parallel guesses cannot all run before the lock lands. */
const BUSY_SEC = 10;

/** A 429 that carries its Retry-After (set by the auth routes' onError hook). */
export class TooManyAttempts extends AppError {
  constructor(
    readonly retryAfterSec: number,
    message = `Too many failed sign-in attempts; try again in ${retryAfterSec} s`,
  ) {
    super("rate_limited", message);
  }
}

/** Lock length after `failures` failures: none within the free ones, then first × 2ⁿ up to the maximum. */
const lockSecondsAfter = (failures: number, policy: typeof ACCOUNT) =>
  failures < policy.freeFailures ? 0 : Math.min(policy.maxLockSec, policy.firstLockSec * 2 ** (failures - policy.freeFailures));

export function createLoginThrottle(cache: Cache, now: () => number = Date.now) {
  const account = (email: string) => sha256(email.trim().toLowerCase()).slice(0, 32);
  const keys = (email: string, ip: string) => ({
    accountFailures: `login:fail:acct:${account(email)}`,
    accountLock: `login:lock:acct:${account(email)}`,
    busy: `login:busy:acct:${account(email)}`,
    addressFailures: `login:fail:ip:${ip}`,
    addressLock: `login:lock:ip:${ip}`,
  });

  async function lock(failuresKey: string, lockKey: string, policy: typeof ACCOUNT) {
    const failures = await cache.incr(failuresKey, 1, policy.memorySec);
    const seconds = lockSecondsAfter(failures, policy);
    if (seconds > 0) await cache.set(lockKey, String(now() + seconds * 1000), seconds);
  }

  return {
    /**
     * Before checking a password or a code: refuses (429) while the account or the address is locked
     * out, or while another attempt at the account runs. Answers the function that ends the attempt.
     */
    async begin(email: string, ip: string): Promise<() => Promise<void>> {
      const k = keys(email, ip);
      const until = Math.max(...(await cache.getMany([k.accountLock, k.addressLock])).map((v) => Number(v ?? 0)));
      if (until > now()) throw new TooManyAttempts(Math.max(1, Math.ceil((until - now()) / 1000)));
      if (!(await cache.setIfAbsent(k.busy, "1", BUSY_SEC)))
        throw new TooManyAttempts(1, "Another sign-in to this account is in progress; try again in a second");
      return () => cache.del(k.busy);
    },
    async failed(email: string, ip: string) {
      const k = keys(email, ip);
      await Promise.all([lock(k.accountFailures, k.accountLock, ACCOUNT), lock(k.addressFailures, k.addressLock, ADDRESS)]);
    },
    /** A completed sign-in: the account starts afresh (the address keeps its count until its window ends). */
    async succeeded(email: string) {
      const k = keys(email, "");
      await Promise.all([cache.del(k.accountFailures), cache.del(k.accountLock)]);
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
