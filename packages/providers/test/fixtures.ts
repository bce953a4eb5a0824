import { createFliteTts } from "../src/index.ts";
import type { FliteVoice } from "../src/index.ts";

/** Speaks `text` with flite and pads it with silence, as a caller line would arrive. */
export async function speak(text: string, voice: FliteVoice = "slt", leadMs = 300, trailMs = 300): Promise<Int16Array> {
  const tts = createFliteTts({ voice });
  const chunks: Int16Array[] = [];
  for await (const chunk of tts.synthesize(text, new AbortController().signal)) chunks.push(chunk);
  tts.close?.();
  const lead = (leadMs * tts.sampleRate) / 1000;
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Int16Array(lead + total + (trailMs * tts.sampleRate) / 1000);
  let at = lead;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "oh"];

/** A small receptionist phrase spec, as a brain's `phraseSpec()` would provide. */
export const RECEPTIONIST_SPEC = {
  templates: [
    "i would like to book a {service} {day}",
    "i'd like to book a {service} {day}",
    "can i book a {service} {day}",
    "i want to book a {service} on {dayname}",
    "i need a {service}",
    "my phone number is {d} {d} {d} {d} {d} {d} {d}",
    "my number is {d} {d} {d} {d} {d} {d} {d}",
    "it's {d} {d} {d} {d} {d} {d} {d}",
    "{d} {d} {d} {d} {d} {d} {d}",
    "what time do you open {day}",
    "can i cancel my appointment on {dayname}",
    "{yn}",
    "{yn} please",
    "my name is {name}",
  ],
  slots: {
    service: ["cleaning", "checkup", "filling", "whitening", "consultation"],
    day: ["today", "tomorrow", "next {dayname}", "on {dayname}", "this {dayname}", "next week"].flatMap((d) =>
      d.includes("{dayname}") ? ["monday", "tuesday", "wednesday", "thursday", "friday"].map((n) => d.replace("{dayname}", n)) : [d],
    ),
    dayname: ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"],
    d: DIGITS,
    yn: ["yes", "no", "yeah", "that's right", "okay"],
    name: ["john smith", "mary jones", "anna lee", "david brown"],
  },
};
