import type { Readable } from "node:stream";

/** One recording being written: bytes appended in order, then the file's first bytes rewritten once. */
export interface RecordingWriter {
  /** Where the recording lives, as the store names it (stored on the call row). */
  readonly location: string;
  /** Queues bytes; returns at once (the write happens off the event loop's critical path). */
  append(bytes: Buffer): void;
  /** Flushes what is queued, writes `head` over the first bytes (a WAV header that now knows its length), closes. */
  finish(head: Buffer): Promise<void>;
}

/**
 * Where call recordings go. The local directory is the default; an object store can implement the
 * same three operations. Keys are `<workspaceId>/<callId>.wav`.
 */
export interface RecordingStore {
  create(key: string): RecordingWriter;
  /** The recording at `location` (as a writer named it), or undefined when it is gone. */
  read(location: string): Promise<{ body: Readable; size: number } | undefined>;
  remove(location: string): Promise<void>;
}
