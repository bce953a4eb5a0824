import { afterAll, describe, expect, it } from "vitest";
import { builtInPersona, builtInScenario } from "@orbis/practice";
import { ProviderManager, type CredentialLookup } from "@orbis/providers";
import type { PracticeGrant } from "../src/practice/practice-grant.ts";
import { practiceProspects, type PracticeLlm } from "../src/practice/practice-prospects.ts";

const manager = new ProviderManager({});
afterAll(() => manager.stop());

const grant = {
  sessionId: "prs_test",
  tenant: { workspaceId: "ws_test" },
  viewer: { userId: "usr_test", role: "owner" },
  persona: builtInPersona("builtin_logistics_ops_manager")!,
  scenario: builtInScenario("builtin_cold_call_book_meeting")!,
  startedAt: new Date(),
} as unknown as PracticeGrant;

function factory(llm: PracticeLlm | undefined, keys: CredentialLookup) {
  const warnings: { obj: object; msg?: string | undefined }[] = [];
  const prospects = practiceProspects({
    llm,
    manager,
    credentials: async () => keys,
    cacheDir: "/tmp/orbis-unused",
    prices: {},
    log: { warn: (obj, msg) => warnings.push({ obj, msg }) },
  });
  return { prospects, warnings };
}

const noKeys: CredentialLookup = () => undefined;

describe("practiceProspects", () => {
  it("without PRACTICE_LLM: the offline prospect, quietly", async () => {
    const { prospects, warnings } = factory(undefined, noKeys);
    const brain = await prospects(grant);
    expect(brain.id).toBe("prospect");
    expect(warnings).toEqual([]);
  });

  it("with a key: the model plays the prospect, and reports its usage for the session's cost", async () => {
    const { prospects } = factory({ provider: "openai", model: "gpt-4o-mini" }, (vendor) => (vendor === "openai" ? { apiKey: "sk-test" } : undefined));
    const brain = await prospects(grant);
    expect(brain.id).toBe("prospect:llm:openai:gpt-4o-mini");
    expect(brain.usage?.()).toEqual({ usage: {}, costUsd: 0 });
    // The recogniser hears the same phrases either way.
    expect(brain.phraseSpec?.()).toEqual((await factory(undefined, noKeys).prospects(grant)).phraseSpec?.());
  });

  it("no key for the workspace: the offline prospect, and the reason logged", async () => {
    const { prospects, warnings } = factory({ provider: "anthropic" }, noKeys);
    expect((await prospects(grant)).id).toBe("prospect");
    expect(warnings).toMatchObject([{ obj: { practiceSessionId: "prs_test", reason: "missing anthropic key" } }]);
  });

  it("the model's circuit open: the offline prospect", async () => {
    const keys: CredentialLookup = (vendor) => (vendor === "groq" ? { apiKey: "gq-test" } : undefined);
    const { prospects, warnings } = factory({ provider: "groq", model: "llama-3.1-8b-instant" }, keys);
    for (let i = 0; i < 3; i++) manager.health.recordFailure("groq:llama-3.1-8b-instant", new Error("503"));
    expect((await prospects(grant)).id).toBe("prospect");
    expect(warnings).toMatchObject([{ obj: { reason: "groq:llama-3.1-8b-instant circuit open" } }]);
  });

  it("a provider without chat models stops start-up", () => {
    expect(() => factory({ provider: "deepgram" }, noKeys)).toThrowError(/PRACTICE_LLM: deepgram is not a chat provider \(one of .*openai/);
  });
});
