export { localRecordingStore } from "./local-store.ts";
export { s3ClientFor, s3RecordingStore, type RecordingEncryption } from "./s3-store.ts";
export { createRecordingStore } from "./create-store.ts";
export type { RecordingStore, RecordingWriter } from "./store.ts";
export { CallRecording } from "./call-recording.ts";
