import { describe, expect, it } from "vitest";
import { encodeWav } from "./wav.ts";

/** Walks RIFF chunks the way a reader does (Chromium's fake-audio WAV reader looks for "fmt " and "data"). */
function chunks(buf: Buffer): Record<string, { at: number; size: number }> {
  expect(buf.toString("ascii", 0, 4)).toBe("RIFF");
  expect(buf.toString("ascii", 8, 12)).toBe("WAVE");
  expect(buf.readUInt32LE(4)).toBe(buf.length - 8);
  const out: Record<string, { at: number; size: number }> = {};
  for (let at = 12; at + 8 <= buf.length;) {
    const size = buf.readUInt32LE(at + 4);
    out[buf.toString("ascii", at, at + 4)] = { at: at + 8, size };
    at += 8 + size + (size & 1);
  }
  return out;
}

describe("encodeWav (the fake microphone's caller line)", () => {
  it("writes a fmt chunk (PCM, mono, 16 bit) and a data chunk with every sample", () => {
    const pcm = Int16Array.from([0, 1, -1, 32767, -32768]);
    const buf = encodeWav(pcm, 16_000);
    const c = chunks(buf);
    expect(Object.keys(c)).toEqual(["fmt ", "data"]);
    const fmt = c["fmt "]!;
    expect([buf.readUInt16LE(fmt.at), buf.readUInt16LE(fmt.at + 2), buf.readUInt32LE(fmt.at + 4), buf.readUInt16LE(fmt.at + 14)]).toEqual([1, 1, 16_000, 16]);
    const data = c.data!;
    expect(data.size).toBe(pcm.byteLength);
    expect(Array.from({ length: pcm.length }, (_, i) => buf.readInt16LE(data.at + i * 2))).toEqual(Array.from(pcm));
  });
});
