import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { browserTransport, copyToInt16, MAX_BUFFERED_BYTES } from "./browser-stream.ts";

function fakeSocket(bufferedAmount: number) {
  const sent: unknown[] = [];
  const socket = { OPEN: 1, CONNECTING: 0, readyState: 1, bufferedAmount, send: (d: unknown) => sent.push(d), close: () => {} };
  return { socket: socket as unknown as WebSocket & { bufferedAmount: number }, sent };
}

describe("browser transport backpressure", () => {
  it("sends audio while the client keeps up", () => {
    const { socket, sent } = fakeSocket(0);
    expect(browserTransport(socket).sendAudio(new Int16Array(320))).toBe(true);
    expect(sent).toHaveLength(1);
  });

  it("drops audio for a client that stopped reading instead of queueing without bound", () => {
    const { socket, sent } = fakeSocket(MAX_BUFFERED_BYTES + 1);
    const transport = browserTransport(socket);
    for (let i = 0; i < 1000; i++) expect(transport.sendAudio(new Int16Array(320))).toBe(false);
    expect(sent).toHaveLength(0);
    // Control messages still go out: the client must learn about interrupts and the end of the call.
    transport.sendEvent({ type: "interrupt" });
    expect(sent).toHaveLength(1);
  });
});

describe("heardText", () => {
  it("keeps whole sentences played and the played share of the cut one", async () => {
    const { heardText } = await import("../turn-recorder.ts");
    const spoken = [
      { text: "We are open Monday to Friday.", ms: 2000 },
      { text: "On Saturday we open at nine in the morning.", ms: 3000 },
    ];
    expect(heardText(spoken, 0)).toBe("");
    expect(heardText(spoken, 2000)).toBe("We are open Monday to Friday.");
    expect(heardText(spoken, 3500)).toBe("We are open Monday to Friday. On Saturday we open");
    expect(heardText(spoken, 9000)).toBe("We are open Monday to Friday. On Saturday we open at nine in the morning.");
  });
});

describe("copyToInt16", () => {
  it("copies little-endian PCM16 from any byte offset into aligned samples the socket buffer does not share", () => {
    const wire = Buffer.alloc(9);
    wire.writeInt16LE(-2, 1);
    wire.writeInt16LE(300, 3);
    wire.writeInt16LE(32767, 5);
    wire.writeInt16LE(-32768, 7);
    const payload = wire.subarray(1); // odd offset, as inside a WebSocket frame
    for (let i = 0; i < 50; i++) {
      const samples = copyToInt16(payload);
      expect([...samples]).toEqual([-2, 300, 32767, -32768]);
      expect(samples.byteOffset % 2).toBe(0);
      expect(samples.buffer).not.toBe(wire.buffer);
    }
    const samples = copyToInt16(payload);
    wire.writeInt16LE(1, 1);
    expect(samples[0]).toBe(-2);
  });
});
