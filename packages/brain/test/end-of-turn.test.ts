import { describe, expect, it } from "vitest";
import { getBusinessTemplate } from "../src/index.ts";
import { fixedWallClock as fixedClock } from "@orbis/ports";
import type { Awaiting } from "../src/receptionist/dialogue.ts";
import { isCompleteUtterance, isOffEntity } from "../src/receptionist/end-of-turn.ts";
import { NOW } from "./harness.ts";

/** The hints on their own: what was asked (`awaiting`) and the partial words are all they read. */
describe("end-of-turn hints", () => {
  const business = getBusinessTemplate("dental").business;
  const clock = fixedClock(NOW);
  const at = (awaiting: Awaiting) => ({ awaiting, business, clock });

  it("a short yes or no completes every yes/no question; a longer or unfinished one does not", () => {
    for (const s of ["confirm", "phone_confirm", "anything_else"] as const) {
      for (const t of ["yes", "yes please", "no thanks"]) expect(isCompleteUtterance(t, at(s)), `${s}: ${t}`).toBe(true);
      for (const t of ["yes but", "no wait", "yes that would be lovely thank you"]) expect(isCompleteUtterance(t, at(s)), `${s}: ${t}`).toBe(false);
    }
  });

  it("a number asked for to find an appointment completes like a callback number: all ten digits", () => {
    for (const s of ["phone", "identify_phone"] as const) {
      expect(isCompleteUtterance("two one two five five five zero one two three", at(s))).toBe(true);
      expect(isCompleteUtterance("two one two five five five", at(s))).toBe(false);
    }
  });

  it("a question answerable as it stands completes, except where the caller's own words or digits are due", () => {
    for (const s of ["intent", "service", "date", "slot_choice", "confirm", "correction", "anything_else"] as const) {
      expect(isCompleteUtterance("what are your opening hours", at(s)), s).toBe(true);
    }
    for (const s of ["name", "message", "phone", "identify_phone"] as const) {
      expect(isCompleteUtterance("what are your opening hours", at(s)), s).toBe(false);
    }
  });

  it("other words are off the entity only while a day, a time or a number is due", () => {
    for (const s of ["date", "slot_choice", "phone", "identify_phone"] as const) expect(isOffEntity("do you take new patients", at(s)), s).toBe(true);
    for (const s of ["intent", "name", "message", "confirm", "phone_confirm"] as const) expect(isOffEntity("do you take new patients", at(s)), s).toBe(false);
    expect(isOffEntity("next friday maybe", at("date"))).toBe(false);
    expect(isOffEntity("two one two", at("phone"))).toBe(false);
  });
});
