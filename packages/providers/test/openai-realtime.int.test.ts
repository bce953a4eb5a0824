import { afterEach, describe, expect, it } from "vitest";
import { fixedWallClock, ProviderError, type RealtimeEvent, type RealtimeSession } from "@orbis/ports";
import { InMemoryCalendar, InMemoryMessageSink, Toolbox, builtinTools, getBusinessTemplate, toolContextFor, toolSpecs } from "@orbis/brain";
import { createResampler } from "@orbis/voice";
import { createOpenAiRealtime } from "../src/openai/openai-realtime.ts";
import { acceptsText } from "../src/manager/realtime-text.ts";
import { startOpenAiRealtimeEmulator } from "./emulators/openai-realtime-emulator.ts";
import type { OpenAiRealtimeEmulator } from "./emulators/openai-realtime-emulator.ts";
import { speak } from "./fixtures.ts";

let emu: OpenAiRealtimeEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const START = "2026-03-10T08:00:00-04:00";

async function speak24k(text: string): Promise<Int16Array> {
  const r = await createResampler({ inRate: 16000, outRate: 24000 });
  const out = r.process(await speak(text));
  r.free();
  return out;
}

function sendUtterance(session: RealtimeSession, audio: Int16Array, trailingSilenceMs = 700): void {
  for (let i = 0; i + 480 <= audio.length; i += 480) session.sendAudio(audio.subarray(i, i + 480));
  for (let ms = 0; ms < trailingSilenceMs; ms += 20) session.sendAudio(new Int16Array(480));
}

async function readUntil(
  session: RealtimeSession,
  until: (e: RealtimeEvent) => boolean,
  onTool?: (e: Extract<RealtimeEvent, { type: "tool-call" }>) => Promise<void>,
): Promise<RealtimeEvent[]> {
  const seen: RealtimeEvent[] = [];
  for await (const e of session.events()) {
    seen.push(e);
    if (e.type === "tool-call" && onTool) await onTool(e);
    if (until(e)) break;
  }
  return seen;
}

describe("OpenAI Realtime through the SDK's OpenAIRealtimeWS (emulated over TLS)", () => {
  it("speech in → function call books an appointment → response.create → 24 kHz audio out", async () => {
    emu = await startOpenAiRealtimeEmulator({
      turns: [
        {
          heard: "I would like to book a cleaning next Tuesday",
          toolCall: { name: "book_appointment", args: { serviceId: "cleaning", start: START, customerName: "Jo Park", customerPhone: "+12125550100" } },
          reply: "You're booked for Tuesday at eight.",
        },
      ],
    });
    const template = getBusinessTemplate("dental");
    const clock = fixedWallClock("2026-03-05T14:00:00Z");
    const calendar = new InMemoryCalendar(clock);
    const toolbox = new Toolbox(builtinTools());
    const ctx = toolContextFor(
      { callId: "call_ort00000000000000000", workspaceId: "ws_a", agentId: "agt_ort0000000000000000", channel: "twilio" },
      template.business,
      { calendar, messages: new InMemoryMessageSink(clock), clock },
    );
    const provider = createOpenAiRealtime({ apiKey: "sk-rt", baseURL: emu.baseURL, ca: emu.ca, voice: "cedar" });
    expect(provider.inputSampleRate).toBe(24000);
    const session = await provider.connect({ instructions: "You are the receptionist.", tools: toolSpecs(toolbox.list()) }, new AbortController().signal);
    sendUtterance(session, await speak24k("I would like to book a cleaning next Tuesday"));
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
    expect(events.find((e) => e.type === "tool-call")).toMatchObject({ id: "call_1", name: "book_appointment", args: { start: START } });
    const audio = events.flatMap((e) => (e.type === "audio" ? [e] : []));
    expect(audio.reduce((n, a) => n + a.pcm.length, 0) / 24000).toBeGreaterThan(1);
    expect(await calendar.listAppointments({ status: "booked" })).toHaveLength(1);
    expect(emu.sessions[0]).toMatchObject({
      type: "realtime",
      output_modalities: ["audio"],
      audio: { output: { voice: "cedar" }, input: { turn_detection: { type: "server_vad" } } },
    });
    expect(emu.sessions[0]?.tools?.map((t) => t.name)).toContain("book_appointment");
    expect(JSON.parse(emu.outputs[0]?.output ?? "{}")).toMatchObject({ appointment: { serviceId: "cleaning" } });
  });

  it("barge-in: speech_started during a response → interrupted", async () => {
    emu = await startOpenAiRealtimeEmulator({
      turns: [{ heard: "hello", reply: "Thanks for calling Bright Smile Dental, we are open Monday to Friday from eight to five." }],
      replyChunkDelayMs: 20,
    });
    const session = await createOpenAiRealtime({ apiKey: "sk-rt", baseURL: emu.baseURL, ca: emu.ca }).connect(
      { instructions: "x" },
      new AbortController().signal,
    );
    const hello = await speak24k("Hello");
    sendUtterance(session, hello);
    let sent = false;
    await readUntil(session, (e) => {
      if (e.type === "audio" && !sent) {
        sent = true;
        sendUtterance(session, hello, 0);
      }
      return e.type === "interrupted";
    });
    await expect.poll(() => emu?.stats.interruptions).toBe(1);
    session.close();
  });

  it("a bad key is a non-retryable ProviderError (HTTP 401 at the handshake)", async () => {
    emu = await startOpenAiRealtimeEmulator({ turns: [] });
    const err = await createOpenAiRealtime({ apiKey: "wrong", baseURL: emu.baseURL, ca: emu.ca })
      .connect({ instructions: "x" }, new AbortController().signal)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ status: 401, retryable: false });
  });

  it("text input (typed, or the cue to greet): an input_text message and response.create → a spoken answer, no user transcript", async () => {
    emu = await startOpenAiRealtimeEmulator({ turns: [{ heard: "(not transcribed)", reply: "Thanks for calling." }] });
    const session = await createOpenAiRealtime({ apiKey: "sk-rt", baseURL: emu.baseURL, ca: emu.ca }).connect(
      { instructions: "x" },
      new AbortController().signal,
    );
    expect(acceptsText(session)).toBe(true);
    if (!acceptsText(session)) return;
    session.sendText("(The call has connected.)");
    const events = await readUntil(session, (e) => e.type === "transcript" && e.role === "agent" && e.final);
    expect(emu.texts).toEqual(["(The call has connected.)"]);
    expect(events.some((e) => e.type === "audio")).toBe(true);
    expect(events.some((e) => e.type === "transcript" && e.role === "user")).toBe(false);
    expect(events.at(-1)).toMatchObject({ text: "Thanks for calling." });
    session.close();
  });
});
