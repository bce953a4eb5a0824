import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { pipeline, type Readable, Transform, type TransformCallback } from "node:stream";

/**
 * Recordings encrypted at rest (`RECORDINGS_ENCRYPTION=aes-gcm`, key `ENCRYPTION_KEY`).
 *
 * A recording is written as it goes and is too long to hold in memory, so it is sealed in segments
 * (the "STREAM" construction): the file is `MAGIC`, then segments of `SEGMENT` plaintext bytes (the
 * last one shorter), each `iv(12) | ciphertext | tag(16)` under AES-256-GCM. Each segment's
 * associated data names the recording's key, the segment's index and whether it is the last, so a
 * segment moved to another recording, reordered, or a file cut short does not decrypt. Nothing is
 * released before its segment's tag is checked.
 */
const MAGIC = Buffer.from("ORBISRC1");
const SEGMENT = 64 * 1024;
const IV = 12;
const TAG = 16;
const OVERHEAD = IV + TAG;
const SEALED_SEGMENT = SEGMENT + OVERHEAD;

/** Bytes before the first segment: a re-sealed first segment is written at this offset. */
export const SEALED_HEADER_BYTES = MAGIC.length;

function associatedData(binding: string, index: number, final: boolean): Buffer {
  const tail = Buffer.alloc(5);
  tail.writeUInt32BE(index, 0);
  tail.writeUInt8(final ? 1 : 0, 4);
  return Buffer.concat([Buffer.from(`orbis-recording:v1:${binding}:`), tail]);
}

function seal(key: Buffer, binding: string, index: number, final: boolean, plain: Buffer): Buffer {
  const iv = randomBytes(IV);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(associatedData(binding, index, final));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

function open(key: Buffer, binding: string, index: number, final: boolean, sealed: Buffer): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, IV));
  decipher.setAAD(associatedData(binding, index, final));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  return Buffer.concat([decipher.update(sealed.subarray(IV, sealed.length - TAG)), decipher.final()]);
}

/** Whether a file's first bytes say it is a sealed recording (a plain one starts with `RIFF`). */
export function isSealedPrefix(bytes: Buffer): boolean {
  return bytes.length >= MAGIC.length && bytes.subarray(0, MAGIC.length).equals(MAGIC);
}

/** The plaintext length of a sealed recording of `sealedBytes` bytes (every segment full but the last). */
export function plainSizeOf(sealedBytes: number): number {
  const body = sealedBytes - MAGIC.length;
  if (body < OVERHEAD) return 0;
  return body - OVERHEAD * Math.ceil(body / SEALED_SEGMENT);
}

/**
 * Seals a recording as its bytes arrive. The first segment's plaintext is kept (64 KiB at most) so
 * that `finish` can write the final WAV header into it and seal it again: it has the same length, so
 * it is written over the old one in place.
 */
export class RecordingSealer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;
  private first: Buffer | undefined;

  constructor(
    private readonly key: Buffer,
    private readonly binding: string,
  ) {}

  /** The file's first bytes. */
  start(): Buffer {
    return MAGIC;
  }

  /** Sealed segments ready to append (a segment is sealed only once more bytes follow it, so it is known not to be the last). */
  push(bytes: Buffer): Buffer[] {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    const out: Buffer[] = [];
    while (this.pendingBytes > SEGMENT) {
      const all = Buffer.concat(this.pending);
      const plain = all.subarray(0, SEGMENT);
      this.pending = [all.subarray(SEGMENT)];
      this.pendingBytes -= SEGMENT;
      if (this.index === 0) this.first = Buffer.from(plain);
      out.push(seal(this.key, this.binding, this.index++, false, plain));
    }
    return out;
  }

  /**
   * The last segment to append, and (when the first segment was already written) the first segment
   * sealed again with `head` written over its first bytes, to write at `SEALED_HEADER_BYTES`.
   */
  finish(head: Buffer): { tail: Buffer; first?: Buffer } {
    const rest = Buffer.concat(this.pending);
    this.pending = [];
    if (this.index === 0) return { tail: seal(this.key, this.binding, 0, true, overwrite(rest, head)) };
    const tail = seal(this.key, this.binding, this.index, true, rest);
    return { tail, first: seal(this.key, this.binding, 0, false, overwrite(this.first!, head)) };
  }
}

/** `plain` with `head` over its first bytes (longer than `plain` when the head is). */
function overwrite(plain: Buffer, head: Buffer): Buffer {
  if (head.length >= plain.length) return Buffer.from(head);
  const out = Buffer.from(plain);
  head.copy(out, 0);
  return out;
}

/** `source` (a sealed recording) decrypted; an error on either side ends both. */
export function decrypted(source: Readable, key: Buffer, binding: string): Readable {
  return pipeline(source, openRecordingStream(key, binding), () => {});
}

/** A stream that turns a sealed recording back into its plaintext, failing on any tampered, reordered or missing segment. */
function openRecordingStream(key: Buffer, binding: string): Transform {
  let buffered: Buffer = Buffer.alloc(0);
  let magicChecked = false;
  let index = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      try {
        if (!magicChecked) {
          if (buffered.length < MAGIC.length) return done();
          if (!buffered.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error("not a sealed recording");
          magicChecked = true;
          buffered = buffered.subarray(MAGIC.length);
        }
        // A full segment followed by more bytes is not the last one.
        while (buffered.length > SEALED_SEGMENT) {
          this.push(open(key, binding, index++, false, buffered.subarray(0, SEALED_SEGMENT)));
          buffered = buffered.subarray(SEALED_SEGMENT);
        }
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        if (!magicChecked || buffered.length < OVERHEAD) throw new Error("sealed recording is cut short");
        this.push(open(key, binding, index, true, buffered));
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
}
