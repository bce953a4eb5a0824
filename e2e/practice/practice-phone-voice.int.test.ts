import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantScope } from "@orbis/db";
import { speechAvailability } from "@orbis/providers";
import { PUBLIC_BASE, startPhoneGateway, twilioTenant, type PhoneHarness } from "../telephony/phone-harness.ts";
import { placeTwilioCall } from "../telephony/twilio-emulator.ts";

const speech = speechAvailability();
if (!speech.stt) console.warn(`practice phone voice test skipped: ${speech.reason}`);

/**
 * Practice by phone with real audio (docs/practice.md, "By phone"): the rep starts a phone session in
 * the API, dials the practice line through emulated Twilio, keys the code at the `<Gather>`, and talks
 * to the prospect over the media stream at 8 kHz μ-law (flite → speex → G.711 → band fill →
 * pocketsphinx → prospect → flite → G.711). Kept to two rep turns: it plays at real time.
 */
describe.runIf(speech.stt)("a sales practice session by phone over emulated Twilio (real speech at 8 kHz)", () => {
  let h: PhoneHarness;
  beforeAll(async () => {
    // Practice sessions are recorded by default: their WAVs go under this DATA_DIR.
    h = await startPhoneGateway({ config: { dataDir: mkdtempSync(join(tmpdir(), "orbis-practice-phone-")) } });
  });
  afterAll(() => h?.close());

  it(
    "start by phone → dial the line → key the code → the prospect greets, two rep turns → hang up → completed, turns, a score",
    { timeout: 120_000 },
    async () => {
      const { tenant, account, number } = await twilioTenant(h);
      const auth = { authorization: `Bearer ${tenant.token}` };
      const numbers = await h.app.inject({ url: "/v1/phone-numbers", headers: auth });
      const phoneNumberId = numbers.json().data.find((n: { number: string }) => n.number === number).id;
      expect((await h.app.inject({ method: "PUT", url: "/v1/practice/phone-line", headers: auth, payload: { phoneNumberId } })).statusCode).toBe(200);
      const started = await h.app.inject({
        method: "POST",
        url: "/v1/practice/sessions",
        headers: auth,
        payload: { personaId: "builtin_dental_practice_owner", scenarioId: "builtin_cold_call_book_meeting", channel: "phone" },
      });
      expect(started.statusCode, started.body).toBe(201);
      const { session, phone } = started.json();
      expect(phone.number).toBe(number);

      const lines: string[] = [];
      const call = await placeTwilioCall(account, {
        localBase: h.localBase,
        publicBase: PUBLIC_BASE,
        from: "+12125550142",
        to: number,
        gather: [phone.code],
        log: (l) => lines.push(l),
        steps: [{ say: "hi doctor alvarez this is sam from orbis" }, { say: "what are your biggest challenges right now" }],
      });
      const log = lines.join("\n");
      expect(call.shapeErrors, log).toEqual([]);
      // The prospect's opening line, then an answer to each rep turn: audio heard on the caller's end.
      expect(call.greetingMs, log).toBeGreaterThan(1000);
      expect(
        call.turns.map((t) => t.heardMs).every((ms) => ms > 300),
        log,
      ).toBe(true);
      expect(call.marksEchoed).toBeGreaterThan(0);

      // The gateway finishes the session as the stream closes.
      let body = (await h.app.inject({ url: `/v1/practice/sessions/${session.id}`, headers: auth })).json();
      for (let i = 0; i < 50 && body.status === "live"; i++) {
        await new Promise((r) => setTimeout(r, 100));
        body = (await h.app.inject({ url: `/v1/practice/sessions/${session.id}`, headers: auth })).json();
      }
      const transcript = body.turns.map((t: { speaker: string; text: string; speechMs: number }) => `${t.speaker} ${t.speechMs}ms: ${t.text}`).join("\n");
      const context = `${log}\n--- stored\n${transcript}`;
      expect(body, context).toMatchObject({ status: "completed", channel: "twilio", endReason: "rep_hung_up", phone: { state: "connected" } });
      expect(body.turns[0], context).toMatchObject({ seq: 0, speaker: "prospect" });
      const rep = body.turns.filter((t: { speaker: string }) => t.speaker === "rep");
      expect(rep.length, context).toBeGreaterThanOrEqual(1);
      for (const t of rep) expect(t.speechMs, context).toBeGreaterThan(800);
      expect(body.turns.filter((t: { speaker: string }) => t.speaker === "prospect").length, context).toBeGreaterThanOrEqual(2);
      expect(body.overallScore, context).not.toBeNull();
      expect(body.score.items.length).toBeGreaterThan(0);
      expect(body.durationSec).toBeGreaterThan(5);

      // Recorded as the browser's sessions are (rep left, prospect right, 16 kHz), played back through a signed link.
      expect(body.recording, context).toEqual({ state: "available", url: `/v1/practice/sessions/${session.id}/recording` });
      const redirect = await h.app.inject({ url: body.recording.url, headers: auth });
      expect(redirect.statusCode).toBe(302);
      const link = new URL(String(redirect.headers.location));
      const wav = (await h.app.inject({ url: link.pathname + link.search })).rawPayload;
      expect(wav.subarray(0, 4).toString("ascii")).toBe("RIFF");
      expect(wav.readUInt32LE(40), context).toBeGreaterThan(3 * 16000 * 2 * 2);

      // Logged as the rep's practice; not a call.
      const viewer = { userId: session.userId, role: "owner" as const };
      const activities = await tenantScope(h.db, tenant.workspaceId).practice.listActivities(viewer, { limit: 10 });
      expect(activities.filter((a) => a.practiceSessionId === session.id)).toMatchObject([{ kind: "practice_session", source: "practice" }]);
      expect((await h.app.inject({ url: "/v1/calls", headers: auth })).json().data).toEqual([]);
    },
  );
});
