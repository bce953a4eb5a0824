import { DateTime } from "luxon";
import type { BusinessConfig, TestExpectation, TranscriptLine } from "@orbis/contracts";
import { createReceptionistBrain, InMemoryCalendar, InMemoryMessageSink } from "@orbis/brain";
import { fixedWallClock } from "@orbis/ports";
import type { BrainEvent } from "@orbis/voice";
import { judge, type CallOutcome } from "./judge.ts";

/** What a scenario is run against: the business and greeting of a config (the draft's or a version's). */
export interface SimulationTarget {
  workspaceId: string;
  agentId: string;
  business: BusinessConfig;
  greeting?: string;
}

export interface ScenarioToRun {
  turns: readonly string[];
  expectations: readonly TestExpectation[];
}

export interface SimulationResult {
  passed: boolean;
  failures: { expectation: TestExpectation; found: string }[];
  transcript: TranscriptLine[];
  error: string | null;
}

const SIMULATED_CALL_ID = "call_simulation000000000000";

/**
 * The stable "now" of every simulation: the next Monday at 09:00 in the business's time zone after
 * `now`, so "tomorrow" is a Tuesday and "Friday" the same Friday in every run of the same week.
 */
export function simulationNow(now: Date, timezone: string): Date {
  const local = DateTime.fromJSDate(now, { zone: timezone }).startOf("day");
  return local
    .plus({ days: 8 - local.weekday })
    .set({ hour: 9 })
    .toJSDate();
}

/**
 * One scenario as a typed phone call (channel "twilio": transfers are possible) with the agent's
 * receptionist brain, on an in-memory calendar and message sink that start empty: a test never books
 * a real appointment or leaves a real message. Each caller line is one turn; the call stops early if
 * the agent ends it. The expectations are then judged on what the call left.
 */
export async function simulateScenario(target: SimulationTarget, scenario: ScenarioToRun, now: Date): Promise<SimulationResult> {
  const clock = fixedWallClock(simulationNow(now, target.business.timezone));
  const calendar = new InMemoryCalendar(clock);
  const messages = new InMemoryMessageSink(clock);
  const brain = createReceptionistBrain({ business: target.business, calendar, messages, clock, ...(target.greeting ? { greeting: target.greeting } : {}) });
  const session = brain.startSession({ callId: SIMULATED_CALL_ID, workspaceId: target.workspaceId, agentId: target.agentId, channel: "twilio" });

  const transcript: TranscriptLine[] = [];
  const outcome: CallOutcome = {
    agentLines: [],
    transfers: [],
    appointments: [],
    messages: [],
    timezone: target.business.timezone,
    services: target.business.services,
  };
  let ended = false;
  const collect = async (events: AsyncIterable<BrainEvent>) => {
    for await (const event of events) {
      if (event.type === "text" && event.text.trim()) {
        transcript.push({ speaker: "agent", text: event.text.trim() });
        outcome.agentLines.push(event.text.trim());
      } else if (event.type === "transfer") {
        transcript.push({ speaker: "event", text: `transferred to ${event.to}` });
        outcome.transfers.push(event.to);
      } else if (event.type === "end") {
        transcript.push({ speaker: "event", text: "the agent ended the call" });
        ended = true;
      }
    }
  };

  try {
    const signal = new AbortController().signal;
    await collect(session.greet(signal));
    for (const line of scenario.turns) {
      if (ended || outcome.transfers.length > 0) break;
      transcript.push({ speaker: "caller", text: line });
      await collect(session.respond({ kind: "typed", text: line }, signal));
    }
    outcome.appointments = await calendar.listAppointments({ status: "booked" });
    outcome.messages = messages.messages;
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    transcript.push({ speaker: "event", text: `the simulation failed: ${error}` });
    return { passed: false, failures: [], transcript, error };
  }
  const failures = judge(scenario.expectations, outcome);
  return { passed: failures.length === 0, failures, transcript, error: null };
}
