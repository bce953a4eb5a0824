import { describe, expect, it } from "vitest";
import { AppError } from "@orbis/contracts";
import { conflictOr } from "../src/repositories/pg-errors.ts";

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });
const thrown = (fn: () => never): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
};

describe("conflictOr", () => {
  it("an exclusion violation, or the deadlock two overlapping writes can end in, is a conflict", () => {
    for (const code of ["23P01", "40P01"]) {
      const err = thrown(() => conflictOr(new Error("wrapped", { cause: pgError(code) }), { exclusion: "that time is already booked" }));
      expect(err, code).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: "conflict", message: "that time is already booked" });
    }
  });
  it("rethrows anything else, and a deadlock where no exclusion constraint is in play", () => {
    const other = pgError("57014");
    expect(thrown(() => conflictOr(other, { exclusion: "x" }))).toBe(other);
    const deadlock = pgError("40P01");
    expect(thrown(() => conflictOr(deadlock, { unique: "taken" }))).toBe(deadlock);
  });
});
