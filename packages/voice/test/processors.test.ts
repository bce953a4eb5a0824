import { describe, expect, it } from "vitest";
import {
  BrainProcessor,
  FakeClock,
  LatencyProcessor,
  SentenceSplitter,
  splitFirstClause,
  SttProcessor,
  TtsProcessor,
  VadProcessor,
  WatchdogProcessor,
  frames,
  runFrames,
  typesOf,
} from "../src/index.ts";
import type { SttProvider, SttStream, TtsProvider, Vad } from "@orbis/ports";
import type { BrainEvent, BrainSession, Frame, FrameOf } from "../src/index.ts";
import { run, sine } from "./helpers.ts";

function fakeStt(finals: string[]): SttProvider & { pushed: number } {
  const provider = {
    id: "fake",
    sampleRate: 16000,
    pushed: 0,
    async createStream(handlers?: { onPartial?(text: string): void }): Promise<SttStream> {
      return {
        push: () => {
          provider.pushed++;
          if (provider.pushed === 3) handlers?.onPartial?.("hel");
        },
        endUtterance: async () => finals.shift() ?? "",
        abort: () => {},
        close: () => {},
      };
    },
  };
  return provider;
}

function scriptedBrain(reply: BrainEvent[], greeting: BrainEvent[] = []): BrainSession & { inputs: string[] } {
  const inputs: string[] = [];
  return {
    inputs,
    async *greet() {
      yield* greeting;
    },
    async *respond(input) {
      inputs.push(input.kind === "speech" || input.kind === "typed" ? input.text : input.kind);
      for (const event of reply) {
        await new Promise((r) => setTimeout(r, 1));
        yield event;
      }
    },
    expecting: () => "none",
  };
}

const fakeTts = (chunks = 3, sampleRate = 16000): TtsProvider => ({
  id: "fake-tts",
  sampleRate,
  async *synthesize(text, signal) {
    for (let i = 0; i < chunks; i++) {
      await new Promise((r) => setTimeout(r, 2));
      if (signal.aborted) return;
      yield new Int16Array(sampleRate / 50).fill(text.length);
    }
  },
});

describe("VadProcessor", () => {
  it("marks frames and emits smoothed transitions", async () => {
    const pattern = [false, true, true, true, true, false, false, false, false, false, false, false, false, false, false];
    let i = 0;
    const vad: Vad = { sampleRate: 16000, frameSamples: 320, process: () => pattern[i++]!, reset: () => {}, free: () => {} };
    const out = await runFrames(
      new VadProcessor({ vad, startMs: 60, stopMs: 200 }),
      pattern.map(() => frames.audioIn(new Int16Array(320))),
    );
    expect(out.down.filter((f) => f.type === "vad")).toEqual([
      { type: "vad", lane: "data", speaking: true },
      { type: "vad", lane: "data", speaking: false },
    ]);
    expect(out.down.filter((f) => f.type === "audio-in").map((f) => (f as FrameOf<"audio-in">).speech)).toEqual(pattern);
  });

  it("marks speech frames far below the recent speech level as quiet (the detector's hangover)", async () => {
    const vad: Vad = { sampleRate: 16000, frameSamples: 320, process: () => true, reset: () => {}, free: () => {} };
    const frameAt = (amplitude: number) => frames.audioIn(sine(200, 16000, 320, amplitude));
    const out = await runFrames(new VadProcessor({ vad }), [frameAt(6000), frameAt(5000), frameAt(2000), frameAt(400), frameAt(300), frameAt(5000)]);
    expect(out.down.filter((f) => f.type === "audio-in").map((f) => (f as FrameOf<"audio-in">).quiet)).toEqual([false, false, false, true, true, false]);
  });
});

describe("SttProcessor", () => {
  it("feeds pre-roll + turn audio, emits partials, then user-turn-end and one final", async () => {
    const stt = fakeStt(["hello there"]);
    const out = await runFrames(new SttProcessor({ provider: stt, preRollMs: 100 }), [
      ...run(400, false),
      frames.userTurnStart(),
      ...run(200, true),
      frames.userTurnEnd(),
      ...run(200, false),
    ]);
    expect(stt.pushed).toBe(5 + 10);
    expect(out.down.map((f) => (f.type === "transcript" ? `${f.final ? "final" : "partial"}:${f.text}` : f.type))).toEqual([
      "user-turn-start",
      "partial:hel",
      "user-turn-end",
      "final:hello there",
    ]);
  });
});

describe("SttProcessor early final", () => {
  /** Logs what the recogniser was given: pushes per utterance, then each end. */
  function loggingStt(finals: string[]): SttProvider & { log: string[] } {
    let pushes = 0;
    const log: string[] = [];
    return {
      id: "logging",
      sampleRate: 16000,
      log,
      async createStream(): Promise<SttStream> {
        return {
          push: () => void pushes++,
          endUtterance: async () => {
            log.push(`end after ${pushes}`);
            pushes = 0;
            return finals.shift() ?? "";
          },
          abort: () => {},
          close: () => {},
        };
      },
    };
  }
  const ending = { type: "user-turn-ending", lane: "data", leadMs: 150 } as const;
  const resumed = { type: "user-turn-resumed", lane: "data" } as const;
  const described = (out: { down: Frame[] }) =>
    out.down
      .filter((f) => f.type !== "audio-in")
      .map((f) => (f.type === "transcript" ? `${f.final ? "final" : f.early ? "early" : "partial"}:${f.text}` : f.type));

  it("finalises at user-turn-ending and answers the turn end with that final", async () => {
    const stt = loggingStt(["what are your opening hours"]);
    const out = await runFrames(new SttProcessor({ provider: stt, preRollMs: 100 }), [
      ...run(200, false),
      frames.userTurnStart(),
      ...run(400, true),
      ending,
      ...run(140, false),
      frames.userTurnEnd(),
    ]);
    // 5 pre-roll + 20 turn frames, finalised before the quiet frames after the hint.
    expect(stt.log).toEqual(["end after 25"]);
    // The early final also goes down at once (the brain may prepare its answer), then the turn's final.
    expect(described(out)).toEqual([
      "user-turn-start",
      "user-turn-ending",
      "early:what are your opening hours",
      "user-turn-end",
      "final:what are your opening hours",
    ]);
  });

  it("decodes the whole turn again when the caller speaks after the hint", async () => {
    const stt = loggingStt(["what are your opening hours", "what are your opening hours on saturday"]);
    const out = await runFrames(new SttProcessor({ provider: stt, preRollMs: 100 }), [
      ...run(200, false),
      frames.userTurnStart(),
      ...run(400, true),
      ending,
      ...run(100, false),
      resumed,
      ...run(300, true),
      frames.userTurnEnd(),
    ]);
    // The early final is void; the second utterance holds pre-roll, words, pause and the rest (5 + 20 + 5 + 15).
    expect(stt.log).toEqual(["end after 25", "end after 45"]);
    expect(described(out)).toEqual([
      "user-turn-start",
      "user-turn-ending",
      "early:what are your opening hours",
      "user-turn-resumed",
      "user-turn-end",
      "final:what are your opening hours on saturday",
    ]);
  });
});

describe("answer prefetch", () => {
  it("BrainProcessor: an early transcript becomes a tts-prefetch of the previewed first sentence, and no reply", async () => {
    const previews: string[] = [];
    const brain = scriptedBrain([{ type: "text", text: "We're open nine to five." }]);
    const session: BrainSession = {
      ...brain,
      preview: async (input) => (previews.push(input.kind === "speech" ? input.text : ""), "We're open nine to five. Anything else?"),
    };
    const out = await runFrames(new BrainProcessor({ session, greet: false }), [
      { type: "transcript", lane: "data", text: "what are your hours", final: false, early: true },
    ]);
    await new Promise((r) => setTimeout(r, 0));
    expect(previews).toEqual(["what are your hours"]);
    expect(brain.inputs).toEqual([]);
    expect(out.down.filter((f) => f.type === "tts-prefetch")).toEqual([{ type: "tts-prefetch", lane: "data", text: "We're open nine to five." }]);
  });

  it("TtsProcessor: a prefetch asks the provider for the part `speak` would synthesise first, and goes no further", async () => {
    const asked: string[] = [];
    const provider: TtsProvider = { id: "fake", sampleRate: 16000, wholeUtterance: true, prefetch: (t) => void asked.push(t), async *synthesize() {} };
    const long = "We're open Monday to Friday from eight to five, and on Saturday mornings from nine to one.";
    const out = await runFrames(new TtsProcessor({ provider }), [
      { type: "tts-prefetch", lane: "data", text: long },
      { type: "tts-prefetch", lane: "data", text: "Sure." },
    ]);
    expect(asked).toEqual(["We're open Monday to Friday from eight to five,", "Sure."]);
    expect(out.down).toEqual([]);
  });
});

describe("BrainProcessor", () => {
  it("turns a final transcript into sentence text frames and records tool calls", async () => {
    const call = { name: "book", args: { day: "tuesday" }, ok: true, result: { id: "apt_1" }, ms: 3 };
    const brain = scriptedBrain([
      { type: "tool", call },
      { type: "text", text: "Booked. See you Tuesday. " },
      { type: "text", text: "Anything else?" },
    ]);
    const out = await runFrames(new BrainProcessor({ session: brain, greet: false }), [frames.transcript("book me in", true)]);
    expect(brain.inputs).toEqual(["book me in"]);
    expect(out.down.map((f) => (f.type === "text" ? f.text : f.type))).toEqual([
      "transcript",
      "tool-call",
      "tool-result",
      "Booked.",
      "See you Tuesday.",
      "Anything else?",
      "agent-turn-end",
    ]);
    expect(out.down.find((f) => f.type === "tool-result")).toMatchObject({ keep: true, turn: 1, call });
  });

  it("greets on start and ignores empty finals and partials", async () => {
    const brain = scriptedBrain([{ type: "text", text: "x" }], [{ type: "text", text: "Hello, how can I help?" }]);
    const out = await runFrames(new BrainProcessor({ session: brain }), [frames.start(), frames.transcript("", true), frames.transcript("par", false)]);
    expect(brain.inputs).toEqual([]);
    expect(out.down.filter((f) => f.type === "text")).toEqual([{ type: "text", lane: "data", text: "Hello, how can I help?", turn: 0 }]);
  });

  it("stops producing text when interrupted", async () => {
    const brain = scriptedBrain([
      { type: "text", text: "One." },
      { type: "text", text: "Two." },
      { type: "text", text: "Three." },
    ]);
    const processor = new BrainProcessor({ session: brain, greet: false });
    const out = await runFrames(processor, [frames.userInput({ kind: "typed", text: "hi" }), frames.interrupt()], { settle: "end" });
    expect(out.down.filter((f) => f.type === "text")).toHaveLength(0);
  });
});

describe("SentenceSplitter", () => {
  it.each([
    [["Hello there. How are", " you? Fine"], ["Hello there.", "How are you?"], "Fine"],
    [["Sure."], ["Sure."], null],
    [["Call 5.5 now"], [], "Call 5.5 now"],
  ])("%j", (chunks, sentences, rest) => {
    const s = new SentenceSplitter();
    expect(chunks.flatMap((c) => s.push(c))).toEqual(sentences);
    expect(s.flush()).toBe(rest);
  });
});

describe("splitFirstClause", () => {
  const cases: Array<[string, string[]]> = [
    ["Hi there, how are you?", ["Hi there, how are you?"]],
    ["On Tuesday, December 8 I have noon, 2 PM or 4 PM open for a cleaning.", ["On Tuesday, December 8 I have noon,", "2 PM or 4 PM open for a cleaning."]],
    [
      "We offer cleaning, new patient exam, filling, teeth whitening or emergency visit.",
      ["We offer cleaning,", "new patient exam, filling, teeth whitening or emergency visit."],
    ],
    [
      "I can book that for you on Thursday at ten in the morning with Doctor Patel.",
      ["I can book that for you on Thursday at ten in the morning with Doctor Patel."],
    ],
    [
      "Our address is 12 Main Street in Springfield — parking is behind the building.",
      ["Our address is 12 Main Street in Springfield —", "parking is behind the building."],
    ],
    ["Let me check the schedule for next week and the week after, okay?", ["Let me check the schedule for next week and the week after, okay?"]],
  ];
  for (const [sentence, parts] of cases) it(sentence, () => expect(splitFirstClause(sentence)).toEqual(parts));
  it("parts always join back to the sentence", () => {
    for (const [sentence] of cases) expect(splitFirstClause(sentence).join(" ")).toBe(sentence);
  });
});

describe("TtsProcessor", () => {
  it("speaks sentence by sentence in order", async () => {
    const out = await runFrames(new TtsProcessor({ provider: fakeTts(2) }), [frames.text("a", 1), frames.text("bbb", 1)], { settle: "end" });
    expect(out.down.map((f) => (f.type === "audio-out" ? `audio:${f.text}` : f.type))).toEqual([
      "text",
      "audio:a",
      "audio:a",
      "text",
      "audio:bbb",
      "audio:bbb",
    ]);
  });

  it("interruption stops the sentence in flight and drops queued ones, keeping tool results", async () => {
    const tool = { type: "tool-result" as const, lane: "data" as const, keep: true, turn: 1, call: { name: "t", args: {}, ok: true, ms: 1 } };
    const out = await runFrames(
      new TtsProcessor({ provider: fakeTts(50) }),
      [frames.text("first", 1), frames.text("second", 1), tool, frames.text("third", 1), frames.interrupt()],
      { settle: "end" },
    );
    const audio = out.down.filter((f) => f.type === "audio-out");
    expect(audio.length).toBeLessThan(50);
    expect(typesOf(out.down).filter((t) => t !== "audio-out")).toEqual(["text", "interrupt", "tool-result"]);
  });

  it("a whole-utterance engine speaks a long first sentence clause by clause, later sentences whole", async () => {
    const asked: string[] = [];
    const provider: TtsProvider = {
      ...fakeTts(1),
      wholeUtterance: true,
      async *synthesize(text) {
        asked.push(text);
        yield new Int16Array(320);
      },
    };
    const first = "We're open Monday to Wednesday 8 AM to 5 PM, and Saturday 9 AM to 1 PM.";
    const second = "We're closed Sunday, and on public holidays like New Year's Day and Christmas.";
    const out = await runFrames(new TtsProcessor({ provider }), [frames.text(first, 1), frames.text(second, 1), frames.text(first, 2)], { settle: "end" });
    expect(asked).toEqual([
      "We're open Monday to Wednesday 8 AM to 5 PM,",
      "and Saturday 9 AM to 1 PM.",
      second,
      "We're open Monday to Wednesday 8 AM to 5 PM,",
      "and Saturday 9 AM to 1 PM.",
    ]);
    expect(out.down.filter((f) => f.type === "audio-out").map((f) => (f.type === "audio-out" ? f.text : ""))[0]).toBe(
      "We're open Monday to Wednesday 8 AM to 5 PM,",
    );
    // A streaming engine gets the sentence as it is.
    const streamed: string[] = [];
    await runFrames(
      new TtsProcessor({
        provider: {
          ...provider,
          wholeUtterance: false,
          async *synthesize(text) {
            streamed.push(text);
            yield new Int16Array(320);
          },
        },
      }),
      [frames.text(first, 1)],
      { settle: "end" },
    );
    expect(streamed).toEqual([first]);
  });

  it("resamples provider audio to 16 kHz", async () => {
    const out = await runFrames(new TtsProcessor({ provider: fakeTts(5, 8000) }), [frames.text("hi")]);
    const samples = out.down.reduce((n, f) => n + (f.type === "audio-out" ? f.pcm.length : 0), 0);
    expect(samples).toBeGreaterThan(1500);
    expect(out.down.every((f) => f.type !== "audio-out" || f.sampleRate === 16000)).toBe(true);
  });
});

describe("LatencyProcessor", () => {
  it("records speech end → STT final → first text → first audio → audio sent", async () => {
    const clock = new FakeClock(10_000);
    const seen: number[] = [];
    const latency = new LatencyProcessor({ clock, onTurn: (m) => seen.push(m.e2e_ms!) });
    const script = [
      [frames.userTurnEnd("silence", 600), 40],
      [frames.transcript("hi", true), 5],
      [frames.text("Hello.", 1), 30],
      [{ type: "audio-out", lane: "data", pcm: new Int16Array(320), sampleRate: 16000, turn: 1, text: "Hello." }, 10],
    ] as const;
    const collected = [];
    for (const [frame, ms] of script) {
      collected.push(...(await runFrames(latency, [frame])).down);
      clock.advance(ms);
    }
    const out = await runFrames(latency, [{ frame: frames.agentSpeaking(true), direction: "up" }]);
    const metrics = out.down.find((f) => f.type === "turn-metrics");
    expect(metrics).toMatchObject({ keep: true, metrics: { endpoint_ms: 600, asr_ms: 40, llm_ms: 5, tts_ms: 30, e2e_ms: 685 } });
    expect(seen).toEqual([685]);
    expect(collected).toHaveLength(4);
  });
});

describe("WatchdogProcessor", () => {
  it("fires only after timeoutMs of agent silence", async () => {
    const clock = new FakeClock();
    const wd = new WatchdogProcessor({ clock, timeoutMs: 5000 });
    const { Pipeline } = await import("../src/index.ts");
    const out: string[] = [];
    const pipeline = new Pipeline([wd], { down: (f) => out.push(f.type) });
    pipeline.push(frames.userTurnEnd());
    clock.advance(4999);
    expect(out).toEqual(["user-turn-end"]);
    clock.advance(1);
    expect(out).toEqual(["user-turn-end", "watchdog", "text"]);
    expect(wd.armed).toBe(false);
  });

  it("escalates and is reset by agent output", async () => {
    const clock = new FakeClock();
    const wd = new WatchdogProcessor({ clock, timeoutMs: 1000 });
    const out: string[] = [];
    const { Pipeline } = await import("../src/index.ts");
    const pipeline = new Pipeline([wd], { down: (f) => out.push(f.type === "text" ? f.text : f.type === "watchdog" ? `${f.type}:${f.action}` : f.type) });
    pipeline.push(frames.userTurnEnd());
    clock.advance(1000);
    pipeline.push(frames.userTurnEnd());
    clock.advance(1000);
    pipeline.push(frames.text("Real answer.", 2));
    pipeline.push(frames.userTurnEnd());
    clock.advance(999);
    pipeline.push(frames.userTurnStart());
    clock.advance(5000);
    pipeline.push(frames.userTurnEnd());
    clock.advance(1000);
    pipeline.push(frames.userTurnEnd());
    clock.advance(1000);
    pipeline.push(frames.userTurnEnd());
    clock.advance(1000);
    await pipeline.idle();
    expect(out.filter((t) => t !== "user-turn-end" && t !== "user-turn-start")).toEqual([
      "watchdog:reprompt",
      "Sorry, could you say that again?",
      "watchdog:apologise",
      "I'm sorry, I'm having trouble right now. Could you repeat that?",
      "Real answer.",
      "watchdog:reprompt",
      "Sorry, could you say that again?",
      "watchdog:apologise",
      "I'm sorry, I'm having trouble right now. Could you repeat that?",
      "watchdog:end",
      "I'm sorry, I can't help right now. Goodbye.",
      "agent-end",
    ]);
  });
});
