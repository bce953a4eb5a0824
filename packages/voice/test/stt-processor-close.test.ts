import { describe, expect, it } from "vitest";
import { SttProcessor, frames, runFrames } from "../src/index.ts";
import type { SttProvider, SttStream } from "@orbis/ports";

/** A recogniser provider whose streams open when the test says so, counting the streams left open. */
function slowStt() {
  const streams: { closed: boolean; pushed: number }[] = [];
  let openNow: () => void = () => {};
  const opened = new Promise<void>((resolve) => (openNow = resolve));
  const provider: SttProvider = {
    id: "slow",
    sampleRate: 16000,
    async createStream(): Promise<SttStream> {
      await opened;
      const state = { closed: false, pushed: 0 };
      streams.push(state);
      return {
        push: () => void state.pushed++,
        endUtterance: async () => "",
        abort: () => {},
        close: () => void (state.closed = true),
      };
    },
  };
  return { provider, streams, openNow: () => openNow() };
}

describe("SttProcessor: the recogniser's lifetime", () => {
  it("closes a recogniser that finishes opening after the call ended (a hang-up right after the first audio)", async () => {
    const stt = slowStt();
    const processor = new SttProcessor({ provider: stt.provider });
    const run = runFrames(processor, [frames.audioIn(new Int16Array(320)), frames.end("caller_hangup")], { settle: "end" });
    await new Promise((resolve) => setTimeout(resolve, 5));
    stt.openNow();
    const out = await run;
    expect(stt.streams).toHaveLength(1);
    expect(stt.streams[0]).toEqual({ closed: true, pushed: 0 });
    expect(out.down.map((f) => f.type)).toEqual(["end"]);
  });

  it("closes the open recogniser at the end of a call", async () => {
    const stt = slowStt();
    stt.openNow();
    await runFrames(new SttProcessor({ provider: stt.provider }), [frames.audioIn(new Int16Array(320)), frames.end("caller_hangup")]);
    expect(stt.streams).toEqual([{ closed: true, pushed: 0 }]);
  });

  it("opens no recogniser for audio that arrives after the end", async () => {
    const stt = slowStt();
    stt.openNow();
    await runFrames(new SttProcessor({ provider: stt.provider }), [frames.end("caller_hangup"), frames.audioIn(new Int16Array(320))]);
    expect(stt.streams).toEqual([]);
  });
});

describe("SttProcessor: what the brain expects", () => {
  it("tells the recogniser, as each turn starts and before its audio, what the brain expects then", async () => {
    const log: string[] = [];
    const provider: SttProvider = {
      id: "expecting",
      sampleRate: 16000,
      async createStream(): Promise<SttStream> {
        return {
          push: () => void log.push("push"),
          endUtterance: async () => "",
          abort: () => {},
          close: () => {},
          expect: (entity) => void log.push(`expect ${entity}`),
        };
      },
    };
    const expectations = ["date", "name"];
    let turn = 0;
    const processor = new SttProcessor({ provider, expecting: () => expectations[turn]! });
    const audio = () => frames.audioIn(new Int16Array(320));
    await runFrames(processor, [audio(), frames.userTurnStart(), audio(), frames.userTurnEnd()], { settle: "each" });
    turn = 1;
    await runFrames(processor, [frames.userTurnStart(), audio(), frames.userTurnEnd(), frames.end("caller_hangup")]);
    // The pre-roll (the first audio frame) follows the expectation of its turn.
    expect(log).toEqual(["expect date", "push", "push", "expect name", "push"]);
  });
});
