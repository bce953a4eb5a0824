import { describe, expect, it } from "vitest";
import { Conversation } from "./harness.ts";
import { SCRIPTS } from "./conversations.scripts.ts";
import type { Script } from "./conversations.scripts.ts";

export async function runScript(s: Script): Promise<Conversation> {
  const c = new Conversation(s.template, s.caller ? { caller: s.caller } : {});
  await s.setup?.(c);
  await c.greet();
  for (const [input, want] of s.steps) {
    const turn = await c.say(input);
    if (want) expect(turn.text, `after "${typeof input === "string" ? input : JSON.stringify(input)}"\n${c.transcript.join("\n")}`).toMatch(want);
  }
  await s.check?.(c);
  return c;
}

describe("scripted conversations", () => {
  it("cover all five templates with at least 40 scripts", () => {
    expect(SCRIPTS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(SCRIPTS.map((s) => s.template)).size).toBe(5);
  });
  for (const s of SCRIPTS) it(s.name, () => runScript(s).then(() => undefined));
});
