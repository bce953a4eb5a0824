import type { RecordingStore, RecordingWriter } from "./store.ts";

const RATE = 16_000;
const FRAME = RATE / 50;
const FRAME_BYTES = FRAME * 4;
/** Frames gathered before one write: half a second, so a recorded call costs 2 writes a second, not 50. */
const FRAMES_PER_WRITE = 25;
/** Agent audio beyond 2 s ahead of the caller clock is not kept (the caller hung up, or sends nothing). */
const MAX_AGENT_AHEAD = 100;

/**
 * A two-channel WAV of a call (left: caller, right: agent), written as the call goes so memory stays
 * flat. The caller's 20 ms frames are the clock: each one is written with the agent frame sent in the
 * same period, or silence. Frames are gathered into half-second chunks and handed to the store, which
 * writes them asynchronously; the header is rewritten with the length when the call ends.
 */
export class CallRecording {
  private readonly writer: RecordingWriter;
  private chunk = Buffer.alloc(FRAME_BYTES * FRAMES_PER_WRITE);
  private chunkFrames = 0;
  private dataBytes = 0;
  private agent: Int16Array[] = [];
  private closed = false;

  constructor(store: RecordingStore, key: string) {
    this.writer = store.create(key);
    this.writer.append(wavHeader(0));
  }

  get location(): string {
    return this.writer.location;
  }

  agentFrame(pcm: Int16Array): void {
    if (this.agent.length < MAX_AGENT_AHEAD) this.agent.push(pcm);
  }

  callerFrame(pcm: Int16Array): void {
    if (this.closed) return;
    const agent = this.agent.shift();
    const at = this.chunkFrames * FRAME_BYTES;
    for (let i = 0; i < FRAME; i++) {
      this.chunk.writeInt16LE(pcm[i] ?? 0, at + i * 4);
      this.chunk.writeInt16LE(agent?.[i] ?? 0, at + i * 4 + 2);
    }
    this.dataBytes += FRAME_BYTES;
    if (++this.chunkFrames === FRAMES_PER_WRITE) this.flush();
  }

  /** Writes what is left and the final header; resolves when the file is complete. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    await this.writer.finish(wavHeader(this.dataBytes));
  }

  private flush(): void {
    if (this.chunkFrames === 0) return;
    // The store keeps the buffer until written: hand it over and start a new one.
    this.writer.append(this.chunk.subarray(0, this.chunkFrames * FRAME_BYTES));
    this.chunk = Buffer.alloc(FRAME_BYTES * FRAMES_PER_WRITE);
    this.chunkFrames = 0;
  }
}

/** 44-byte PCM WAV header: 16 kHz, 2 channels, 16-bit. */
function wavHeader(dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write("RIFF", 0);
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write("WAVE", 8);
  h.write("fmt ", 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(2, 22); // channels
  h.writeUInt32LE(RATE, 24);
  h.writeUInt32LE(RATE * 4, 28);
  h.writeUInt16LE(4, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36);
  h.writeUInt32LE(dataBytes, 40);
  return h;
}
