import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CallRecording, localRecordingStore, type RecordingStore } from "../src/index.ts";

const frame = (value: number) => new Int16Array(320).fill(value);

describe("CallRecording on the local store", () => {
  it("writes a stereo WAV (left caller, right agent) whose header knows its length", async () => {
    const store = localRecordingStore(mkdtempSync(join(tmpdir(), "orbis-rec-")));
    const rec = new CallRecording(store, "ws_1/call_1.wav");
    rec.agentFrame(frame(-7));
    for (let i = 0; i < 60; i++) rec.callerFrame(frame(i + 1));
    await rec.close();
    const wav = readFileSync(rec.location);
    expect(wav.toString("ascii", 0, 4)).toBe("RIFF");
    expect(wav.readUInt16LE(22)).toBe(2);
    expect(wav.readUInt32LE(24)).toBe(16_000);
    expect(wav.readUInt32LE(40)).toBe(60 * 320 * 4);
    expect(wav.length).toBe(44 + 60 * 320 * 4);
    // First frame: caller 1 on the left, the agent's -7 on the right; the second frame's agent side is silence.
    expect([wav.readInt16LE(44), wav.readInt16LE(46)]).toEqual([1, -7]);
    expect([wav.readInt16LE(44 + 1280), wav.readInt16LE(46 + 1280)]).toEqual([2, 0]);
    expect(wav.readInt16LE(44 + 59 * 1280)).toBe(60);

    const read = await store.read(rec.location);
    expect(read?.size).toBe(wav.length);
    read?.body.destroy();
    await store.remove(rec.location);
    expect(await store.read(rec.location)).toBeUndefined();
  });

  it("never reads or deletes outside its directory, and refuses keys that escape it", async () => {
    const root = mkdtempSync(join(tmpdir(), "orbis-rec-"));
    const store = localRecordingStore(join(root, "recordings"));
    expect(await store.read("/etc/passwd")).toBeUndefined();
    expect(await store.read(join(root, "recordings", "..", "other.wav"))).toBeUndefined();
    expect(() => store.create("../escape.wav")).toThrow(/escapes/);
  });
});

describe("CallRecording batching", () => {
  it("hands the store half-second chunks, not a write per 20 ms frame", async () => {
    const appends: number[] = [];
    let head: Buffer | undefined;
    const store: RecordingStore = {
      create: () => ({ location: "mem", append: (b) => void appends.push(b.length), finish: async (h) => void (head = h) }),
      read: async () => undefined,
      remove: async () => undefined,
    };
    const rec = new CallRecording(store, "ws/call.wav");
    for (let i = 0; i < 60; i++) rec.callerFrame(frame(1));
    await rec.close();
    // The placeholder header, two full chunks of 25 frames, the 10 left at the end.
    expect(appends).toEqual([44, 25 * 1280, 25 * 1280, 10 * 1280]);
    expect(head?.readUInt32LE(40)).toBe(60 * 1280);
  });
});
