import { describe, expect, it } from "vitest";
import { businessCopyOf, fillTemplate, formatWhen, localeOf, withStopNotice, zoneOf } from "../src/sms/format.ts";

const at = new Date("2030-12-10T15:00:00Z"); // Tue 10 Dec 2030, 10:00 in New York

describe("text message copy", () => {
  it("formats the date and time in the zone and locale, with plain spaces", () => {
    expect(formatWhen(at, "America/New_York", "en-US")).toEqual({ date: "Tue 10 Dec", time: "10:00 AM" });
    expect(formatWhen(at, "Europe/London", "en-GB")).toEqual({ date: "Tue 10 Dec", time: "15:00" });
    expect(formatWhen(at, "America/New_York", "en-US").time).not.toMatch(/\u202f/);
  });

  it("takes the language's own region, else the business's country, else en-US", () => {
    expect(localeOf("en-GB", "US")).toBe("en-GB");
    expect(localeOf("en", "AU")).toBe("en-AU");
    expect(localeOf(undefined, undefined)).toBe("en-US");
  });

  it("fills known placeholders and leaves others as written", () => {
    expect(fillTemplate("Hi {name}, {service} at {time} {unknown}", { name: "Jane", service: "Cleaning", time: "10:00 AM" })).toBe(
      "Hi Jane, Cleaning at 10:00 AM {unknown}",
    );
  });

  it("adds the STOP notice unless the copy already mentions STOP", () => {
    expect(withStopNotice("See you soon. ")).toBe("See you soon. Reply STOP to opt out.");
    expect(withStopNotice("Text STOP to unsubscribe")).toBe("Text STOP to unsubscribe");
    expect(withStopNotice("Don't stopover")).toBe("Don't stopover Reply STOP to opt out.");
  });

  it("falls back to the default copy and the workspace name without a valid business config", () => {
    const copy = businessCopyOf({ copy: { smsConfirmation: "Booked {date}" } }, "Acme");
    expect(copy.business).toBe("Acme");
    expect(copy.copy.smsConfirmation).toBe("Booked {date}");
    expect(copy.copy.smsReminder).toMatch(/^Reminder:/);
    expect(businessCopyOf(null, "Acme").copy.smsConfirmation).toMatch(/^Hi \{name\}/);
  });

  it("uses the workspace's zone, or the booking's while the workspace is still on UTC", () => {
    expect(zoneOf("Europe/Paris", "America/New_York")).toBe("Europe/Paris");
    expect(zoneOf("UTC", "America/New_York")).toBe("America/New_York");
    expect(zoneOf("UTC", "Not/AZone")).toBe("UTC");
  });
});
