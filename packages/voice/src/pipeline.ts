import type { Direction, Frame } from "./frames.ts";
import type { FrameProcessor } from "./processor.ts";

export interface PipelineSinks {
  /** Frames leaving the last processor downstream. */
  down?(frame: Frame): void;
  /** Frames leaving the first processor upstream (errors, status). */
  up?(frame: Frame): void;
}

/**
 * A readable list of processors, e.g. `[vad, turnTaker, stt, brain, tts]`. Frames pushed down
 * enter the first processor; frames pushed up enter the last one.
 */
export class Pipeline {
  constructor(
    readonly processors: readonly FrameProcessor[],
    sinks: PipelineSinks = {},
  ) {
    if (processors.length === 0) throw new Error("a pipeline needs at least one processor");
    const down = sinks.down ?? (() => {});
    const up = sinks.up ?? (() => {});
    processors.forEach((processor, i) => {
      const next = processors[i + 1];
      const prev = processors[i - 1];
      processor.connect(next ? (frame) => next.push(frame, "down") : down, prev ? (frame) => prev.push(frame, "up") : up);
    });
  }

  push(frame: Frame, direction: Direction = "down"): void {
    const target = direction === "down" ? this.processors[0] : this.processors[this.processors.length - 1];
    target!.push(frame, direction);
  }

  /** Resolves once every processor is idle at the same time. */
  async idle(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      await Promise.all(this.processors.map((p) => p.idle()));
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.processors.every((p) => p.queued === 0)) {
        // One more pass catches work started by frames delivered during the last await.
        let settled = true;
        for (const p of this.processors) {
          const before = p.queued;
          await p.idle();
          if (p.queued !== before) settled = false;
        }
        if (settled) return;
      }
    }
  }
}
