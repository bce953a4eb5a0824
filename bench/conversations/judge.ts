import { getBusinessTemplate } from "@orbis/brain";
import { localDateTime, resolveDay } from "./clock.ts";
import type { StoredAppointment, StoredMessage, StoredState } from "./api.ts";
import type { Outcome, Scenario } from "./scenario.ts";

type Leaf = Exclude<Outcome, { kind: "anyOf" }>;

/** Why a scenario failed, in a closed set of kinds (the report counts them) with the detail: expected vs stored. */
export interface Failure {
  kind: string;
  detail: string;
}

export interface JudgeContext {
  now: Date;
  timezone: string;
  /**
   * The caller path. On `web-text` (and any other `web-` path) the agent cannot put a caller through by
   * design: a transfer expectation passes when the agent gave the business's number to call instead.
   */
  path?: string;
}

const digits = (s: string) => s.replace(/\D/g, "");
const phoneMatches = (stored: string, want: string) => digits(stored).endsWith(want);
const nameMatches = (stored: string, want: string) => {
  const have = stored.toLowerCase();
  return want
    .toLowerCase()
    .split(/\s+/)
    .every((w) => have.includes(w));
};
const re = (source: string) => new RegExp(source, "i");

function describeAppointment(a: StoredAppointment, tz: string): string {
  const { date, time } = localDateTime(a.start, tz);
  return `${a.serviceId} ${date} ${time} "${a.customerName}" ${a.customerPhone || "(no phone)"}`;
}

function judgeAppointment(want: Extract<Leaf, { kind: "appointment" }>, booked: StoredAppointment[], ctx: JudgeContext): Failure | null {
  const date = resolveDay(want.day, ctx.now, ctx.timezone);
  const expected = `${want.service} ${date}${want.time ? ` ${want.time}` : want.window ? ` ${want.window.from}-${want.window.to}` : ""} "${want.name}"${want.phone ? ` ${want.phone}` : ""}`;
  if (booked.length === 0) return { kind: "no-appointment", detail: `expected ${expected}; stored none` };
  const checks = (a: StoredAppointment): [string, boolean][] => {
    const local = localDateTime(a.start, ctx.timezone);
    return [
      ["wrong-service", re(`^(${want.service})$`).test(a.serviceId)],
      ["wrong-day", local.date === date],
      ["wrong-time", want.time ? local.time === want.time : want.window ? local.time >= want.window.from && local.time < want.window.to : true],
      ["wrong-name", nameMatches(a.customerName, want.name)],
      ["wrong-phone", want.phone ? phoneMatches(a.customerPhone, want.phone) : true],
    ];
  };
  // The closest stored appointment decides the reason: the one with the most matching fields.
  const scored = booked.map((a) => ({ a, c: checks(a) })).sort((x, y) => y.c.filter(([, ok]) => ok).length - x.c.filter(([, ok]) => ok).length);
  const best = scored[0]!;
  const wrong = best.c.filter(([, ok]) => !ok).map(([k]) => k);
  if (wrong.length === 0) return null;
  return { kind: `appointment:${wrong.join("+")}`, detail: `expected ${expected}; stored ${describeAppointment(best.a, ctx.timezone)}` };
}

function judgeMessage(want: Extract<Leaf, { kind: "message" }>, messages: StoredMessage[]): Failure | null {
  const expected = `message${want.name ? ` from "${want.name}"` : ""}${want.phone ? ` ${want.phone}` : ""}${want.keywords.length ? ` about /${want.keywords.join("/, /")}/` : ""}${want.urgent ? " (urgent)" : ""}`;
  if (messages.length === 0) return { kind: "no-message", detail: `expected ${expected}; stored none` };
  const checks = (m: StoredMessage): [string, boolean][] => [
    ["wrong-name", want.name ? nameMatches(m.callerName, want.name) : true],
    ["wrong-phone", want.phone ? phoneMatches(m.callbackNumber, want.phone) : true],
    ["missing-keyword", want.keywords.every((k) => re(k).test(`${m.text} ${m.callerName}`))],
    ["not-urgent", want.urgent ? m.urgency === "high" : true],
  ];
  const scored = messages.map((m) => ({ m, c: checks(m) })).sort((x, y) => y.c.filter(([, ok]) => ok).length - x.c.filter(([, ok]) => ok).length);
  const best = scored[0]!;
  const wrong = best.c.filter(([, ok]) => !ok).map(([k]) => k);
  if (wrong.length === 0) return null;
  const stored = `"${best.m.callerName}" ${best.m.callbackNumber || "(no number)"} [${best.m.urgency}] "${best.m.text.slice(0, 160)}"`;
  return { kind: `message:${wrong.join("+")}`, detail: `expected ${expected}; stored ${stored}` };
}

/** The numbers a web caller may be told to ring instead of a transfer: the escalation number, else the business's own. */
function numbersToCall(scenario: Scenario): string[] {
  const { business } = getBusinessTemplate(scenario.template);
  return [business.escalationPhone, business.phone].filter((n): n is string => !!n).map((n) => digits(n).slice(-10));
}

/** Some agent reply said one of the numbers digit by digit or written ("6 1 7, 5 5 5, 0 1 6 1", "617-555-0161"). */
function offeredNumberToCall(scenario: Scenario, state: StoredState): boolean {
  const wanted = numbersToCall(scenario);
  return (state.call?.turns ?? []).some((t) => wanted.some((n) => n.length === 10 && digits(t.agentText ?? "").includes(n)));
}

function judgeTransfer(scenario: Scenario, state: StoredState, ctx: JudgeContext): Failure | null {
  const call = state.call;
  if (call && (call.endReason === "transfer" || call.events.some((e) => e.kind === "transfer"))) return null;
  if (ctx.path?.startsWith("web")) {
    if (offeredNumberToCall(scenario, state)) return null;
    return {
      kind: "no-transfer",
      detail: `expected the business's number to call (web path, no transfer possible); call ended "${call?.endReason ?? "unknown"}"`,
    };
  }
  return { kind: "no-transfer", detail: `expected a transfer; call ended "${call?.endReason ?? "unknown"}"` };
}

/** The agent's side of the stored transcript. */
export function agentTranscript(state: StoredState): string {
  return (state.call?.turns ?? []).map((t) => t.agentText ?? "").join(" ");
}

function judgeAnswer(want: Extract<Leaf, { kind: "answer" }>, state: StoredState): Failure | null {
  const said = agentTranscript(state);
  const missing = want.facts.filter((f) => !re(f).test(said));
  if (missing.length === 0) return null;
  return { kind: "answer:missing-fact", detail: `expected the agent to say /${missing.join("/, /")}/; it said "${said.slice(0, 300)}"` };
}

function judgeLeaf(scenario: Scenario, want: Leaf, state: StoredState, booked: StoredAppointment[], ctx: JudgeContext): Failure | null {
  switch (want.kind) {
    case "appointment":
      return judgeAppointment(want, booked, ctx);
    case "message":
      return judgeMessage(want, state.messages);
    case "transfer":
      return judgeTransfer(scenario, state, ctx);
    case "answer":
      return judgeAnswer(want, state);
  }
}

const expectsAppointment = (o: Outcome): boolean => (o.kind === "anyOf" ? o.of.some(expectsAppointment) : o.kind === "appointment");

/** Every failed expectation of the scenario against what the call stored; empty when the caller got what they called for. */
export function judge(scenario: Scenario, state: StoredState, ctx: JudgeContext): Failure[] {
  const booked = state.appointments.filter((a) => a.status === "booked");
  const failures: Failure[] = [];
  if (!state.call) failures.push({ kind: "no-call-record", detail: "the call was not found through the API" });
  for (const want of scenario.expect) {
    if (want.kind === "anyOf") {
      const each = want.of.map((o) => judgeLeaf(scenario, o, state, booked, ctx));
      if (each.some((f) => f === null)) continue;
      failures.push({ kind: each[0]!.kind, detail: `none of the alternatives: ${each.map((f) => f!.detail).join(" | ")}` });
    } else {
      const f = judgeLeaf(scenario, want, state, booked, ctx);
      if (f) failures.push(f);
    }
  }
  const wantedAppointments = scenario.expect.filter(expectsAppointment).length;
  if (booked.length > wantedAppointments) {
    const stored = booked.map((a) => describeAppointment(a, ctx.timezone)).join("; ");
    failures.push({ kind: "unexpected-appointment", detail: `expected ${wantedAppointments} appointment(s); stored ${booked.length}: ${stored}` });
  }
  return failures;
}
