import type { Readable } from "node:stream";

/** One recording being written: bytes appended in order, then the file's first bytes rewritten once. */
export interface RecordingWriter {
  /** Where the recording lives, as the store names it (stored on the call row). */
  readonly location: string;
  /** Queues bytes; returns at once (the write happens off the event loop's critical path). */
  append(bytes: Buffer): void;
  /**
   * Flushes what is queued, writes `head` over the first bytes (a WAV header that now knows its
   * length), closes; for an object store, uploads. Resolves once the recording can be read.
   */
  finish(head: Buffer): Promise<void>;
}

/**
 * Where call recordings go: a local directory (the default) or an S3-compatible bucket. Keys are
 * `<workspaceId>/<callId>.wav`; a location is what a writer named (a path, or `s3://bucket/key`).
 * `read` answers the plaintext WAV whatever the encryption at rest.
 */
export interface RecordingStore {
  create(key: string): RecordingWriter;
  /** The recording at `location` (as a writer named it), or undefined when it is gone or not this store's. */
  read(location: string): Promise<{ body: Readable; size: number } | undefined>;
  /** Deletes the recording; a missing one is fine (retention and erasure run again). */
  remove(location: string): Promise<void>;
  /**
   * A URL a client can fetch the recording from for `ttlSec` seconds without passing through this
   * process (an object store's presigned GET), or undefined when the api must serve it itself (a local
   * directory, or client-side encryption only the platform can undo).
   */
  directUrl?(location: string, ttlSec: number): Promise<string | undefined>;
  /** The origins `directUrl` points at, for a page's Content-Security-Policy (`media-src`). */
  readonly mediaOrigins?: readonly string[];
}
