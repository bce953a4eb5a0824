import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, testConfig } from "@orbis/config";
import { tenantScope, type PracticeViewer } from "@orbis/db";
import { credentialResolver, practiceProspects, type ProspectFactory } from "@orbis/gateway";
import { simulateCall, type CallResult, type CallStep } from "@orbis/gateway/caller";
import { BREAKING_UP_LINE, builtInPersona, builtInScenario, prospectInstructions } from "@orbis/practice";
import { ProviderManager } from "@orbis/providers";
import { startOpenAiChatEmulator, type ChatReply, type OpenAiChatEmulator } from "../../packages/providers/test/emulators/openai-chat-emulator.ts";
import { startGateway, type GatewayHarness } from "../calls/harness.ts";

// The cold call's own persona: a busy logistics manager (medium difficulty).
const PERSONA = "builtin_logistics_ops_manager";
const SCENARIO = "builtin_cold_call_book_meeting";
const KEY = "sk-emu-practice";

/**
 * The prospect as the emulated model plays it, by what the rep last said. Its lines are not the
 * offline engine's, so the transcript shows who answered.
 */
function inCharacter(last: string): ChatReply {
  if (/reason for my call/i.test(last)) return { text: ["Look, I'm slammed with the shift change. ", "Put it in an email."] };
  if (/quick question/i.test(last)) return { text: ["Alright, you've got two minutes. ", "Our dispatchers live on the phone chasing drivers."] };
  if (/book a meeting/i.test(last)) return { text: ["Fine, Tuesday at ten works. ", "Send me the invite.\n[END ", "next_step]"] };
  return { text: ["Yeah? Who's this and what do you want?"] };
}

interface Rep {
  token: string;
  userId: string;
  workspaceId: string;
}

let emulator: OpenAiChatEmulator;
let h: GatewayHarness;
let rep: Rep;
/** The gateway's prospect factory; each test builds the one it needs (the gateway asks per session). */
let prospects: ProspectFactory;
/** The model fails (HTTP 400, not retried) the next time the rep pitches. */
let failOnPitch = false;
const managers: ProviderManager[] = [];
const cacheDir = mkdtempSync(join(tmpdir(), "orbis-practice-llm-"));

/** The factory `orbis start` builds from this environment (apps/cli/src/voice.ts), on a fresh manager. */
function prospectsFrom(env: Record<string, string>): ProspectFactory {
  const config = loadConfig("gateway", env);
  const manager = new ProviderManager({});
  managers.push(manager);
  return practiceProspects({
    llm: config.practiceLlm,
    manager,
    credentials: credentialResolver({ ...testConfig(), providerKeys: config.providerKeys }),
    cacheDir,
    prices: config.prices,
    log: { warn: () => undefined },
  });
}

const PRACTICE_ENV = () => ({
  PRACTICE_LLM: "openai-compatible:emu-1",
  OPENAI_COMPATIBLE_API_KEY: KEY,
  OPENAI_COMPATIBLE_BASE_URL: emulator.baseURL,
  // The operator's server has no list price: one is set so the session's cost shows the model's tokens.
  PROVIDER_PRICES: '{"openai-compatible":{"llmPerMillionIn":1000,"llmPerMillionOut":2000}}',
});

beforeAll(async () => {
  emulator = await startOpenAiChatEmulator((req) => {
    const last = req.messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
    if (failOnPitch && /reason for my call/i.test(last)) {
      failOnPitch = false;
      return { status: 400 };
    }
    return inCharacter(last);
  });
  // Practice sessions are recorded by default: their WAVs go under a DATA_DIR of the test's own.
  h = await startGateway({
    config: { dataDir: mkdtempSync(join(tmpdir(), "orbis-practice-llm-")) },
    gateway: { prospects: (practice) => prospects(practice) },
  });
  const res = await h.app.inject({
    method: "POST",
    url: "/v1/auth/signup",
    payload: { email: `llm-rep-${Date.now()}@example.com`, password: "password123", name: "Sam Rep", workspaceName: "Orbis Sales" },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  const body = res.json();
  rep = { token: body.token, userId: body.user.id, workspaceId: body.workspace.id };
}, 60_000);
afterAll(async () => {
  await h?.close();
  for (const m of managers) m.stop();
  await emulator?.close();
});

async function startSession(): Promise<{ id: string; token: string }> {
  const res = await h.app.inject({
    method: "POST",
    url: "/v1/practice/sessions",
    headers: { authorization: `Bearer ${rep.token}` },
    payload: { personaId: PERSONA, scenarioId: SCENARIO },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return { id: res.json().session.id, token: res.json().token };
}

const typed = (say: string, expect?: RegExp): CallStep => ({ say, typed: true, ...(expect ? { expect } : {}) });

async function practise(token: string, steps: CallStep[], lines: string[]): Promise<CallResult> {
  const url = `${h.wsUrl}?token=${encodeURIComponent(token)}`;
  return simulateCall(steps, { url, speed: 4, turnTimeoutMs: 20_000, onEvent: (l) => lines.push(l) });
}

const viewer = (): PracticeViewer => ({ userId: rep.userId, role: "owner" });

/** The session once the gateway has finished it (it does so as the stream closes). */
async function finished(id: string) {
  const tenant = tenantScope(h.db, rep.workspaceId);
  let row = await tenant.practice.getSession(viewer(), id);
  for (let i = 0; i < 50 && row?.status === "live"; i++) {
    await new Promise((r) => setTimeout(r, 100));
    row = await tenant.practice.getSession(viewer(), id);
  }
  return { row, turns: await tenant.practice.turns(viewer(), id) };
}

const COLD_CALL: CallStep[] = [
  typed("Hi Marcus, this is Sam from Acme."),
  typed("The reason for my call is we help freight companies cut the time dispatchers spend chasing drivers."),
  typed("I'll be brief, just one quick question: how do your dispatchers track arrival times today?"),
  typed("Could we book a meeting on Tuesday at ten to show you how it works?"),
];

describe("a sales practice session with PRACTICE_LLM: the model plays the prospect over /v1/stream", () => {
  it(
    "the model answers in character from the persona's instructions and ends it with [END next_step] → completed, turns stored",
    { timeout: 120_000 },
    async () => {
      prospects = prospectsFrom(PRACTICE_ENV());
      const before = emulator.requests.length;
      const session = await startSession();
      const lines: string[] = [];
      const result = await practise(session.token, COLD_CALL, lines);
      const log = lines.join("\n");

      expect(result.callId, log).toBe(session.id);
      expect(result.greeting, log).toBe("Swiftline Freight, this is Marcus.");
      expect(
        result.turns.map((t) => t.heard),
        log,
      ).toEqual([
        "Yeah? Who's this and what do you want?",
        "Look, I'm slammed with the shift change. Put it in an email.",
        "Alright, you've got two minutes. Our dispatchers live on the phone chasing drivers.",
        "Fine, Tuesday at ten works. Send me the invite.",
      ]);
      expect(result.endReason, log).toBe("next_step");

      // Four rep turns, four model requests: the persona and scenario as the system prompt, the call so far after it.
      const requests = emulator.requests.slice(before);
      expect(requests).toHaveLength(4);
      const persona = builtInPersona(PERSONA)!;
      const scenario = builtInScenario(SCENARIO)!;
      expect(requests[0]!.model).toBe("emu-1");
      expect(requests[0]!.messages[0]).toMatchObject({ role: "system", content: prospectInstructions(persona, scenario) });
      expect(requests[3]!.messages.slice(1).map((m) => m.role)).toEqual(["assistant", "user", "assistant", "user", "assistant", "user", "assistant", "user"]);
      expect(emulator.keys.slice(-4)).toEqual([KEY, KEY, KEY, KEY]);

      const { row, turns } = await finished(session.id);
      const transcript = turns.map((t) => `${t.seq} ${t.speaker}: ${t.text}`).join("\n");
      expect(row, transcript).toMatchObject({ status: "completed", endReason: "next_step" });
      expect(row!.overallScore, transcript).not.toBeNull();
      expect(row!.score, transcript).toMatchObject({ metrics: { nextStepSecured: true } });
      expect(turns.map((t) => t.speaker)).toEqual(["prospect", "rep", "prospect", "rep", "prospect", "rep", "prospect", "rep", "prospect"]);
      expect(turns.filter((t) => t.speaker === "rep").map((t) => t.text)).toEqual(COLD_CALL.map((s) => s.say));
      expect(turns.at(-1)!.text).toBe("Fine, Tuesday at ten works. Send me the invite.");
      // The end marker is the model's signal, never part of what the rep heard or what is stored.
      expect(transcript).not.toMatch(/\[END|next_step/);
    },
  );

  it("PRACTICE_LLM set but no key for it: the offline prospect plays the session, the model is never asked", { timeout: 120_000 }, async () => {
    prospects = prospectsFrom({ PRACTICE_LLM: "openai-compatible:emu-1" });
    const before = emulator.requests.length;
    const session = await startSession();
    const lines: string[] = [];
    // Two turns show who answers: the offline engine's brush-off, not the model's; then the rep hangs up.
    const result = await practise(session.token, COLD_CALL.slice(0, 2), lines);
    expect(result.turns[1]?.heard, lines.join("\n")).toBe("I'm in the middle of a shift change. Just send me an email.");
    expect(emulator.requests.length).toBe(before);
    expect((await finished(session.id)).row).toMatchObject({ status: "completed", endReason: "rep_ended", costUsd: 0 });
  });

  it(
    "the model failing mid-session: the prospect asks the rep to say it again, and the offline engine finishes the session",
    { timeout: 120_000 },
    async () => {
      prospects = prospectsFrom(PRACTICE_ENV());
      const before = emulator.requests.length;
      const session = await startSession();
      const lines: string[] = [];
      failOnPitch = true;
      // The rep says the pitch again when the prospect asks for it: from then on the offline engine answers.
      const [hello, pitch, question, meeting] = COLD_CALL as [CallStep, CallStep, CallStep, CallStep];
      const result = await practise(session.token, [hello, pitch, pitch, question, meeting], lines);
      const log = lines.join("\n");
      expect(
        result.turns.map((t) => t.heard),
        log,
      ).toEqual([
        "Yeah? Who's this and what do you want?",
        BREAKING_UP_LINE,
        "I'm in the middle of a shift change. Just send me an email.",
        expect.stringContaining("Okay, two minutes. Go."),
        "Fine. Tuesday at ten. Send me the invite and keep it short.",
      ]);
      expect(emulator.requests.length - before).toBe(2);
      expect(result.endReason).toBe("next_step");
      expect((await finished(session.id)).row).toMatchObject({ status: "completed", endReason: "next_step" });
    },
  );
});
