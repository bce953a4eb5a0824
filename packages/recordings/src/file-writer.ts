import { createWriteStream, mkdirSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname } from "node:path";
import type { RecordingWriter } from "./store.ts";
import { RecordingSealer, SEALED_HEADER_BYTES } from "./sealed.ts";

/** How a file is encrypted at rest: the key (`ENCRYPTION_KEY`) and what each segment is bound to (the recording's key). */
interface FileSealing {
  key: Buffer;
  binding: string;
}

/**
 * Writes one recording to a file: appends go to a write stream (the event loop never waits on the
 * disk), and `finish` writes the header over the first bytes once the stream is flushed. With
 * `sealing`, the bytes are encrypted in segments (`sealed.ts`) before they reach the disk.
 */
export function fileRecordingWriter(path: string, location: string, sealing?: FileSealing): RecordingWriter {
  mkdirSync(dirname(path), { recursive: true });
  const stream = createWriteStream(path);
  let failed: Error | undefined;
  stream.on("error", (err) => (failed = err));
  const write = (bytes: Buffer) => {
    if (!failed && !stream.destroyed) stream.write(bytes);
  };
  const sealer = sealing && new RecordingSealer(sealing.key, sealing.binding);
  if (sealer) write(sealer.start());

  const writeAt = async (bytes: Buffer, position: number) => {
    const file = await open(path, "r+");
    try {
      await file.write(bytes, 0, bytes.length, position);
    } finally {
      await file.close();
    }
  };

  return {
    location,
    append(bytes) {
      if (!sealer) return write(bytes);
      for (const segment of sealer.push(bytes)) write(segment);
    },
    async finish(head) {
      const sealed = sealer?.finish(head);
      if (sealed) write(sealed.tail);
      await new Promise<void>((done) => stream.end(done));
      if (failed) throw failed;
      if (!sealed) await writeAt(head, 0);
      else if (sealed.first) await writeAt(sealed.first, SEALED_HEADER_BYTES);
    },
  };
}
