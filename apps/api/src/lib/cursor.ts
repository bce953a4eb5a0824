import { invalid } from "./validation.ts";

/**
 * Keyset cursors of every list of the API: base64url of `<instant>|<id>`, the last row's sort instant
 * (ISO 8601 UTC) and its id, the tie-breaker. Opaque to clients; only this module writes or reads one.
 *
 * The instant is a `Date` (milliseconds) or ISO text as the repository gives it: the agents list
 * keeps PostgreSQL's microseconds, or rows created within one millisecond would be skipped.
 */
export interface CursorKey {
  at: Date | string;
  id: string;
}

/** A cursor that passed validation: `at` as written (to the microsecond if it was), `date` the same instant in milliseconds. */
export interface Cursor {
  at: string;
  date: Date;
  id: string;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
// Milliseconds from most lists (and older agent cursors), microseconds (the column's precision) from the agents list.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const ID = /^[a-z]+_[0-9A-Za-z]+$/;

export function encodeCursor({ at, id }: CursorKey): string {
  return Buffer.from(`${typeof at === "string" ? at : at.toISOString()}|${id}`).toString("base64url");
}

/** The cursor of `?cursor=`, or a 422 `validation_failed` naming `query.cursor`. */
export function decodeCursor(cursor: string): Cursor {
  const [at = "", id = "", ...rest] = BASE64URL.test(cursor) ? Buffer.from(cursor, "base64url").toString().split("|") : [];
  const date = INSTANT.test(at) ? new Date(at) : undefined;
  // The day must exist: JS rolls 2026-02-30 over into March (and 24:00 into the next day); PostgreSQL refuses them.
  if (rest.length > 0 || !ID.test(id) || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== at.slice(0, 10)) {
    throw invalid("query.cursor", "not a valid cursor");
  }
  return { at, date, id };
}

/**
 * A page out of `limit + 1` rows fetched (one more than asked, to know whether a next page exists):
 * the first `limit` rows and the cursor after the last of them, or null on the last page.
 */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => CursorKey): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: encodeCursor(keyOf(page[limit - 1]!)) };
}
