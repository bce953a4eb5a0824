import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { CallRecording, localRecordingStore, type RecordingStore } from "../src/index.ts";

const KEY = Buffer.alloc(32, 9);
const frame = (value: number) => new Int16Array(320).fill(value);
const bytesOf = async (body: Readable) => Buffer.concat((await body.toArray()) as Buffer[]);

/** A call of `frames` caller frames (values 1, 2, …) with a few agent frames, through `store`. */
async function record(store: RecordingStore, key: string, frames: number): Promise<string> {
  const rec = new CallRecording(store, key);
  for (let i = 0; i < 3; i++) rec.agentFrame(frame(-100 - i));
  for (let i = 0; i < frames; i++) rec.callerFrame(frame((i % 1000) + 1));
  await rec.close();
  return rec.location;
}

describe("the local store with RECORDINGS_ENCRYPTION=aes-gcm", () => {
  // 300 frames = 384 000 bytes of audio: several 64 KiB segments, so the header is written into a first segment already on disk.
  for (const frames of [10, 300]) {
    it(`reads back the same WAV as an unencrypted store, and keeps no plaintext on disk (${frames} frames)`, async () => {
      const plain = localRecordingStore(mkdtempSync(join(tmpdir(), "orbis-rec-plain-")));
      const sealed = localRecordingStore(mkdtempSync(join(tmpdir(), "orbis-rec-sealed-")), { encrypt: true, encryptionKey: KEY });
      const expected = readFileSync(await record(plain, "ws_1/call_1.wav", frames));
      const location = await record(sealed, "ws_1/call_1.wav", frames);

      const atRest = readFileSync(location);
      expect(atRest.includes(Buffer.from("RIFF"))).toBe(false);
      expect(atRest.includes(Buffer.from("WAVE"))).toBe(false);
      expect(atRest.includes(expected.subarray(44, 44 + 64))).toBe(false);

      const read = await sealed.read(location);
      expect(read?.size).toBe(expected.length);
      const wav = await bytesOf(read!.body);
      expect(wav.equals(expected)).toBe(true);
      expect(wav.readUInt32LE(40)).toBe(frames * 1280);
    });
  }

  it("refuses a tampered, shortened or moved file instead of serving it", async () => {
    const root = mkdtempSync(join(tmpdir(), "orbis-rec-sealed-"));
    const store = localRecordingStore(root, { encrypt: true, encryptionKey: KEY });
    const location = await record(store, "ws_1/call_1.wav", 300);
    const original = readFileSync(location);

    const flipped = Buffer.from(original);
    flipped[flipped.length - 100]! ^= 1;
    writeFileSync(location, flipped);
    await expect(bytesOf((await store.read(location))!.body)).rejects.toThrow();

    // The last segment cut off: what is left is genuine, but no segment says it is the end.
    writeFileSync(location, original.subarray(0, 8 + 2 * (65536 + 28)));
    await expect(bytesOf((await store.read(location))!.body)).rejects.toThrow();

    // The same bytes under another workspace's key do not open: each segment is bound to its recording.
    const moved = join(root, "ws_2", "call_1.wav");
    writeFileSync(location, original);
    const other = await record(store, "ws_2/call_1.wav", 1);
    expect(other).toBe(moved);
    writeFileSync(moved, original);
    await expect(bytesOf((await store.read(moved))!.body)).rejects.toThrow();

    // Without the key (or with another) nothing opens either.
    const wrongKey = localRecordingStore(root, { encryptionKey: Buffer.alloc(32, 1) });
    await expect(bytesOf((await wrongKey.read(location))!.body)).rejects.toThrow();
    await expect(localRecordingStore(root).read(location)).rejects.toThrow(/ENCRYPTION_KEY/);
  });

  it("still reads recordings written before encryption was turned on", async () => {
    const root = mkdtempSync(join(tmpdir(), "orbis-rec-"));
    const before = await record(localRecordingStore(root), "ws_1/old.wav", 5);
    const after = localRecordingStore(root, { encrypt: true, encryptionKey: KEY });
    const wav = await bytesOf((await after.read(before))!.body);
    expect(wav.equals(readFileSync(before))).toBe(true);
  });

  it("does not start without a 32-byte key", () => {
    expect(() => localRecordingStore(tmpdir(), { encrypt: true })).toThrow(/ENCRYPTION_KEY/);
  });
});
