import { describe, expect, it } from "vitest";
import { normalisePhone, toCsv } from "../src/modules/privacy/privacy.service.ts";

describe("normalisePhone", () => {
  it("reads E.164 with spaces, dashes, dots, brackets and a 00 prefix", () => {
    expect(normalisePhone("+1 (415) 555-0100")).toBe("+14155550100");
    expect(normalisePhone("0044 20.7946.0123")).toBe("+442079460123");
    expect(normalisePhone(" +442079460123 ")).toBe("+442079460123");
  });
  it("refuses what is not an international number", () => {
    expect(normalisePhone("415 555 0100")).toBeUndefined();
    expect(normalisePhone("+0 123")).toBeUndefined();
    expect(normalisePhone("call me")).toBeUndefined();
  });
});

describe("toCsv", () => {
  it("writes a header of every column, quotes what needs it, objects as JSON, dates as ISO", () => {
    const csv = toCsv([
      { id: "a", text: 'said "hi", then left', at: new Date("2026-01-02T03:04:05Z") },
      { id: "b", extra: { k: 1 }, text: "line\nbreak", at: null },
    ]);
    expect(csv).toBe('id,text,at,extra\r\na,"said ""hi"", then left",2026-01-02T03:04:05.000Z,\r\nb,"line\nbreak",,"{""k"":1}"\r\n');
  });
  it("keeps a spreadsheet from running a cell as a formula, but leaves phone numbers alone", () => {
    const csv = toCsv([{ name: '=HYPERLINK("http://x")', phone: "+14155550100", at: "@SUM(A1)", minus: "-1", dash: "-cmd" }]);
    const [, row] = csv.trim().split("\r\n");
    expect(row).toBe(`"'=HYPERLINK(""http://x"")",+14155550100,'@SUM(A1),-1,'-cmd`);
  });
  it("is an empty header for no rows", () => {
    expect(toCsv([])).toBe("\r\n");
  });
});
