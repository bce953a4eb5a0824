import { PERSONALITIES, SCENARIO_TYPES, personaSchema, scenarioSchema } from "@orbis/contracts";
import { describe, expect, it } from "vitest";
import { BUILTIN_PERSONAS, BUILTIN_SCENARIOS, builtInPersona, builtInScenario } from "../src/index.ts";

/** The offline voices the repo ships (packages/providers/src/offline/engines.ts FLITE_VOICES). */
const FLITE_VOICES = ["slt", "kal16", "rms", "awb", "kal"];

describe("built-in personas", () => {
  it("parse with the persona schema, with unique builtin_ ids", () => {
    expect(BUILTIN_PERSONAS.length).toBeGreaterThanOrEqual(6);
    for (const p of BUILTIN_PERSONAS) expect(personaSchema.parse(p)).toEqual(p);
    expect(new Set(BUILTIN_PERSONAS.map((p) => p.id)).size).toBe(BUILTIN_PERSONAS.length);
    for (const p of BUILTIN_PERSONAS) expect(p.id).toMatch(/^builtin_[a-z0-9_]+$/);
  });

  it("cover every personality and six industries, each with pains, budget, 2–4 objections and an offline voice", () => {
    expect(new Set(BUILTIN_PERSONAS.map((p) => p.personality))).toEqual(new Set(PERSONALITIES));
    expect(new Set(BUILTIN_PERSONAS.map((p) => p.industry)).size).toBeGreaterThanOrEqual(6);
    for (const p of BUILTIN_PERSONAS) {
      expect(p.painPoints.length).toBeGreaterThan(0);
      expect(p.budget).not.toBe("");
      expect(p.objections.length).toBeGreaterThanOrEqual(2);
      expect(p.objections.length).toBeLessThanOrEqual(4);
      expect(FLITE_VOICES).toContain(p.voice);
      expect(p.builtIn).toBe(true);
    }
  });

  it("raise objections both on triggers and unprompted", () => {
    const all = BUILTIN_PERSONAS.flatMap((p) => p.objections);
    expect(all.some((o) => o.triggers.length === 0)).toBe(true);
    expect(all.some((o) => o.triggers.length > 0)).toBe(true);
    for (const key of ["price", "timing", "incumbent", "authority"]) expect(all.map((o) => o.key)).toContain(key);
  });
});

describe("built-in scenarios", () => {
  it("parse with the scenario schema, one per type, each suggesting a built-in persona", () => {
    for (const s of BUILTIN_SCENARIOS) expect(scenarioSchema.parse(s)).toEqual(s);
    expect(BUILTIN_SCENARIOS.map((s) => s.type).sort()).toEqual([...SCENARIO_TYPES].sort());
    for (const s of BUILTIN_SCENARIOS) {
      expect(s.id).toMatch(/^builtin_[a-z0-9_]+$/);
      expect(builtInPersona(s.personaId ?? "")).toBeDefined();
      expect(s.rubric.length).toBeGreaterThanOrEqual(4);
      expect(s.rubric.length).toBeLessThanOrEqual(6);
      expect(s.openingLine).not.toBe("");
      expect(s.successCriteria.length).toBeGreaterThan(0);
    }
  });

  it("are found by id", () => {
    expect(builtInScenario("builtin_cold_call_book_meeting")?.type).toBe("cold_call");
    expect(builtInScenario("psc_nope")).toBeUndefined();
    expect(builtInPersona("builtin_dental_practice_owner")?.name).toBe("Dr. Maria Alvarez");
  });
});
