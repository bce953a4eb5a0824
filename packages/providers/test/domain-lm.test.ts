import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildArpa, buildDomainLm, domainLmKey, expandCorpus, normalizeSentence } from "../src/index.ts";

interface Arpa {
  counts: number[];
  grams: Map<string, { logp: number; bow: number }>[];
}

function parseArpa(text: string): Arpa {
  const counts: number[] = [];
  const grams: Arpa["grams"] = [new Map(), new Map(), new Map()];
  let order = 0;
  for (const line of text.split("\n")) {
    const header = /^ngram (\d)=(\d+)$/.exec(line);
    if (header) counts[Number(header[1]) - 1] = Number(header[2]);
    const section = /^\\(\d)-grams:$/.exec(line);
    if (section) order = Number(section[1]);
    else if (order > 0 && line.trim() && !line.startsWith("\\")) {
      const parts = line.split(" ");
      const words = parts.slice(1, 1 + order).join(" ");
      grams[order - 1]!.set(words, { logp: Number(parts[0]), bow: parts.length > order + 1 ? Number(parts[order + 1]) : 0 });
    }
  }
  return { counts, grams };
}

/** P(w | history) by backing off through the model, as a decoder would. */
function prob(arpa: Arpa, history: string[], w: string): number {
  const [uni, bi, tri] = arpa.grams as [Arpa["grams"][0], Arpa["grams"][0], Arpa["grams"][0]];
  if (history.length === 2) {
    const hit = tri.get(`${history.join(" ")} ${w}`);
    if (hit) return 10 ** hit.logp;
    return 10 ** (bi.get(history.join(" "))?.bow ?? 0) * prob(arpa, history.slice(1), w);
  }
  if (history.length === 1) {
    const hit = bi.get(`${history[0]} ${w}`);
    if (hit) return 10 ** hit.logp;
    return 10 ** (uni.get(history[0]!)?.bow ?? 0) * prob(arpa, [], w);
  }
  return 10 ** uni.get(w)!.logp;
}

describe("domain LM", () => {
  it("expands templates with every slot value, independently per placeholder, reproducibly", () => {
    const spec = { templates: ["call {d} {d}", "book {s}"], slots: { d: ["one", "two", "three"], s: ["cleaning", "checkup"] } };
    const corpus = expandCorpus(spec);
    expect(corpus).toContain("call one two");
    expect(corpus).toContain("call three three");
    expect(corpus.filter((s) => s.startsWith("call"))).toHaveLength(9);
    expect(corpus.filter((s) => s.startsWith("book"))).toEqual(["book cleaning", "book checkup"]);
    const big = { templates: ["{d} {d} {d} {d} {d} {d} {d}"], slots: { d: ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"] } };
    const sampled = expandCorpus(big, 500);
    expect(sampled).toHaveLength(500);
    expect(sampled).toEqual(expandCorpus(big, 500));
    expect(new Set(sampled.flatMap((s) => s.split(" "))).size).toBe(10);
  });

  it("normalises text the way the recogniser spells it", () => {
    expect(normalizeSentence("Call 555-12, Dr. O'Brien & co!")).toEqual(["call", "five", "five", "five", "one", "two", "dr", "o'brien", "and", "co"]);
  });

  it("writes a well-formed trigram ARPA model whose distributions sum to one", () => {
    const sentences = expandCorpus({
      templates: ["i want a {s} on {d}", "a {s} please", "{d} is fine", "yes"],
      slots: { s: ["cleaning", "checkup", "filling"], d: ["monday", "tuesday", "friday"] },
    }).map(normalizeSentence);
    const arpa = parseArpa(buildArpa(sentences));
    expect(arpa.counts).toEqual(arpa.grams.map((g) => g.size));
    const vocab = [...arpa.grams[0]!.keys()].filter((w) => w !== "<s>");
    for (const history of [["<s>"], ["a"], ["<s>", "i"], ["want", "a"], ["on", "monday"], ["fine"], ["cleaning", "please"]]) {
      const total = vocab.reduce((sum, w) => sum + prob(arpa, history, w), 0);
      expect(total, `history ${history.join(" ")}`).toBeCloseTo(1, 4);
    }
    expect(prob(arpa, ["want", "a"], "cleaning")).toBeGreaterThan(prob(arpa, ["want", "a"], "yes"));
  });

  it("keeps a cmudict subset, drops sentences with unknown words, honours given pronunciations and caches by spec", () => {
    const dir = mkdtempSync(join(tmpdir(), "orbis-lm-test-"));
    const dictPath = join(dir, "mini.dict");
    writeFileSync(dictPath, "book B UH K\na AH\na(2) EY\ncleaning K L IY N IH NG\nwith W IH DH\nplease P L IY Z\n");
    const spec = { templates: ["book a cleaning", "book a cleaning with {who}", "please"], slots: { who: ["zyxx", "nguyen"] } };
    const lm = buildDomainLm(spec, { cacheDir: dir, dictPath, pronunciations: { nguyen: "N W IH N" } });
    expect(lm.cached).toBe(false);
    expect(lm.missingWords).toEqual(["zyxx"]);
    expect(lm.sentences).toBe(3);
    expect(readFileSync(lm.dictPath, "utf8").split("\n").filter(Boolean)).toEqual([
      "a AH",
      "a(2) EY",
      "book B UH K",
      "cleaning K L IY N IH NG",
      "nguyen N W IH N",
      "please P L IY Z",
      "with W IH DH",
    ]);
    expect(readFileSync(lm.lmPath, "utf8")).toContain("book a cleaning");
    const again = buildDomainLm(spec, { cacheDir: dir, dictPath, pronunciations: { nguyen: "N W IH N" } });
    expect(again).toMatchObject({ cached: true, lmPath: lm.lmPath, missingWords: ["zyxx"] });
    expect(domainLmKey({ ...spec, templates: ["please"] })).not.toBe(lm.key);
  });
});
