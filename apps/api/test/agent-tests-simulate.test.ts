import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { businessFromTemplate, getBusinessTemplate } from "@orbis/brain";
import { simulateScenario, simulationNow } from "../src/modules/agent-tests/simulate.ts";

const local = (at: Date, zone: string) => DateTime.fromJSDate(at, { zone }).toFormat("ccc yyyy-LL-dd HH:mm");

describe("simulationNow", () => {
  it("is the next Monday at 09:00 in the business's zone, whatever the day and zone of now", () => {
    // Saturday evening in New York is already Sunday in UTC; a Monday morning goes to the Monday after.
    expect(local(simulationNow(new Date("2026-12-05T23:30:00Z"), "America/New_York"), "America/New_York")).toBe("Mon 2026-12-07 09:00");
    expect(local(simulationNow(new Date("2026-12-07T10:00:00Z"), "Europe/Paris"), "Europe/Paris")).toBe("Mon 2026-12-14 09:00");
    // Across the DST change (Sunday March 8 2026 in New York): still 09:00 local.
    expect(local(simulationNow(new Date("2026-03-05T14:00:00Z"), "America/New_York"), "America/New_York")).toBe("Mon 2026-03-09 09:00");
  });
});

describe("simulateScenario", () => {
  const business = businessFromTemplate(getBusinessTemplate("dental"), { name: "Sim Dental", timezone: "America/New_York", escalationPhone: "+12125550199" });
  const target = { workspaceId: "ws_sim", agentId: "agt_sim", business };

  it("stops at a transfer: later caller lines are not said", async () => {
    const r = await simulateScenario(target, { turns: ["Can I talk to a real person please?", "hello?"], expectations: [{ type: "transfer" }] }, new Date());
    expect(r.passed).toBe(true);
    expect(r.transcript.filter((l) => l.speaker === "caller")).toHaveLength(1);
  });

  it("two runs of one scenario start from an empty calendar: the same slot books both times", async () => {
    const scenario = {
      turns: ["I'd like to book a cleaning tomorrow at 10am", "Jane Smith", "555 212 1234", "yes"],
      expectations: [{ type: "appointment" as const, service: "Cleaning", weekday: "tue" as const, time: "10:00", customerName: "jane smith" }],
    };
    const now = new Date();
    expect((await simulateScenario(target, scenario, now)).passed).toBe(true);
    expect((await simulateScenario(target, scenario, now)).passed).toBe(true);
  });

  it("reports what it found for each unmet expectation", async () => {
    const r = await simulateScenario(
      target,
      {
        turns: ["What are your hours?"],
        expectations: [
          { type: "says", text: "8 am to 5 pm" },
          { type: "never_says", text: "8 AM" },
          { type: "message", callerName: "Jo" },
          { type: "transfer" },
        ],
      },
      new Date(),
    );
    expect(r.passed).toBe(false);
    expect(r.failures.map((f) => f.expectation.type)).toEqual(["never_says", "message", "transfer"]);
    expect(r.failures[0]!.found).toMatch(/^the agent said: ".*8 AM/);
    expect(r.failures[1]!.found).toBe("no message was taken");
    expect(r.failures[2]!.found).toBe("the call was not transferred");
  });
});
