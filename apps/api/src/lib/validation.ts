import { AppError } from "@orbis/contracts";
import type { z } from "zod";

/** A 422 `validation_failed` naming one request field, like the ones the route schemas produce. */
export function invalid(path: string, message: string): AppError {
  return new AppError("validation_failed", `${path}: ${message}`, [{ path, message }]);
}

/**
 * Parses a value the route schema could not (its schema depends on another field) with the same
 * 422 as a route schema: every bad field by its path under `at` (e.g. `body.accountSid`).
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, at: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({ path: [at, ...i.path.map(String)].join("."), message: i.message }));
  throw new AppError("validation_failed", `${details[0]!.path}: ${details[0]!.message}`, details);
}
