import { createReadStream } from "node:fs";
import { open, rm, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileRecordingWriter } from "./file-writer.ts";
import { decrypted, isSealedPrefix, plainSizeOf, SEALED_HEADER_BYTES } from "./sealed.ts";
import type { RecordingStore } from "./store.ts";

interface LocalStoreOptions {
  /** Encrypt new recordings at rest (AES-256-GCM with this 32-byte key). */
  encrypt?: boolean;
  /** `ENCRYPTION_KEY`: seals new files when `encrypt`, and opens sealed files whatever `encrypt` says. */
  encryptionKey?: Buffer;
}

/** Recordings as files under one directory (DATA_DIR/recordings by default); the location is the file's path. */
export function localRecordingStore(root: string, options: LocalStoreOptions = {}): RecordingStore {
  const base = resolve(root);
  const key = options.encryptionKey;
  if (options.encrypt && key?.length !== 32) throw new Error("RECORDINGS_ENCRYPTION=aes-gcm needs ENCRYPTION_KEY (32 bytes)");
  /** A location outside the store's directory is not ours: never read or deleted. */
  const inside = (location: string) => {
    const path = resolve(location);
    const rel = relative(base, path);
    return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? { path, binding: rel.split(sep).join("/") } : undefined;
  };
  return {
    create(recordingKey: string) {
      const at = inside(join(base, recordingKey));
      if (!at) throw new Error(`recording key escapes the store: ${recordingKey}`);
      return fileRecordingWriter(at.path, at.path, options.encrypt && key ? { key, binding: at.binding } : undefined);
    },
    async read(location) {
      const at = inside(location);
      if (!at) return undefined;
      const info = await stat(at.path).catch(() => undefined);
      if (!info?.isFile()) return undefined;
      // Files written before encryption was turned on stay readable, and the other way round while the key is set.
      if (!(await startsSealed(at.path))) return { body: createReadStream(at.path), size: info.size };
      if (!key) throw new Error("recording is encrypted at rest and ENCRYPTION_KEY is not set");
      return { body: decrypted(createReadStream(at.path), key, at.binding), size: plainSizeOf(info.size) };
    },
    async remove(location) {
      const at = inside(location);
      if (at) await rm(at.path, { force: true });
    },
  };
}

async function startsSealed(path: string): Promise<boolean> {
  const file = await open(path, "r");
  try {
    const head = Buffer.alloc(SEALED_HEADER_BYTES);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return isSealedPrefix(head.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}
