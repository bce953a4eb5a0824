import type { PocketsphinxLib } from "./pocketsphinx-lib.ts";

export function bindPocketsphinx(): PocketsphinxLib;

export interface DecoderStream {
  push(pcm: Int16Array): void;
  /** Ends the utterance and answers its final hypothesis ("" when none was open). */
  end(): string;
  abort(): void;
  close(): void;
}

export function openDecoderStream(lib: PocketsphinxLib, args: string[], partialEverySamples: number, onPartial?: (text: string) => void): DecoderStream;
