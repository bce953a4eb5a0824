import { DateTime } from "luxon";
import type { BusinessConfigInput } from "@orbis/contracts";
import { bearer, validAgent, type Account } from "./helpers.ts";
import type { App } from "../src/index.ts";

const allDay = [{ open: "09:00", close: "17:00" }];

/** New York, open 9–17 every day; "hour" has no staff, "cut" is done by ann or bob, "buffered" has 15 min after. */
export const testBusiness: BusinessConfigInput = {
  name: "Test Dental",
  timezone: "America/New_York",
  hours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
  services: [
    { id: "hour", name: "Hour visit", synonyms: ["cleaning", "checkup"], durationMin: 60, priceCents: 1000, staffIds: [] },
    { id: "buffered", name: "Buffered visit", durationMin: 60, bufferMin: 15, staffIds: [] },
    { id: "cut", name: "Haircut", durationMin: 60, staffIds: ["ann", "bob"] },
  ],
  staff: [
    { id: "ann", name: "Ann", serviceIds: [] },
    { id: "bob", name: "Bob", serviceIds: [] },
  ],
  booking: { slotStepMin: 60, minNoticeMin: 0, maxDaysAhead: 365 },
};

/** A business-local wall time `daysAhead` days from today, as an instant with its offset. */
export function localInstant(daysAhead: number, hhmm: string, zone = "America/New_York"): string {
  const [hour, minute] = hhmm.split(":").map(Number) as [number, number];
  return DateTime.now().setZone(zone).plus({ days: daysAhead }).set({ hour, minute, second: 0, millisecond: 0 }).toISO({ suppressMilliseconds: true })!;
}

export async function createAgentWithBusiness(app: App, owner: Account, business: BusinessConfigInput = testBusiness): Promise<string> {
  const agent = await app.inject({ method: "POST", url: "/v1/agents", headers: bearer(owner.token), payload: validAgent });
  if (agent.statusCode !== 201) throw new Error(`agent create failed: ${agent.body}`);
  const id = agent.json().id as string;
  const put = await app.inject({ method: "PUT", url: `/v1/agents/${id}/business`, headers: bearer(owner.token), payload: business });
  if (put.statusCode !== 200) throw new Error(`business put failed: ${put.body}`);
  return id;
}

export const booking = (agentId: string, start: string, over: Record<string, unknown> = {}) => ({
  agentId,
  serviceId: "hour",
  start,
  customerName: "Pat Doe",
  customerPhone: "+1 (212) 555-0100",
  ...over,
});
