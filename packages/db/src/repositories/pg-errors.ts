import { AppError } from "@orbis/contracts";

/** The SQLSTATE of a driver error, whether thrown bare (pg, PGlite) or wrapped by drizzle (`cause`). */
export function sqlStateOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * Maps constraint violations a caller can cause to `conflict`; anything else is rethrown as is. Two
 * writes racing for overlapping intervals can also end in `deadlock_detected` (40P01) instead of an
 * exclusion violation: each waits on the other's conflicting row while checking the constraint, and
 * PostgreSQL aborts one of them. The aborted one did overlap, so it is a conflict too.
 */
export function conflictOr(err: unknown, messages: { exclusion?: string; unique?: string }): never {
  const state = sqlStateOf(err);
  if ((state === "23P01" || state === "40P01") && messages.exclusion) throw new AppError("conflict", messages.exclusion);
  if (state === "23505" && messages.unique) throw new AppError("conflict", messages.unique);
  throw err;
}
