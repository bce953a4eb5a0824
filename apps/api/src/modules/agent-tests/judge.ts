import { DateTime } from "luxon";
import { WEEKDAYS, type MessageDto, type TestExpectation } from "@orbis/contracts";
import type { Appointment } from "@orbis/ports";

/** What a simulated call left: everything the agent said, transfers, bookings and messages. */
export interface CallOutcome {
  agentLines: string[];
  transfers: string[];
  appointments: Appointment[];
  messages: MessageDto[];
  timezone: string;
  /** The business's services, so an expectation may name one by its id or its name. */
  services: readonly { id: string; name: string }[];
}

type Failure = { expectation: TestExpectation; found: string };

const folded = (s: string) => s.toLowerCase().replace(/\s+/g, " ").trim();
const same = (a: string, b: string) => folded(a) === folded(b);
const lastTenDigits = (phone: string) => phone.replace(/\D/g, "").slice(-10);

function describeAppointment(a: Appointment, timezone: string): string {
  const start = DateTime.fromISO(a.start, { zone: timezone, locale: "en-US" });
  return `${a.serviceId} on ${start.toFormat("ccc HH:mm")} for ${a.customerName || "(no name)"}`;
}

function appointmentMatches(a: Appointment, e: Extract<TestExpectation, { type: "appointment" }>, outcome: CallOutcome): boolean {
  const start = DateTime.fromISO(a.start, { zone: outcome.timezone });
  if (e.service !== undefined) {
    const name = outcome.services.find((s) => s.id === a.serviceId)?.name ?? "";
    if (!same(a.serviceId, e.service) && !same(name, e.service)) return false;
  }
  if (e.weekday !== undefined && WEEKDAYS[start.weekday - 1] !== e.weekday) return false;
  if (e.time !== undefined && start.toFormat("HH:mm") !== e.time) return false;
  if (e.customerName !== undefined && !same(a.customerName, e.customerName)) return false;
  return true;
}

function messageMatches(m: MessageDto, e: Extract<TestExpectation, { type: "message" }>): boolean {
  if (e.callerName !== undefined && !same(m.callerName ?? "", e.callerName)) return false;
  if (e.callbackNumber !== undefined && lastTenDigits(m.callbackNumber ?? "") !== lastTenDigits(e.callbackNumber)) return false;
  if (e.contains !== undefined && !folded(m.text).includes(folded(e.contains))) return false;
  return true;
}

/** What was found instead, or null when the expectation holds. */
function check(e: TestExpectation, outcome: CallOutcome): string | null {
  switch (e.type) {
    case "appointment": {
      if (outcome.appointments.some((a) => appointmentMatches(a, e, outcome))) return null;
      if (outcome.appointments.length === 0) return "no appointment was booked";
      return `booked: ${outcome.appointments.map((a) => describeAppointment(a, outcome.timezone)).join("; ")}`;
    }
    case "message": {
      if (outcome.messages.some((m) => messageMatches(m, e))) return null;
      if (outcome.messages.length === 0) return "no message was taken";
      return `messages: ${outcome.messages.map((m) => `from ${m.callerName || "(no name)"} at ${m.callbackNumber || "(no number)"}: "${m.text}"`).join("; ")}`;
    }
    case "transfer":
      return outcome.transfers.length > 0 ? null : "the call was not transferred";
    case "no_transfer":
      return outcome.transfers.length === 0 ? null : `the call was transferred to ${outcome.transfers.join(", ")}`;
    case "says": {
      if (outcome.agentLines.some((l) => folded(l).includes(folded(e.text)))) return null;
      return outcome.agentLines.length === 0 ? "the agent said nothing" : `the agent never said it; last line: "${outcome.agentLines.at(-1)}"`;
    }
    case "never_says": {
      const line = outcome.agentLines.find((l) => folded(l).includes(folded(e.text)));
      return line === undefined ? null : `the agent said: "${line}"`;
    }
  }
}

/** Every expectation the call did not meet, with what was found instead. */
export function judge(expectations: readonly TestExpectation[], outcome: CallOutcome): Failure[] {
  const failures: Failure[] = [];
  for (const expectation of expectations) {
    const found = check(expectation, outcome);
    if (found !== null) failures.push({ expectation, found });
  }
  return failures;
}
