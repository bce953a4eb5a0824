import { mkdirSync, openSync, writeSync, closeSync } from "node:fs";
import { dirname } from "node:path";

const RATE = 16_000;
const FRAME = RATE / 50;

/**
 * A two-channel WAV of a call (left: caller, right: agent), written as the call goes so memory stays
 * flat. The caller's 20 ms frames are the clock: each one is written with the agent frame sent
 * in the same period, or silence.
 */
export class CallRecording {
  private readonly fd: number;
  private dataBytes = 0;
  private agent: Int16Array[] = [];
  private closed = false;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "w");
    writeSync(this.fd, header(0));
  }

  agentFrame(pcm: Int16Array): void {
    // Bounded: agent audio beyond 2 s ahead of the caller clock is not kept (the caller hung up, or sends nothing).
    if (this.agent.length < 100) this.agent.push(pcm);
  }

  callerFrame(pcm: Int16Array): void {
    if (this.closed) return;
    const agent = this.agent.shift();
    const stereo = Buffer.alloc(FRAME * 4);
    for (let i = 0; i < FRAME; i++) {
      stereo.writeInt16LE(pcm[i] ?? 0, i * 4);
      stereo.writeInt16LE(agent?.[i] ?? 0, i * 4 + 2);
    }
    writeSync(this.fd, stereo);
    this.dataBytes += stereo.length;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    writeSync(this.fd, header(this.dataBytes), 0, 44, 0);
    closeSync(this.fd);
  }
}

function header(dataBytes: number): Buffer {
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
