import { businessConfigSchema } from "@orbis/contracts";
import type { BusinessConfig, BusinessConfigInput } from "@orbis/contracts";

/** A small New York business: one service per shape the tests need. */
export function testBusiness(over: Partial<BusinessConfigInput> = {}): BusinessConfig {
  return businessConfigSchema.parse({
    name: "Test Co",
    timezone: "America/New_York",
    hours: {
      mon: [{ open: "09:00", close: "17:00" }],
      tue: [
        { open: "09:00", close: "12:00" },
        { open: "13:00", close: "17:00" },
      ],
      wed: [{ open: "09:00", close: "17:00" }],
      thu: [{ open: "09:00", close: "17:00" }],
      fri: [{ open: "09:00", close: "17:00" }],
      sun: [{ open: "00:00", close: "04:00" }],
    },
    closures: [
      { date: "2026-03-13", name: "Staff day" },
      { date: "2026-03-12", name: "Half day", hours: [{ open: "09:00", close: "12:00" }] },
    ],
    services: [
      { id: "hour", name: "Hour", durationMin: 60, priceCents: 1000, staffIds: [] },
      { id: "half", name: "Half hour", durationMin: 30, priceCents: 500, staffIds: [] },
      { id: "buffered", name: "Buffered", durationMin: 60, bufferMin: 15, staffIds: [] },
      { id: "staffed", name: "Staffed", durationMin: 60, staffIds: ["ann", "bob"] },
      { id: "ann-only", name: "Ann only", durationMin: 60, staffIds: ["ann"] },
    ],
    staff: [
      { id: "ann", name: "Ann", serviceIds: [] },
      { id: "bob", name: "Bob", serviceIds: [] },
    ],
    booking: { slotStepMin: 60, minNoticeMin: 0, maxDaysAhead: 365 },
    ...over,
  });
}
