import type { Direction, Frame } from "../frames.ts";
import { Pipeline } from "../pipeline.ts";
import type { FrameProcessor } from "../processor.ts";

export type FrameInput = Frame | { frame: Frame; direction: Direction };

export interface RunFramesOptions {
  /**
   * "each" (default): wait for the processor to go idle after every frame (deterministic order).
   * "end": push everything at once, then wait; queued data frames are then exposed to interrupts.
   */
  settle?: "each" | "end";
}

export interface RunFramesResult {
  down: Frame[];
  up: Frame[];
}

/** Frames in → frames out in each direction, for processor tests. */
export async function runFrames(
  processor: FrameProcessor | readonly FrameProcessor[],
  input: readonly FrameInput[],
  options: RunFramesOptions = {},
): Promise<RunFramesResult> {
  const out: RunFramesResult = { down: [], up: [] };
  const pipeline = new Pipeline(Array.isArray(processor) ? processor : [processor as FrameProcessor], {
    down: (frame) => out.down.push(frame),
    up: (frame) => out.up.push(frame),
  });
  for (const item of input) {
    const { frame, direction } = "frame" in item ? item : { frame: item, direction: "down" as const };
    pipeline.push(frame, direction);
    if (options.settle !== "end") await pipeline.idle();
  }
  await pipeline.idle();
  return out;
}

/** Frame types in order, the usual thing to assert on. */
export const typesOf = (list: readonly Frame[]): string[] => list.map((f) => f.type);
