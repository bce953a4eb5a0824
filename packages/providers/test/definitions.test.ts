import { describe, expect, it } from "vitest";
import { AI_VENDORS, AI_VENDOR_IDS } from "@orbis/contracts";
import {
  DEFAULT_PRICES,
  PROVIDERS,
  PROVIDER_DESCRIPTIONS,
  ProviderManager,
  chatCatalog,
  definitionOf,
  priceFor,
  realtimeCatalog,
  sttCatalog,
  ttsCatalog,
} from "../src/index.ts";

const entryIds = (d: (typeof PROVIDERS)[number]) =>
  [d.stt, d.tts, d.chat, d.realtime].flatMap((m) => Object.entries(m ?? {}).flatMap(([id, e]) => [id, ...(e.aliases ?? [])]));

describe("provider definitions (src/definitions.ts)", () => {
  it("one definition per AI vendor of @orbis/contracts, whose env names config reads, and the offline engines", () => {
    const vendors = PROVIDERS.flatMap((d) => (d.vendor ? [d.vendor] : []));
    expect([...vendors].sort()).toEqual([...AI_VENDOR_IDS].sort());
    expect(new Set(PROVIDERS.map((d) => d.id)).size).toBe(PROVIDERS.length);
    for (const d of PROVIDERS) {
      if (d.vendor) {
        expect(d.id).toBe(d.vendor);
        expect(d.env).toEqual(AI_VENDORS[d.vendor]);
        expect(definitionOf(d.vendor)).toBe(d);
      } else expect(d.env).toBeNull();
      expect(d.kinds.length, d.id).toBeGreaterThan(0);
    }
    expect(PROVIDERS.filter((d) => !d.vendor).map((d) => d.id)).toEqual(["offline"]);
    expect(definitionOf("twilio")).toBeUndefined();
  });

  it("a vendor that needs a key lets a workspace store one; prices name only the definition's own entries", () => {
    for (const d of PROVIDERS) {
      if (d.needsKey) expect(d.credentialSchema, d.id).not.toBeNull();
      const own = entryIds(d);
      for (const id of Object.keys(d.defaultPrices)) expect(own, `${d.id} prices ${id}`).toContain(id.split(":")[0]);
    }
    expect(definitionOf("deepgram")!.credentialSchema!.safeParse({ apiKey: "short" }).success).toBe(false);
    expect(definitionOf("deepgram")!.credentialSchema!.parse({ apiKey: " dg_0123456789 " })).toEqual({ apiKey: "dg_0123456789" });
    expect(definitionOf("ollama")!.credentialSchema).toBeNull();
  });

  it("the catalogue, the descriptions and the list prices are derived from the list", () => {
    expect(Object.keys(sttCatalog).sort()).toEqual(["deepgram", "offline", "pocketsphinx"]);
    expect(Object.keys(ttsCatalog).sort()).toEqual(["deepgram-aura", "elevenlabs", "flite", "offline", "openai-tts"]);
    expect(Object.keys(chatCatalog).sort()).toEqual(["anthropic", "gemini", "groq", "ollama", "openai", "openai-compatible", "openrouter"]);
    expect(Object.keys(realtimeCatalog).sort()).toEqual(["gemini-live", "openai-realtime"]);
    expect(PROVIDER_DESCRIPTIONS.map((p) => `${p.capability}:${p.id}:${p.needsKey}`)).toEqual([
      "stt:offline:null",
      "stt:deepgram:deepgram",
      "tts:offline:null",
      "tts:openai-tts:openai",
      "tts:deepgram-aura:deepgram",
      "tts:elevenlabs:elevenlabs",
      "realtime:openai-realtime:openai",
      "realtime:gemini-live:gemini",
      "llm:openai:openai",
      "llm:groq:groq",
      "llm:openrouter:openrouter",
      "llm:ollama:null",
      "llm:openai-compatible:openai-compatible",
      "llm:anthropic:anthropic",
      "llm:gemini:gemini",
    ]);
    expect(new ProviderManager().describe().find((p) => p.id === "offline" && p.capability === "tts")?.voices).toContain("slt");
    expect(DEFAULT_PRICES.deepgram).toEqual({ sttPerMinute: 0.0077 });
    expect(DEFAULT_PRICES["gemini-live"]).toEqual({ realtimePerMinute: 0.023 });
  });

  it("prices: the operator's table by full id then base id, then the list prices", () => {
    expect(priceFor({}, "elevenlabs:rachel")).toEqual({ ttsPerMillionCharacters: 50 });
    expect(priceFor({}, "openai:gpt-4o")).toEqual({ llmPerMillionIn: 2.5, llmPerMillionOut: 10 });
    expect(priceFor({ openai: { llmPerMillionIn: 1 } }, "openai:gpt-4o")).toEqual({ llmPerMillionIn: 1 });
    expect(priceFor({ "deepgram:nova-3": { sttPerMinute: 0.01 } }, "deepgram:nova-3")).toEqual({ sttPerMinute: 0.01 });
    expect(priceFor({}, "flite:slt")).toEqual({});
    expect(priceFor({}, "unknown:x")).toEqual({});
  });
});
