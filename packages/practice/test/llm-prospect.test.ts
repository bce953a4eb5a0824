import { describe, expect, it } from "vitest";
import { parseProspectReply, prospectInstructions } from "../src/index.ts";
import { persona, scenario } from "./converse.ts";

describe("prospectInstructions", () => {
  const p = persona("builtin_insurance_agency_owner");
  const s = scenario("builtin_objection_handling_drill");
  const prompt = prospectInstructions(p, s);

  it("puts the model in character, with the persona's facts", () => {
    expect(prompt).toContain("You are Tom Brennan, Agency owner at Brennan Insurance Group (Insurance)");
    expect(prompt).toMatch(/never say otherwise/);
    expect(prompt).toMatch(/not an assistant, a coach or an AI/);
    for (const pain of p.painPoints) expect(prompt).toContain(pain);
    expect(prompt).toContain(p.budget);
  });

  it("lists every objection with its triggers, what resolves it and the concession", () => {
    for (const o of p.objections) {
      expect(prompt).toContain(o.raise);
      expect(prompt).toContain(o.concession);
      for (const r of o.resolvedBy) expect(prompt).toContain(`"${r}"`);
      for (const t of o.triggers) expect(prompt).toContain(`"${t}"`);
    }
    expect(prompt).toContain("unprompted, right after the rep first pitches");
  });

  it("states the same end conditions as the offline prospect, per difficulty", () => {
    expect(prompt).toContain("[END next_step]");
    expect(prompt).toContain("[END prospect_hung_up]");
    expect(prompt).toContain("[END time_up]");
    expect(prompt).toContain("at least two of your objections");
    expect(prospectInstructions(p, { ...s, difficulty: "easy" })).toContain("you may agree once nothing you raised is still open");
    expect(prompt).toContain("7 minutes");
    expect(prompt).toMatch(/short sentences/);
  });
});

describe("parseProspectReply", () => {
  it.each([
    ["Fine. Thursday at 2. Send me the invite.\n[END next_step]", "Fine. Thursday at 2. Send me the invite.", "next_step"],
    ["I'm hanging up. [END prospect_hung_up]", "I'm hanging up.", "prospect_hung_up"],
    ["Go on.", "Go on.", null],
  ])("%j", (reply, text, endReason) => {
    expect(parseProspectReply(reply)).toEqual({ text, endReason });
  });
});
