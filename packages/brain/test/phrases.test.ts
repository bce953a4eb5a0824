import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { englishPhrases as p } from "../src/receptionist/phrases.ts";
import { NOW } from "./harness.ts";

/** The sentence pieces the flows build on, as the caller hears them. */
describe("englishPhrases", () => {
  const zone = "America/New_York";
  const now = DateTime.fromISO(NOW, { zone });
  const local = (iso: string) => DateTime.fromISO(iso, { zone });

  it("says a time relative to today when close, else with its date", () => {
    expect(p.when(local("2026-03-06T14:00"), now)).toBe("tomorrow at 2 PM");
    expect(p.when(local("2026-03-10T09:00"), now)).toBe("on Tuesday, March 10 at 9 AM");
  });

  it("says what was fully booked: the time asked for, the part of the day, or the day", () => {
    const day = local("2026-03-10");
    expect(p.fullyBooked(day, now, { time: local("2026-03-10T15:00") })).toBe("I'm sorry, we're fully booked 3 PM on Tuesday, March 10.");
    expect(p.fullyBooked(day, now, { partOfDay: "morning" })).toBe("I'm sorry, we're fully booked on Tuesday, March 10 in the morning.");
    expect(p.fullyBooked(day, now, {})).toBe("I'm sorry, we're fully booked on Tuesday, March 10.");
  });

  it("thanks the caller by first name, promising haste for urgent messages", () => {
    expect(p.messageTaken("Jane Doe", true)).toBe("Thanks, Jane. I've passed your message on, and someone will call you back as soon as possible.");
    expect(p.messageTaken("Jane", false)).toBe("Thanks, Jane. I've passed your message on, and someone will call you back.");
  });
});
