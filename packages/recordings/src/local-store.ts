import { createReadStream, createWriteStream, mkdirSync } from "node:fs";
import { open, rm, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { RecordingStore, RecordingWriter } from "./store.ts";

/** Recordings as files under one directory (DATA_DIR/recordings by default); the location is the file's path. */
export function localRecordingStore(root: string): RecordingStore {
  const base = resolve(root);
  /** A location outside the store's directory is not ours: never read or deleted. */
  const inside = (location: string) => {
    const path = resolve(location);
    const rel = relative(base, path);
    return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? path : undefined;
  };
  return {
    create(key: string): RecordingWriter {
      const path = inside(join(base, key));
      if (!path) throw new Error(`recording key escapes the store: ${key}`);
      mkdirSync(dirname(path), { recursive: true });
      const stream = createWriteStream(path);
      let failed: Error | undefined;
      stream.on("error", (err) => (failed = err));
      return {
        location: path,
        append(bytes) {
          if (!failed && !stream.destroyed) stream.write(bytes);
        },
        async finish(head) {
          await new Promise<void>((done) => stream.end(done));
          if (failed) throw failed;
          const file = await open(path, "r+");
          try {
            await file.write(head, 0, head.length, 0);
          } finally {
            await file.close();
          }
        },
      };
    },
    async read(location) {
      const path = inside(location);
      if (!path) return undefined;
      const info = await stat(path).catch(() => undefined);
      return info?.isFile() ? { body: createReadStream(path), size: info.size } : undefined;
    },
    async remove(location) {
      const path = inside(location);
      if (path) await rm(path, { force: true });
    },
  };
}
