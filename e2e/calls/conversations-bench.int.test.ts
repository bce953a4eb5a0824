import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BENCH_NOW, resolveDay } from "../../bench/conversations/clock.ts";
import { runScenarios } from "../../bench/conversations/conversations.ts";
import { judge } from "../../bench/conversations/judge.ts";
import type { StoredState } from "../../bench/conversations/api.ts";
import { webTextPath } from "../../bench/conversations/paths/web-text.ts";
import { startBenchPlatform, type BenchPlatform } from "../../bench/conversations/platform.ts";
import { buildReport, toMarkdown } from "../../bench/conversations/report.ts";
import { parseScenarios } from "../../bench/conversations/scenario.ts";
import { SCENARIOS } from "../../bench/conversations/scenarios/index.ts";
import { spokenForm } from "../../bench/conversations/paths/caller-path.ts";
import { callWordErrors } from "../../bench/conversations/wer.ts";

/** The conversation benchmark (npm run bench:conversations) on three of its scenarios, so the runner cannot rot. */

const NY = "America/New_York";
const call = (over: Partial<NonNullable<StoredState["call"]>> = {}): NonNullable<StoredState["call"]> => ({
  id: "call_x",
  status: "completed",
  endReason: "caller_hangup",
  events: [],
  turns: [],
  ...over,
});
const appointment = (start: string, over: Partial<StoredState["appointments"][number]> = {}): StoredState["appointments"][number] => ({
  id: "apt_x",
  agentId: null,
  callId: null,
  serviceId: "cleaning",
  staffId: null,
  start,
  end: start,
  busyEnd: start,
  status: "booked",
  customerName: "Sarah Mitchell",
  customerPhone: "+12125550143",
  customerEmail: "",
  notes: "",
  source: "agent",
  createdAt: start,
  updatedAt: start,
  ...over,
});
const scenario = SCENARIOS.find((s) => s.id === "dental-001-cleaning-simple")!;

describe("conversation benchmark: voiced paths' word error rate and spoken numbers", () => {
  it("counts substitutions, insertions and deletions over the whole call, numbers left out", () => {
    expect(callWordErrors(["Hi, I'd like to book a cleaning."], ["hi i'd like to book a cleaning"])).toEqual({ errors: 0, words: 7 });
    // Split differently into turns by the recogniser: still no error.
    expect(callWordErrors(["Sarah Mitchell.", "Tomorrow at ten"], ["sarah", "mitchell tomorrow at"])).toEqual({ errors: 0, words: 4 });
    expect(callWordErrors(["book a cleaning tomorrow"], ["look a cleaning"])).toEqual({ errors: 2, words: 4 });
    expect(callWordErrors(["It's 212 555 0143."], ["it's two one two five five five oh one four three"])).toEqual({ errors: 0, words: 1 });
  });

  it("reads digit strings digit by digit, as callers read numbers out", () => {
    expect(spokenForm("It's 212 555 0143, at 10:30")).toBe("It's 2 1 2 5 5 5 0 1 4 3, at 10:30");
  });
});

describe("conversation benchmark: days and the judge", () => {
  it("resolves days against the fixed Monday", () => {
    expect(resolveDay("today", BENCH_NOW, NY)).toBe("2027-04-12");
    expect(resolveDay("tomorrow", BENCH_NOW, NY)).toBe("2027-04-13");
    expect(resolveDay("mon", BENCH_NOW, NY)).toBe("2027-04-19");
    expect(resolveDay("thu", BENCH_NOW, "America/Los_Angeles")).toBe("2027-04-15");
  });

  it("passes the stored appointment asked for and names what differs otherwise", () => {
    const ctx = { now: BENCH_NOW, timezone: NY };
    const good: StoredState = { call: call(), appointments: [appointment("2027-04-13T10:00:00.000-04:00")], messages: [] };
    expect(judge(scenario, good, ctx)).toEqual([]);
    const late: StoredState = { ...good, appointments: [appointment("2027-04-13T10:30:00.000-04:00", { customerPhone: "2125550000" })] };
    expect(judge(scenario, late, ctx).map((f) => f.kind)).toEqual(["appointment:wrong-time+wrong-phone"]);
    expect(judge(scenario, { ...good, appointments: [] }, ctx).map((f) => f.kind)).toEqual(["no-appointment"]);
    const twice: StoredState = { ...good, appointments: [appointment("2027-04-13T10:00:00.000-04:00"), appointment("2027-04-14T10:00:00.000-04:00")] };
    expect(judge(scenario, twice, ctx).map((f) => f.kind)).toEqual(["unexpected-appointment"]);
  });

  it("judges transfers, messages and answers on the call record", () => {
    const ctx = { now: BENCH_NOW, timezone: NY };
    const [human, billing, insurance] = ["dental-012-human", "dental-013-billing-message", "dental-009-insurance"].map((id) =>
      SCENARIOS.find((s) => s.id === id)!,
    );
    expect(judge(human!, { call: call({ endReason: "transfer" }), appointments: [], messages: [] }, ctx)).toEqual([]);
    expect(judge(human!, { call: call(), appointments: [], messages: [] }, ctx).map((f) => f.kind)).toEqual(["no-transfer"]);
    // On the web path no one can be put through: the business's number offered to call passes, nothing else does.
    const web = { ...ctx, path: "web-text" };
    const said = (agentText: string) => call({ turns: [{ userText: "a person please", agentText }] });
    expect(judge(human!, { call: said("You can call us at 2 1 2, 5 5 5, 0 1 9 9."), appointments: [], messages: [] }, web)).toEqual([]);
    expect(judge(human!, { call: said("You can call us at 2 1 2, 5 5 5, 0 1 9 9."), appointments: [], messages: [] }, ctx).map((f) => f.kind)).toEqual([
      "no-transfer",
    ]);
    expect(judge(human!, { call: said("What message would you like me to pass on?"), appointments: [], messages: [] }, web).map((f) => f.kind)).toEqual([
      "no-transfer",
    ]);
    const msg = {
      id: "msg_x",
      agentId: null,
      callId: null,
      callerName: "Karen Schultz",
      callbackNumber: "5165550177",
      urgency: "normal" as const,
      status: "new" as const,
      createdAt: "2027-04-12T15:00:00Z",
    };
    expect(judge(billing!, { call: call(), appointments: [], messages: [{ ...msg, text: "Charged twice for a cleaning" }] }, ctx)).toEqual([]);
    expect(judge(billing!, { call: call(), appointments: [], messages: [{ ...msg, text: "Please call back" }] }, ctx).map((f) => f.kind)).toEqual([
      "message:missing-keyword",
    ]);
    const turn = {
      seq: 1,
      userText: "x",
      heardText: null,
      interrupted: false,
      toolCalls: [],
      endpointMs: null,
      asrMs: null,
      llmMs: null,
      ttsMs: null,
      e2eMs: null,
      startedAt: "",
      endedAt: "",
    };
    expect(judge(insurance!, { call: call({ turns: [{ ...turn, agentText: "We accept most PPO plans." }] }), appointments: [], messages: [] }, ctx)).toEqual(
      [],
    );
    expect(judge(insurance!, { call: call({ turns: [{ ...turn, agentText: "Sorry?" }] }), appointments: [], messages: [] }, ctx).map((f) => f.kind)).toEqual([
      "answer:missing-fact",
    ]);
  });

  it("refuses a malformed scenario and duplicate ids", () => {
    expect(() => parseScenarios([{ id: "bad id", template: "dental", intent: "x", turns: ["hi"], expect: [{ kind: "transfer" }] }])).toThrow(/scenario #0/);
    const one = { id: "dental-999-x", template: "dental" as const, intent: "x", turns: ["hi"], expect: [{ kind: "transfer" as const }] };
    expect(() => parseScenarios([one, one])).toThrow(/duplicate scenario id/);
  });
});

describe("conversation benchmark: three scenarios end to end (web-text)", () => {
  let platform: BenchPlatform;
  beforeAll(async () => {
    platform = await startBenchPlatform(BENCH_NOW);
  });
  afterAll(() => platform.close());

  it("places each call, reads what it stored back through the API and reports it", { timeout: 180_000 }, async () => {
    const picked = ["dental-009-insurance", "generic-007-consultant-directly", "salon-001-haircut"].map((id) => SCENARIOS.find((s) => s.id === id)!);
    const results = await runScenarios(platform.baseUrl, webTextPath(), picked, { now: BENCH_NOW, concurrency: 3 });
    expect(results.map((r) => r.id)).toEqual(picked.map((s) => s.id));
    for (const [i, r] of results.entries()) {
      // The harness worked whatever the agent did: a stored call, every caller turn spoken and answered.
      expect(r.failures.filter((f) => ["harness-error", "no-call-record", "call-error"].includes(f.kind))).toEqual([]);
      expect(r.callId).toMatch(/^call_/);
      expect(r.transcript[0]!.agent).not.toBe("");
      const spoken = r.transcript.length - 1;
      expect(spoken + r.unanswered).toBeGreaterThanOrEqual(1);
      expect(spoken).toBeLessThanOrEqual(picked[i]!.turns.length);
      expect(r.latenciesMs.length).toBe(spoken - r.unanswered);
      expect(r.passed).toBe(r.failures.length === 0);
    }
    const report = buildReport(results, BENCH_NOW);
    expect(report.byPath).toEqual([{ key: "web-text", passed: results.filter((r) => r.passed).length, total: 3, rate: expect.any(Number) }]);
    expect(report.latencyMs[0]!.p50).not.toBeNull();
    expect(toMarkdown(report)).toContain("| web-text |");
  });
});
