import { afterEach, describe, expect, it } from "vitest";
import { fixedWallClock, ProviderError, type RealtimeEvent, type RealtimeSession } from "@orbis/ports";
import { InMemoryCalendar, InMemoryMessageSink, Toolbox, builtinTools, getBusinessTemplate, toolContextFor, toolSpecs } from "@orbis/brain";
import { createGeminiLive, toGeminiSchema } from "../src/gemini/gemini-live.ts";
import { acceptsText } from "../src/manager/realtime-text.ts";
import { startGeminiLiveEmulator } from "./emulators/gemini-live-emulator.ts";
import type { GeminiLiveEmulator } from "./emulators/gemini-live-emulator.ts";
import { speak } from "./fixtures.ts";

let emu: GeminiLiveEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const template = getBusinessTemplate("dental");
const START = "2026-03-10T08:00:00-04:00";

async function sendUtterance(session: RealtimeSession, audio: Int16Array, trailingSilenceMs = 700): Promise<void> {
  for (let i = 0; i + 320 <= audio.length; i += 320) session.sendAudio(audio.subarray(i, i + 320));
  for (let ms = 0; ms < trailingSilenceMs; ms += 20) session.sendAudio(new Int16Array(320));
  await new Promise((r) => setTimeout(r, 0));
}

/** Reads events until `until` says stop; runs tool calls through the brain's Toolbox like the gateway would. */
async function readUntil(
  session: RealtimeSession,
  until: (e: RealtimeEvent, all: RealtimeEvent[]) => boolean,
  onTool?: (e: Extract<RealtimeEvent, { type: "tool-call" }>) => Promise<void>,
): Promise<RealtimeEvent[]> {
  const seen: RealtimeEvent[] = [];
  for await (const e of session.events()) {
    seen.push(e);
    if (e.type === "tool-call" && onTool) await onTool(e);
    if (until(e, seen)) break;
  }
  return seen;
}

describe("Gemini Live through @google/genai ai.live.connect (emulated)", () => {
  it("widget-style call: speech in → tool call books an appointment → 24 kHz audio and transcripts out", async () => {
    emu = await startGeminiLiveEmulator({
      turns: [
        {
          heard: "I would like to book a cleaning next Tuesday",
          toolCall: { name: "book_appointment", args: { serviceId: "cleaning", start: START, customerName: "Jo Park", customerPhone: "+12125550100" } },
          reply: "You're booked for Tuesday at eight.",
        },
      ],
    });
    const clock = fixedWallClock("2026-03-05T14:00:00Z");
    const calendar = new InMemoryCalendar(clock);
    const toolbox = new Toolbox(builtinTools());
    const ctx = toolContextFor(
      { callId: "call_live00000000000000000", workspaceId: "ws_a", agentId: "agt_live0000000000000000", channel: "web" },
      template.business,
      { calendar, messages: new InMemoryMessageSink(clock), clock },
    );
    const provider = createGeminiLive({ apiKey: "gm-test", baseUrl: emu.baseUrl, voice: "Puck" });
    expect(provider.inputSampleRate).toBe(16000);
    const session = await provider.connect({ instructions: "You are the receptionist.", tools: toolSpecs(toolbox.list()) }, new AbortController().signal);
    await sendUtterance(session, await speak("I would like to book a cleaning next Tuesday"));
    const events = await readUntil(
      session,
      (e) => e.type === "transcript" && e.role === "agent" && e.final,
      async (call) => {
        const rec = await toolbox.run(call.name, call.args, ctx);
        session.sendToolResult(call.id, rec.ok ? rec.result : { error: rec.error });
      },
    );
    session.close();
    expect(events.find((e) => e.type === "transcript" && e.role === "user" && e.final)).toMatchObject({ text: "I would like to book a cleaning next Tuesday" });
    expect(events.find((e) => e.type === "tool-call")).toMatchObject({ name: "book_appointment", args: { serviceId: "cleaning", start: START } });
    const audio = events.flatMap((e) => (e.type === "audio" ? [e] : []));
    expect(audio.every((a) => a.sampleRate === 24000)).toBe(true);
    expect(audio.reduce((n, a) => n + a.pcm.length, 0) / 24000).toBeGreaterThan(1);
    expect(events.at(-1)).toMatchObject({ type: "transcript", role: "agent", text: "You're booked for Tuesday at eight.", final: true });
    expect(await calendar.listAppointments({ status: "booked" })).toHaveLength(1);
    // What went over the wire: setup with voice, tools in Gemini schema, server VAD; the tool response with id and name.
    const setup = emu.setups[0];
    expect(setup?.model).toBe("models/gemini-2.5-flash-native-audio-preview-09-2025");
    expect(JSON.stringify(setup?.generationConfig)).toContain('"voiceName":"Puck"');
    expect(setup?.tools?.[0]?.functionDeclarations.find((f) => f.name === "book_appointment")?.parameters).toMatchObject({
      type: "OBJECT",
      properties: { serviceId: { type: "STRING" } },
    });
    expect(emu.toolResponses[0]).toMatchObject({ id: "fc_1", name: "book_appointment", response: { appointment: { serviceId: "cleaning", start: START } } });
  });

  it("barge-in: caller speech during the reply → interrupted, then the next turn", async () => {
    emu = await startGeminiLiveEmulator({
      turns: [{ heard: "hello", reply: "Thanks for calling Bright Smile Dental, we are open Monday to Friday from eight to five." }],
      replyChunkDelayMs: 20,
    });
    const session = await createGeminiLive({ apiKey: "gm-test", baseUrl: emu.baseUrl }).connect({ instructions: "x" }, new AbortController().signal);
    const speech = await speak("Hello");
    await sendUtterance(session, speech);
    let interrupted = false;
    await readUntil(session, (e) => {
      if (e.type === "audio" && !interrupted) {
        interrupted = true;
        void sendUtterance(session, speech, 0);
      }
      return e.type === "interrupted";
    });
    expect(emu.stats.interruptions).toBe(1);
    session.close();
  });

  it("goAway → reconnects with the latest resumption handle; the call continues", async () => {
    emu = await startGeminiLiveEmulator({
      turns: [
        { heard: "hello", reply: "Hi there." },
        { heard: "bye", reply: "Goodbye." },
      ],
      goAwayAfterTurns: 1,
    });
    const session = await createGeminiLive({ apiKey: "gm-test", baseUrl: emu.baseUrl }).connect({ instructions: "x" }, new AbortController().signal);
    await sendUtterance(session, await speak("Hello"));
    await readUntil(session, (e) => e.type === "transcript" && e.role === "agent" && e.final);
    await expect.poll(() => emu?.stats.resumedWith).toEqual(["handle-1"]);
    await sendUtterance(session, await speak("Bye"));
    const second = await readUntil(session, (e) => e.type === "transcript" && e.role === "agent" && e.final);
    expect(second.at(-1)).toMatchObject({ text: "Goodbye." });
    expect(emu.stats.connections).toBe(2);
    session.close();
  });

  it("a bad key closes with 1008 → non-retryable ProviderError; schema conversion keeps nullable and enums", async () => {
    emu = await startGeminiLiveEmulator({ turns: [] });
    const err = await createGeminiLive({ apiKey: "wrong", baseUrl: emu.baseUrl })
      .connect({ instructions: "x" }, new AbortController().signal)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: false });
    expect(toGeminiSchema({ type: ["string", "null"], enum: ["a", "b"], description: "d" })).toEqual({
      type: "STRING",
      nullable: true,
      enum: ["a", "b"],
      description: "d",
    });
  });

  it("text input (typed, or the cue to greet): realtimeInput.text → a spoken answer, no user transcript", async () => {
    emu = await startGeminiLiveEmulator({ turns: [{ heard: "(not transcribed)", reply: "Thanks for calling Bright Smile Dental." }] });
    const session = await createGeminiLive({ apiKey: "gm-test", baseUrl: emu.baseUrl }).connect({ instructions: "x" }, new AbortController().signal);
    expect(acceptsText(session)).toBe(true);
    if (!acceptsText(session)) return;
    session.sendText("(The call has connected.)");
    const events = await readUntil(session, (e) => e.type === "transcript" && e.role === "agent" && e.final);
    expect(emu.stats.texts).toEqual(["(The call has connected.)"]);
    expect(events.some((e) => e.type === "audio")).toBe(true);
    expect(events.some((e) => e.type === "transcript" && e.role === "user")).toBe(false);
    expect(events.at(-1)).toMatchObject({ text: "Thanks for calling Bright Smile Dental." });
    session.close();
  });
});
