export { localRecordingStore } from "./local-store.ts";
export type { RecordingStore, RecordingWriter } from "./store.ts";
export { CallRecording } from "./call-recording.ts";
