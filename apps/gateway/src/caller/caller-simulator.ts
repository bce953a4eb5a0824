import WebSocket from "ws";
import { serverMessageSchema, type ServerMessage } from "@orbis/contracts";
import { ttsProviders } from "@orbis/providers";

const RATE = 16_000;
const FRAME = RATE / 50;
/** A 20 ms frame this loud (about -40 dBFS) is voiced; flite's lines end in 100-200 ms of near silence. */
const VOICED_RMS = 330;

function rms(frame: Int16Array): number {
  let sum = 0;
  for (const v of frame) sum += v * v;
  return Math.sqrt(sum / frame.length);
}

export interface CallStep {
  /**
   * What the caller says (spoken with an offline voice), or types when `typed` is set. " ... " is a
   * pause mid-utterance (`SimulatorOptions.midPauseMs`), the way callers stop to think or read digits.
   */
  say: string;
  typed?: boolean;
  /** The agent's answer to this step must match. */
  expect?: RegExp;
  /** Start speaking this many ms after the agent started its answer instead of waiting for it (barge-in). */
  bargeInAfterMs?: number;
}

export interface TurnResult {
  said: string;
  heard: string;
  /** End of the caller's speech (its last voiced frame, not the quiet tail of the audio) → first agent audio frame received. */
  latencyMs?: number;
  /** The agent's audio started before the caller had finished the line: the turn was ended too early. */
  cutOff: boolean;
  ok: boolean;
  interrupted: boolean;
}

export interface CallResult {
  callId: string;
  greeting: string;
  turns: TurnResult[];
  transcript: { role: "user" | "agent"; text: string }[];
  endReason?: string;
  closeCode?: number;
  /** Agent audio frames that arrived more than 200 ms after an `interrupt`. */
  lateFramesAfterInterrupt: number;
  interrupts: number;
}

export interface SimulatorOptions {
  url: string;
  origin?: string;
  voice?: string;
  /** Audio sent per real millisecond: 1 = real time (latency figures), more for quick tests. */
  speed?: number;
  /** Silence after the agent finished before the caller speaks. */
  pauseMs?: number;
  /** Length of a " ... " pause inside a line, from the last voiced frame to the next (default 500 ms). */
  midPauseMs?: number;
  /** Gives up on a turn with no agent answer after this long. */
  turnTimeoutMs?: number;
  onEvent?(line: string): void;
}

function concat(chunks: Int16Array[]): Int16Array {
  const all = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  return all;
}

/** Drops whole unvoiced 20 ms frames from the start and/or end of synthesised speech. */
function trimUnvoiced(pcm: Int16Array, sides: { start: boolean; end: boolean }): Int16Array {
  let from = 0;
  let to = pcm.length;
  if (sides.start) while (from + FRAME <= to && rms(pcm.subarray(from, from + FRAME)) < VOICED_RMS) from += FRAME;
  if (sides.end) while (to - FRAME >= from && rms(pcm.subarray(to - FRAME, to)) < VOICED_RMS) to -= FRAME;
  return pcm.subarray(from, to);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A caller for people and CI: speaks lines into /v1/stream as 20 ms PCM16 frames, keeps the
 * microphone open (silence) between them like a real client, and records what the agent answered.
 */
export async function simulateCall(steps: CallStep[], options: SimulatorOptions): Promise<CallResult> {
  const speed = options.speed ?? 1;
  const tts = ttsProviders.flite({ voice: options.voice ?? "kal16" });
  const ws = new WebSocket(options.url, options.origin ? { origin: options.origin } : {});
  ws.binaryType = "nodebuffer";
  const result: CallResult = { callId: "", greeting: "", turns: [], transcript: [], lateFramesAfterInterrupt: 0, interrupts: 0 };
  const log = (line: string) => options.onEvent?.(line);

  let lastAudioAt = 0;
  let agentText: string[] = [];
  let firstAudioAfter: number | undefined;
  let speechEndedAt: number | undefined;
  /** While the caller is saying a line: agent audio now means the line was cut off. */
  let speaking = false;
  let cutOff = false;
  let interruptedAt: number | undefined;
  let interruptedThisTurn = false;
  let closed = false;
  let readyResolve: (() => void) | undefined;
  const ready = new Promise<void>((r) => (readyResolve = r));

  ws.on("message", (data: Buffer, isBinary: boolean) => {
    const now = performance.now();
    if (isBinary) {
      lastAudioAt = now;
      if (speaking) cutOff = true;
      if (speechEndedAt !== undefined && firstAudioAfter === undefined) firstAudioAfter = now;
      if (interruptedAt !== undefined && now - interruptedAt > 200) result.lateFramesAfterInterrupt++;
      return;
    }
    const parsed = serverMessageSchema.safeParse(JSON.parse(data.toString()));
    if (!parsed.success) throw new Error(`server sent an invalid message: ${data.toString()}`);
    const msg: ServerMessage = parsed.data;
    switch (msg.type) {
      case "ready":
        result.callId = msg.callId;
        readyResolve?.();
        break;
      case "transcript":
        if (msg.final) {
          result.transcript.push({ role: msg.role, text: msg.text });
          log(`${msg.role === "agent" ? "agent" : "caller"}: ${msg.text}`);
          if (msg.role === "agent") {
            agentText.push(msg.text);
            // Text arrives just before its audio: quiet is counted from the agent's last sign of life.
            lastAudioAt = now;
            // A new answer started: its audio is not late audio of the interrupted one.
            interruptedAt = undefined;
          }
        }
        break;
      case "interrupt":
        result.interrupts++;
        interruptedAt = now;
        interruptedThisTurn = true;
        log("(interrupt)");
        break;
      case "end":
        result.endReason = msg.reason;
        break;
      case "error":
        log(`error ${msg.code}: ${msg.message}`);
        break;
      case "tool":
        log(`(tool ${msg.name} ${msg.status})`);
        break;
    }
  });
  const closedPromise = new Promise<void>((resolve) =>
    ws.on("close", (code) => {
      closed = true;
      result.closeCode = code;
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
    ws.once("close", () => resolve());
  });
  if (closed) return result;
  ws.send(JSON.stringify({ type: "start", sampleRate: RATE }));
  await Promise.race([ready, closedPromise]);

  // The microphone: one frame every 20 ms of audio time, silence unless the caller is speaking.
  let speech: Int16Array[] = [];
  /** The line's last voiced frame: sending it is the end of the caller's speech. */
  let lastVoiced: Int16Array | undefined;
  let speechDone: (() => void) | undefined;
  const silence = new Int16Array(FRAME);
  const tick = 20 / speed;
  let next = performance.now();
  const mic = setInterval(
    () => {
      const now = performance.now();
      while (next <= now && !closed) {
        const frame = speech.shift();
        ws.send(frame ?? silence);
        if (frame && frame === lastVoiced) speechEndedAt = performance.now();
        if (frame && speech.length === 0) speechDone?.();
        next += tick;
      }
    },
    Math.max(1, Math.floor(tick / 2)),
  );

  const synthesize = async (text: string) => {
    const chunks: Int16Array[] = [];
    for await (const c of tts.synthesize(text, new AbortController().signal)) chunks.push(c);
    return chunks;
  };
  const speak = async (text: string) => {
    const pause = new Int16Array(Math.round(((options.midPauseMs ?? 500) * RATE) / 1000));
    const parts = text.split(/\s*\.\.\.\s*/).filter(Boolean);
    const chunks: Int16Array[] = [];
    for (const [i, part] of parts.entries()) {
      // The pause is the silence the caller leaves: flite's own quiet lead-in and tail are trimmed around it.
      const audio = trimUnvoiced(concat(await synthesize(part)), { start: i > 0, end: i < parts.length - 1 });
      chunks.push(...(i > 0 ? [pause] : []), audio);
    }
    const all = concat(chunks);
    const frames: Int16Array[] = [];
    lastVoiced = undefined;
    for (let i = 0; i < all.length; i += FRAME) {
      const f = new Int16Array(FRAME);
      f.set(all.subarray(i, i + FRAME));
      frames.push(f);
      if (rms(f) >= VOICED_RMS) lastVoiced = f;
    }
    lastVoiced ??= frames[frames.length - 1];
    const done = new Promise<void>((r) => (speechDone = r));
    speech = frames;
    await done;
  };

  /** The agent has answered: some text arrived and its audio stopped for a while. */
  const agentFinished = async (sinceMs: number) => {
    const deadline = performance.now() + (options.turnTimeoutMs ?? 20_000);
    while (!closed && performance.now() < deadline) {
      await sleep(50);
      const quietFor = performance.now() - Math.max(lastAudioAt, sinceMs);
      // Between sentences the agent may pause briefly; 1.5 s of quiet means it has finished (synthesis can lag on a loaded machine).
      if (agentText.length > 0 && quietFor > 1500) return;
    }
  };

  try {
    await agentFinished(performance.now());
    result.greeting = agentText.join(" ");
    for (const step of steps) {
      if (closed) break;
      await sleep((options.pauseMs ?? 300) / speed);
      agentText = [];
      firstAudioAfter = undefined;
      speechEndedAt = undefined;
      interruptedAt = undefined;
      interruptedThisTurn = false;
      cutOff = false;
      log(`caller says: ${step.say}`);
      if (step.typed) {
        speechEndedAt = performance.now();
        ws.send(JSON.stringify({ type: "text", text: step.say }));
      } else {
        speaking = true;
        await speak(step.say).finally(() => (speaking = false));
      }
      const started = performance.now();
      if (step.bargeInAfterMs !== undefined) {
        // Wait for the answer to start, then talk over it.
        while (!closed && firstAudioAfter === undefined && performance.now() - started < 15_000) await sleep(10);
        await sleep(step.bargeInAfterMs / speed);
        speechEndedAt = undefined;
        firstAudioAfter = undefined;
        await speak("wait, stop, i have a question");
        await agentFinished(performance.now());
      } else {
        await agentFinished(started);
      }
      const heard = agentText.join(" ");
      const ok = step.expect ? step.expect.test(heard) : heard.length > 0;
      const latencyMs = firstAudioAfter !== undefined && speechEndedAt !== undefined ? Math.round(firstAudioAfter - speechEndedAt) : undefined;
      result.turns.push({ said: step.say, heard, latencyMs, cutOff, ok, interrupted: interruptedThisTurn });
      log(
        `  → ${ok ? "ok" : "EXPECTATION FAILED"}${latencyMs !== undefined ? ` (${latencyMs} ms to first audio)` : ""}${cutOff ? " (cut off: the agent spoke before the caller had finished)" : ""}`,
      );
    }
  } finally {
    clearInterval(mic);
    if (!closed) {
      ws.send(JSON.stringify({ type: "end" }));
      await Promise.race([closedPromise, sleep(3000)]);
      if (!closed) ws.close();
    }
    tts.close?.();
  }
  return result;
}
