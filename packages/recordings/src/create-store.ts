import { join } from "node:path";
import { localRecordingStore } from "./local-store.ts";
import { s3RecordingStore, type RecordingEncryption } from "./s3-store.ts";
import type { RecordingStore } from "./store.ts";

/** The recordings settings as `@orbis/config` reads them (`RECORDINGS_*`, `S3_*`). */
interface RecordingsSettings {
  store: "local" | "s3";
  encryption: RecordingEncryption;
  kmsKeyId?: string;
  s3?: { bucket: string; region: string; endpoint?: string; accessKeyId?: string; secretAccessKey?: string; prefix: string };
}

/**
 * The process's recording store from its settings: `<dataDir>/recordings` by default, or the bucket
 * (spooling under `<dataDir>/recordings-spool` while calls run). Every role builds the same one: the
 * gateway writes, the api serves, the worker deletes.
 */
export function createRecordingStore(settings: RecordingsSettings, context: { dataDir: string; encryptionKey?: Buffer }): RecordingStore {
  const encryptionKey = context.encryptionKey;
  if (settings.store === "local") {
    return localRecordingStore(join(context.dataDir, "recordings"), { encrypt: settings.encryption === "aes-gcm", encryptionKey });
  }
  if (!settings.s3) throw new Error("RECORDINGS_STORE=s3 needs S3_BUCKET");
  return s3RecordingStore({
    ...settings.s3,
    encryption: settings.encryption,
    kmsKeyId: settings.kmsKeyId,
    encryptionKey,
    spoolDir: join(context.dataDir, "recordings-spool"),
  });
}
