import { describe, expect, it } from "vitest";
import { AnsweringMachineDetector, type AmdEvent } from "@orbis/telephony";
import { humanSample, machineSample, type AmdSample } from "./amd-samples.ts";

/** Every event the detector gives for a sample fed in 20 ms frames. */
function run(sample: AmdSample, sampleRate: 8000 | 16000 = 8000): AmdEvent[] {
  const d = new AnsweringMachineDetector({ sampleRate });
  const pcm = sampleRate === 8000 ? sample.pcm : upsample(sample.pcm);
  const frame = sampleRate / 50;
  const events: AmdEvent[] = [];
  for (let i = 0; i + frame <= pcm.length; i += frame) {
    const e = d.push(pcm.subarray(i, i + frame));
    if (e) events.push(e);
  }
  return events;
}

/** Sample-and-hold 8 → 16 kHz (the detector averages pairs back). */
const upsample = (pcm: Int16Array) => Int16Array.from({ length: pcm.length * 2 }, (_, i) => pcm[i >> 1]!);

describe("answering-machine detection on flite speech over an 8 kHz μ-law line", () => {
  it("a short hello then silence is a person, decided within 4 s, with no voicemail cue", async () => {
    for (const [text, voice] of [
      ["Hello?", "slt"],
      ["Yeah, hello?", "rms"],
    ] as const) {
      const events = run(await humanSample(text, voice, 3));
      expect(events, `${voice}: ${text}`).toHaveLength(1);
      expect(events[0]).toMatchObject({ kind: "decision", result: "human", reason: "short_greeting" });
      expect((events[0] as { decisionMs: number }).decisionMs).toBeLessThanOrEqual(4000);
    }
  });

  it("a voicemail greeting is a machine within 4 s, and the message cue comes when its beep ends", async () => {
    const sample = await machineSample("Hi, you've reached Sarah. I can't come to the phone right now, please leave a message after the tone.", "awb", 2, 1000);
    const events = run(sample);
    expect(events[0]).toMatchObject({ kind: "decision", result: "machine", reason: "long_greeting" });
    expect((events[0] as { decisionMs: number }).decisionMs).toBeLessThanOrEqual(4000);
    expect(events[1]).toMatchObject({ kind: "leave_message", cue: "beep" });
    // The cue is after the whole greeting (which lasts well beyond the decision).
    expect((events[1] as { atMs: number }).atMs).toBeGreaterThan(5000);
  });

  it("works on the gateway's 16 kHz frames too", async () => {
    const human = run(await humanSample("Hello?", "kal16", 5), 16000);
    expect(human[0]).toMatchObject({ result: "human" });
    const machine = run(await machineSample("The person you are calling is not available. Please leave your message after the tone.", "slt", 6, 1400), 16000);
    expect(machine.map((e) => e.kind)).toEqual(["decision", "leave_message"]);
    expect(machine[0]).toMatchObject({ result: "machine" });
  });
});
