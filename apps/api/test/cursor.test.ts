import { describe, expect, it } from "vitest";
import { AppError } from "@orbis/contracts";
import { decodeCursor, encodeCursor, pageOf } from "../src/lib/cursor.ts";

const raw = (text: string) => Buffer.from(text).toString("base64url");

describe("list cursors", () => {
  it("round-trips a Date (milliseconds) and PostgreSQL text (microseconds)", () => {
    const at = new Date("2026-03-04T05:06:07.123Z");
    expect(decodeCursor(encodeCursor({ at, id: "call_abc123" }))).toEqual({ at: at.toISOString(), date: at, id: "call_abc123" });
    const micros = decodeCursor(encodeCursor({ at: "2026-03-04T05:06:07.123456Z", id: "agt_abc123" }));
    expect(micros.at).toBe("2026-03-04T05:06:07.123456Z");
    expect(micros.date.toISOString()).toBe("2026-03-04T05:06:07.123Z");
  });

  it.each([
    ["not base64url", "a+b/c=="],
    ["no separator", raw("2026-03-04T05:06:07.123Z")],
    ["no id", raw("2026-03-04T05:06:07.123Z|")],
    ["an id that is no id", raw("2026-03-04T05:06:07.123Z|drop table")],
    ["a third part", raw("2026-03-04T05:06:07.123Z|agt_x|y")],
    ["a day that does not exist", raw("2026-02-30T00:00:00Z|agt_x")],
    ["a month that does not exist", raw("2026-13-01T00:00:00Z|agt_x")],
    ["24:00 (JS would roll it into the next day)", raw("2026-03-04T24:00:00Z|agt_x")],
    ["an hour that does not exist", raw("2026-03-04T25:00:00Z|agt_x")],
    ["a date without a time", raw("2026-03-04|agt_x")],
    ["an offset instead of Z", raw("2026-03-04T05:06:07+01:00|agt_x")],
    ["nanoseconds", raw("2026-03-04T05:06:07.123456789Z|agt_x")],
    ["words", raw("yesterday|agt_x")],
  ])("refuses %s with a 422 naming query.cursor", (_what, cursor) => {
    let error: unknown;
    try {
      decodeCursor(cursor);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "validation_failed", status: 422, details: [{ path: "query.cursor", message: "not a valid cursor" }] });
    expect((error as AppError).message).toContain("query.cursor");
  });

  it("pages: the first `limit` rows, and a cursor after the last only when a row more came back", () => {
    const rows = [1, 2, 3].map((n) => ({ at: new Date(Date.UTC(2026, 0, n)), id: `msg_${n}` }));
    expect(pageOf(rows.slice(0, 2), 2, (r) => r)).toEqual({ rows: rows.slice(0, 2), nextCursor: null });
    const page = pageOf(rows, 2, (r) => r);
    expect(page.rows).toEqual(rows.slice(0, 2));
    expect(decodeCursor(page.nextCursor!)).toMatchObject({ at: "2026-01-02T00:00:00.000Z", id: "msg_2" });
  });
});
