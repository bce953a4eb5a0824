import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenService } from "@orbis/auth";
import { testConfig } from "@orbis/config";
import { createId, CLOSE_CODES } from "@orbis/contracts";
import { tenantScope, type PracticeViewer } from "@orbis/db";
import { simulateCall, type CallResult, type CallStep } from "@orbis/gateway/caller";
import { speechAvailability } from "@orbis/providers";
import { startGateway, type GatewayHarness } from "../calls/harness.ts";

const speech = speechAvailability();
if (!speech.stt) console.warn(`practice voice tests skipped: ${speech.reason}`);

// A friendly practice owner on a cold call (medium difficulty: one objection handled is enough to agree).
const PERSONA = "builtin_dental_practice_owner";
const SCENARIO = "builtin_cold_call_book_meeting";

interface Rep {
  token: string;
  userId: string;
  workspaceId: string;
}

let h: GatewayHarness;
let owner: Rep;
let n = 0;
beforeAll(async () => {
  if (!speech.stt) return;
  // Practice sessions are recorded by default: their WAVs go under this DATA_DIR.
  h = await startGateway({ config: { dataDir: mkdtempSync(join(tmpdir(), "orbis-practice-voice-")) } });
  owner = await signUp();
});
afterAll(() => h?.close());

async function signUp(): Promise<Rep> {
  const res = await h.app.inject({
    method: "POST",
    url: "/v1/auth/signup",
    payload: { email: `rep-${Date.now()}-${n++}@example.com`, password: "password123", name: "Sam Rep", workspaceName: "Orbis Sales" },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  const body = res.json();
  return { token: body.token, userId: body.user.id, workspaceId: body.workspace.id };
}

/** POST /v1/practice/sessions as the rep: the live session and its one-use voice token. */
async function startSession(rep: Rep): Promise<{ id: string; token: string }> {
  const res = await h.app.inject({
    method: "POST",
    url: "/v1/practice/sessions",
    headers: { authorization: `Bearer ${rep.token}` },
    payload: { personaId: PERSONA, scenarioId: SCENARIO },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return { id: res.json().session.id, token: res.json().token };
}

const streamUrl = (token: string) => `${h.wsUrl}?token=${encodeURIComponent(token)}`;
const viewerOf = (rep: Rep): PracticeViewer => ({ userId: rep.userId, role: "owner" });

async function practise(token: string, steps: CallStep[], lines: string[]): Promise<CallResult> {
  return simulateCall(steps, { url: streamUrl(token), speed: 2, voice: "slt", turnTimeoutMs: 30_000, onEvent: (l) => lines.push(l) });
}

describe.runIf(speech.stt)("a sales practice session by voice over /v1/stream (flite → VAD → pocketsphinx → prospect → flite)", () => {
  it(
    "a cold call: intro, discovery, an objection handled, the next step agreed → completed, scored, turns timed, activity logged, no call",
    { timeout: 180_000 },
    async () => {
      const session = await startSession(owner);
      const lines: string[] = [];
      const result = await practise(
        session.token,
        [
          { say: "hi doctor alvarez this is sam from orbis" },
          { say: "what are your biggest challenges right now" },
          { say: "the reason i'm calling is we help companies like bright smile dental", expect: /email|busy week/i },
          { say: "just one quick question", expect: /couple of minutes|go ahead/i },
          { say: "can we book a meeting next tuesday at ten", expect: /invite/i },
        ],
        lines,
      );
      const log = lines.join("\n");
      expect(result.callId, log).toBe(session.id);
      expect(result.greeting, log).toMatch(/bright smile dental|maria/i);

      const tenant = tenantScope(h.db, owner.workspaceId);
      const viewer = viewerOf(owner);
      // The gateway finishes the session as the stream closes: wait for it.
      let row = await tenant.practice.getSession(viewer, session.id);
      for (let i = 0; i < 50 && row?.status === "live"; i++) {
        await new Promise((r) => setTimeout(r, 100));
        row = await tenant.practice.getSession(viewer, session.id);
      }
      const turns = await tenant.practice.turns(viewer, session.id);
      const transcript = turns.map((t) => `${t.seq} ${t.speaker} @${t.atMs} ${t.speechMs}ms${t.interrupted ? " (cut)" : ""}: ${t.text}`).join("\n");
      const context = `${log}\n--- stored\n${transcript}`;

      // Turns of both speakers, in order, timed from the session's start.
      expect(turns[0], context).toMatchObject({ seq: 0, speaker: "prospect" });
      const rep = turns.filter((t) => t.speaker === "rep");
      const prospect = turns.filter((t) => t.speaker === "prospect");
      expect(rep.length, context).toBeGreaterThanOrEqual(4);
      expect(prospect.length, context).toBeGreaterThanOrEqual(5);
      expect(turns.map((t) => t.seq)).toEqual(turns.map((_, i) => i));
      for (let i = 1; i < turns.length; i++) expect(turns[i]!.atMs, context).toBeGreaterThanOrEqual(turns[i - 1]!.atMs);
      for (const t of rep) {
        // A spoken line of 2–4 s at normal speed, measured on the audio (the simulator sends it at twice real time).
        expect(t.speechMs, context).toBeGreaterThan(800);
        expect(t.speechMs, context).toBeLessThan(8000);
      }
      for (const t of prospect) expect(t.speechMs, context).toBeGreaterThan(300);
      expect(rep.map((t) => t.text).join(" | "), context).toMatch(/biggest challenges/);

      expect(row, context).toMatchObject({ status: "completed", channel: "web" });
      expect(row!.endReason, context).toBe("next_step");
      expect(row!.durationSec).toBeGreaterThan(5);
      expect(row!.overallScore, context).not.toBeNull();
      expect(row!.score, context).toMatchObject({ metrics: { nextStepSecured: true } });
      expect(row!.costUsd).toBe(0);
      expect(result.endReason).toBe("next_step");

      // Recorded like a call (the workspace's practice recording is on by default): the report plays it
      // through the api's redirect to a signed link; the WAV is two-channel 16 kHz.
      expect(row!.recordingPath, context).toMatch(new RegExp(`${owner.workspaceId}/${session.id}\\.wav$`));
      const auth = { authorization: `Bearer ${owner.token}` };
      const report = (await h.app.inject({ url: `/v1/practice/sessions/${session.id}`, headers: auth })).json();
      expect(report.recording).toEqual({ state: "available", url: `/v1/practice/sessions/${session.id}/recording` });
      const redirect = await h.app.inject({ url: report.recording.url, headers: auth });
      expect(redirect.statusCode).toBe(302);
      const file = await h.app.inject({ url: new URL(String(redirect.headers.location)).pathname + new URL(String(redirect.headers.location)).search });
      expect(file.statusCode).toBe(200);
      const wav = file.rawPayload;
      expect(wav.subarray(0, 4).toString("ascii")).toBe("RIFF");
      expect(wav.readUInt16LE(22)).toBe(2);
      expect(wav.readUInt32LE(24)).toBe(16000);
      // The rep's frames are the recording's clock (the simulator sends them at twice real time).
      expect(wav.length - 44, context).toBeGreaterThan(2 * 16000 * 2 * 2);
      expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
      expect(readFileSync(row!.recordingPath!).length).toBe(wav.length);

      const activities = await tenant.practice.listActivities(viewer, { limit: 10 });
      expect(activities.filter((a) => a.practiceSessionId === session.id)).toMatchObject([
        { kind: "practice_session", source: "practice", userId: owner.userId },
      ]);
      // Not a call: nothing in the call log.
      const calls = await h.app.inject({ url: "/v1/calls", headers: { authorization: `Bearer ${owner.token}` } });
      expect(calls.json().data).toEqual([]);

      // The token was for one session: used, it opens nothing more.
      const again: string[] = [];
      const replay = await practise(session.token, [], again);
      expect(replay.closeCode).toBe(CLOSE_CODES.invalidAgentOrToken);
      expect(again.join("\n")).toMatch(/already used|already ended/);
    },
  );

  it("a rep who hangs up without saying anything → abandoned, unscored, no activity", { timeout: 60_000 }, async () => {
    const session = await startSession(owner);
    const result = await practise(session.token, [], []);
    expect(result.greeting).toMatch(/bright smile dental|maria/i);
    expect(result.endReason).toBe("rep_ended");
    const tenant = tenantScope(h.db, owner.workspaceId);
    const row = await tenant.practice.getSession(viewerOf(owner), session.id);
    expect(row).toMatchObject({ status: "abandoned", endReason: "rep_ended", score: null, overallScore: null });
    // The prospect's opening line is stored; the rep said nothing.
    const turns = await tenant.practice.turns(viewerOf(owner), session.id);
    expect(turns.map((t) => t.speaker)).toEqual(["prospect"]);
    const activities = await tenant.practice.listActivities(viewerOf(owner), { limit: 50 });
    expect(activities.some((a) => a.practiceSessionId === session.id)).toBe(false);
  });

  it("recording off for the workspace: the session is not recorded and the report says so", { timeout: 60_000 }, async () => {
    const rep = await signUp();
    const auth = { authorization: `Bearer ${rep.token}` };
    const off = await h.app.inject({ method: "PATCH", url: "/v1/practice/settings", headers: auth, payload: { recordSessions: false } });
    expect(off.statusCode, off.body).toBe(200);
    const session = await startSession(rep);
    const result = await practise(session.token, [], []);
    expect(result.greeting).toMatch(/bright smile dental|maria/i);
    const row = await tenantScope(h.db, rep.workspaceId).practice.getSession(viewerOf(rep), session.id);
    expect(row).toMatchObject({ status: "abandoned", recordAudio: false, recordingPath: null });
    const report = (await h.app.inject({ url: `/v1/practice/sessions/${session.id}`, headers: auth })).json();
    expect(report.recording).toEqual({ state: "off", url: null });
    expect((await h.app.inject({ url: `/v1/practice/sessions/${session.id}/recording`, headers: auth })).statusCode).toBe(404);
  });

  it("a socket closed without `end` → disconnected", { timeout: 60_000 }, async () => {
    const session = await startSession(owner);
    const { default: WebSocket } = await import("ws");
    const ws = new WebSocket(streamUrl(session.token));
    await new Promise<void>((resolve, reject) => (ws.once("open", () => resolve()), ws.once("error", reject)));
    const ready = new Promise<void>((resolve) => ws.on("message", (data, binary) => !binary && JSON.parse(String(data)).type === "ready" && resolve()));
    ws.send(JSON.stringify({ type: "start", sampleRate: 16000 }));
    await ready;
    ws.terminate();
    const tenant = tenantScope(h.db, owner.workspaceId);
    let row = await tenant.practice.getSession(viewerOf(owner), session.id);
    for (let i = 0; i < 50 && row?.status === "live"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      row = await tenant.practice.getSession(viewerOf(owner), session.id);
    }
    expect(row).toMatchObject({ status: "abandoned", endReason: "disconnected" });
  });

  it("another rep's token cannot open a session that is not theirs; a token for no practice session is refused", { timeout: 60_000 }, async () => {
    const session = await startSession(owner);
    // A second rep in the same workspace (staff), with a token naming the owner's session.
    const other = await signUp();
    await tenantScope(h.db, owner.workspaceId).members.insert({ id: createId("membership"), userId: other.userId, role: "staff" });
    const tokens = createTokenService(testConfig().jwtSecret!);
    const forged = await tokens.issueVoiceToken({ workspaceId: owner.workspaceId, agentId: session.id, userId: other.userId, practiceSessionId: session.id });
    const lines: string[] = [];
    const refused = await practise(forged.token, [], lines);
    expect(refused.closeCode).toBe(CLOSE_CODES.invalidAgentOrToken);
    expect(lines.join("\n")).toMatch(/practice session not found/);

    // A user who is not a member of the workspace at all.
    const outsider = await signUp();
    const foreign = await tokens.issueVoiceToken({
      workspaceId: owner.workspaceId,
      agentId: session.id,
      userId: outsider.userId,
      practiceSessionId: session.id,
    });
    const outsiderLines: string[] = [];
    expect((await practise(foreign.token, [], outsiderLines)).closeCode).toBe(CLOSE_CODES.invalidAgentOrToken);
    expect(outsiderLines.join("\n")).toMatch(/not a member/);

    // The session was not touched: still live, its own token still opens it.
    const tenant = tenantScope(h.db, owner.workspaceId);
    expect(await tenant.practice.getSession(viewerOf(owner), session.id)).toMatchObject({ status: "live" });
    const own = await practise(session.token, [], []);
    expect(own.callId).toBe(session.id);
  });

  it("a session finished from the dashboard cannot be opened with its unused token", { timeout: 30_000 }, async () => {
    const session = await startSession(owner);
    const ended = await h.app.inject({ method: "POST", url: `/v1/practice/sessions/${session.id}/end`, headers: { authorization: `Bearer ${owner.token}` } });
    expect(ended.statusCode, ended.body).toBe(200);
    const lines: string[] = [];
    const refused = await practise(session.token, [], lines);
    expect(refused.closeCode).toBe(CLOSE_CODES.invalidAgentOrToken);
    expect(lines.join("\n")).toMatch(/already ended/);
  });
});
