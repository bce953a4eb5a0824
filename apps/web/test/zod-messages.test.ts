import { describe, expect, it } from "vitest";
import { businessConfigSchema } from "@orbis/contracts";
import { humanApiErrors, validateHuman } from "../src/lib/zod-messages.ts";

const base = { name: "Harbor Physio", timezone: "America/Chicago", hours: {} };

describe("plain-language validation messages", () => {
  it("names the field and says what is wrong, instead of zod's wording", () => {
    const v = validateHuman(
      businessConfigSchema,
      {
        ...base,
        name: "",
        timezone: "Mars/Olympus",
        hours: { mon: [{ open: "13:00", close: "12:00" }] },
        services: [{ id: "cleaning", name: "", durationMin: 2, bufferMin: Number.NaN }],
        faqs: [{ question: "Parking?", answer: "" }],
      },
      ["business"],
    );
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors).toMatchObject({
      name: "Business name is required",
      timezone: "Time zone must be a time zone like America/New_York",
      "hours.mon.0": "Monday shift 1: the opening time must be before the closing time",
      "services.0.name": "Service 1 name is required",
      "services.0.durationMin": "Service 1 duration (minutes) must be at least 5",
      "services.0.bufferMin": "Service 1 buffer (minutes) must be a number",
      "faqs.0.answer": "FAQ 1 answer is required",
    });
    expect(Object.values(v.errors).join(" ")).not.toMatch(/Too small|Invalid input|expected/);
  });

  it("reads the API's 422 details the same way, keyed inside the business", () => {
    const details = [
      { path: "body.business.name", message: "Too small: expected string to have >=1 characters" },
      { path: "body.business.staff.1.serviceIds.0", message: "unknown service id ghost" },
      { path: "body.business.closures.0.date", message: "must be YYYY-MM-DD" },
    ];
    expect(humanApiErrors(details, ["business"])).toEqual({
      name: "Business name is required",
      "staff.1.serviceIds.0": "Staff member 2 services refers to a service that no longer exists (ghost)",
      "closures.0.date": "Closure 1 date must be a date",
    });
    expect(humanApiErrors([{ path: "body.escalationPhone", message: "Too big: expected string to have <=32 characters" }])).toEqual({
      escalationPhone: "Transfer number must be at most 32 characters",
    });
    expect(humanApiErrors("not a list")).toEqual({});
  });

  it("accepts a valid business", () => {
    expect(validateHuman(businessConfigSchema, base).ok).toBe(true);
  });
});
