import { describe, expect, it } from "vitest";
import { drainQueue } from "./queue.ts";

describe("drainQueue", () => {
  it("replays calls made before the script loaded, in order, and skips unknown methods", () => {
    const seen: unknown[] = [];
    const warnings: string[] = [];
    const stub = { q: [["init", { agentId: "a" }], ["nope"], ["open", "a"]] as [string, ...unknown[]][] };
    const api = { init: (o: unknown) => seen.push(["init", o]), open: (id: unknown) => seen.push(["open", id]) };
    expect(drainQueue(stub, api, (m) => warnings.push(m))).toBe(2);
    expect(seen).toEqual([
      ["init", { agentId: "a" }],
      ["open", "a"],
    ]);
    expect(warnings).toEqual(['OrbisVoice: unknown method "nope" ignored']);
    expect(stub.q).toEqual([]);
  });

  it("keeps going when one queued call throws", () => {
    const warnings: string[] = [];
    const api = {
      init: () => {
        throw new Error("bad options");
      },
    };
    expect(drainQueue({ q: [["init"], ["init"]] }, api, (m) => warnings.push(m))).toBe(0);
    expect(warnings).toHaveLength(2);
    expect(drainQueue(undefined, api)).toBe(0);
  });
});
