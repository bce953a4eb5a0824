import { existsSync, lstatSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { POCKETSPHINX_HMM_DIR, acousticModelWith, buildDomainLm, createPocketsphinxStt, speechAvailability } from "../src/index.ts";
import { speak } from "./fixtures.ts";

const availability = speechAvailability();
const cacheDir = mkdtempSync(join(tmpdir(), "orbis-answer-lm-"));

/** A main model that knows no name, and an answer model for the turn after the agent asks one. */
const SPEC = {
  templates: ["i'd like to book a cleaning", "yes", "no", "my number is {d} {d} {d}", "what are your hours"],
  slots: { d: ["one", "two", "three", "four", "five"], first: ["gwendolyn", "bartholomew", "penelope"] },
  answers: { name: ["my name is {first}", "{first}"] },
};

async function hear(expectation: string | undefined, text: string, thread: "inline" | "worker"): Promise<string> {
  const lm = buildDomainLm(SPEC, { cacheDir });
  const stream = await createPocketsphinxStt({ lmPath: lm.lmPath, dictPath: lm.dictPath, answerLms: lm.answerLms, thread }).createStream();
  try {
    if (expectation) stream.expect?.(expectation);
    const audio = await speak(text);
    for (let i = 0; i < audio.length; i += 320) stream.push(audio.subarray(i, i + 320));
    return await stream.endUtterance();
  } finally {
    stream.close();
  }
}

describe("answer models", () => {
  it("are built beside the main model, over one dictionary that has their words", () => {
    const lm = buildDomainLm(SPEC, { cacheDir });
    expect(Object.keys(lm.answerLms)).toEqual(["name"]);
    expect(existsSync(lm.answerLms.name!)).toBe(true);
    expect(readFileSync(lm.lmPath, "utf8")).not.toMatch(/\bgwendolyn\b/);
    expect(readFileSync(lm.answerLms.name!, "utf8")).toMatch(/\bgwendolyn\b/);
    expect(readFileSync(lm.dictPath, "utf8")).toMatch(/^gwendolyn /m);
    // Cached: the same paths come back without a rebuild.
    expect(buildDomainLm(SPEC, { cacheDir })).toMatchObject({ cached: true, answerLms: lm.answerLms });
  });

  it.skipIf(!availability.stt).each(["inline", "worker"] as const)("decode the turn after `expect` names them (%s thread)", async (thread) => {
    // Only the name model has the name: the main model cannot output it.
    expect(await hear(undefined, "my name is gwendolyn", thread)).not.toMatch(/gwendolyn/);
    expect(await hear("name", "my name is gwendolyn", thread)).toMatch(/my name is gwendolyn/);
    // An expectation without a model of its own decodes with the main model.
    expect(await hear("yes_no", "my name is gwendolyn", thread)).not.toMatch(/gwendolyn/);
  });
});

describe("acousticModelWith", () => {
  it("is the model itself without overrides, else a linked copy with its own feat.params", () => {
    expect(acousticModelWith({}, cacheDir)).toBe(POCKETSPHINX_HMM_DIR);
    if (!existsSync(join(POCKETSPHINX_HMM_DIR, "feat.params"))) return;
    const dir = acousticModelWith({ "-cmninit": "50,1,2,3,4,5,6,7,8,9,10,11,12" }, cacheDir);
    const params = readFileSync(join(dir, "feat.params"), "utf8");
    expect(params).toMatch(/^-cmninit 50,1,2,3,4,5,6,7,8,9,10,11,12$/m);
    expect(params.match(/^-cmninit/gm)).toHaveLength(1);
    expect(params).toMatch(/^-nfilt 25$/m);
    expect(lstatSync(join(dir, "mdef")).isSymbolicLink()).toBe(true);
    expect(acousticModelWith({ "-cmninit": "50,1,2,3,4,5,6,7,8,9,10,11,12" }, cacheDir)).toBe(dir);
  });
});
