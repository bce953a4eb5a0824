import type { PocketsphinxLib } from "./pocketsphinx-lib.ts";

export function bindPocketsphinx(): PocketsphinxLib;

export interface DecoderStream {
  push(pcm: Int16Array): void;
  /** Ends the utterance and answers its final hypothesis ("" when none was open). */
  end(): string;
  abort(): void;
  close(): void;
  /** The language model (a name of `searches`) for the next utterance; any other name: the main one. */
  expect(name: string): void;
}

export function openDecoderStream(
  lib: PocketsphinxLib,
  args: string[],
  partialEverySamples: number,
  onPartial?: (text: string) => void,
  searches?: Record<string, string>,
): DecoderStream;
