import { describe, expect, it } from "vitest";
import { FrameProcessor, Pipeline, frames, runFrames, typesOf } from "../src/index.ts";
import type { Direction, Frame } from "../src/index.ts";

/** Takes `delayMs` of real time per text frame, like a synthesiser. */
class SlowProcessor extends FrameProcessor {
  aborted = 0;
  constructor(private readonly delayMs = 5) {
    super("slow");
  }
  protected override async process(frame: Frame, direction: Direction): Promise<void> {
    if (frame.type === "text") {
      const signal = this.signal;
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (signal.aborted) {
        this.aborted++;
        return;
      }
    }
    this.emit(frame, direction);
  }
}

class Failing extends FrameProcessor {
  constructor() {
    super("failing");
  }
  protected override process(frame: Frame): void {
    if (frame.type === "text") throw new Error("boom");
    this.emit(frame);
  }
}

describe("FrameProcessor", () => {
  it("forwards frames in order in both directions", async () => {
    const out = await runFrames(new SlowProcessor(1), [frames.text("a"), { frame: frames.text("b"), direction: "up" }, frames.text("c")]);
    expect(out.down.map((f) => (f.type === "text" ? f.text : f.type))).toEqual(["a", "c"]);
    expect(typesOf(out.up)).toEqual(["text"]);
  });

  it("interrupt drops queued data frames, keeps `keep` and system frames, and aborts the work in flight", async () => {
    const slow = new SlowProcessor(5);
    const kept = { ...frames.text("tool result"), keep: true };
    const out = await runFrames(
      slow,
      [frames.text("one"), frames.text("two"), frames.audioIn(new Int16Array(320)), kept, frames.interrupt(), frames.end("bye")],
      { settle: "end" },
    );
    expect(typesOf(out.down)).toEqual(["interrupt", "end", "text"]);
    expect(out.down[2]).toBe(kept);
    expect(slow.aborted).toBe(1);
  });

  it("lets system frames overtake queued data frames", async () => {
    const out = await runFrames(new SlowProcessor(5), [frames.text("slow"), frames.agentSpeaking(true)], { settle: "end" });
    expect(typesOf(out.down)).toEqual(["agent-speaking", "text"]);
  });

  it("sends errors upstream as frames and keeps running", async () => {
    const out = await runFrames(new Failing(), [frames.text("x"), frames.transcript("still here", true)]);
    expect(out.up).toEqual([{ type: "error", lane: "system", error: { source: "failing", message: "boom", retryable: false, fatal: false } }]);
    expect(typesOf(out.down)).toEqual(["transcript"]);
  });

  it("a pipeline links processors down and up", async () => {
    const seen: string[] = [];
    const pipeline = new Pipeline([new SlowProcessor(1), new SlowProcessor(1)], {
      down: (f) => seen.push(`down:${f.type}`),
      up: (f) => seen.push(`up:${f.type}`),
    });
    pipeline.push(frames.text("hi"));
    pipeline.push(frames.agentSpeaking(true), "up");
    await pipeline.idle();
    expect(seen.sort()).toEqual(["down:text", "up:agent-speaking"]);
  });
});
