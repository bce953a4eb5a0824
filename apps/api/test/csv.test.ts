import { describe, expect, it } from "vitest";
import { csvCell, csvRows, parseCsv } from "../src/lib/csv.ts";

describe("parseCsv", () => {
  it("reads quoted fields, doubled quotes, a byte-order mark, mixed line ends and ragged rows; empty lines keep row numbers", () => {
    const { records, error } = parseCsv('\ufeffphone,name\r\n+14155550100,"Doe, Jane"\n\n"say ""hi""",x,extra\r"two\nlines",y');
    expect(error).toBeUndefined();
    expect(records).toEqual([["phone", "name"], ["+14155550100", "Doe, Jane"], [""], ['say "hi"', "x", "extra"], ["two\nlines", "y"]]);
  });
  it("keeps a stray quote inside a field as text; an unclosed quoted field is an error naming its line", () => {
    expect(parseCsv('a,b\nx"y,z').records).toEqual([
      ["a", "b"],
      ['x"y', "z"],
    ]);
    const bad = parseCsv('phone,name\n+14155550100,"Doe');
    expect(bad.records).toEqual([]);
    expect(bad.error).toMatch(/^record 2: .*quote/i);
  });
});

describe("csvRows", () => {
  it("round-trips through parseCsv, formulas neutralised, phone numbers and negative numbers left alone", () => {
    const text = csvRows([
      ["a", "b", "c"],
      ['=HYPERLINK("x")', "+14155550100", -3.5],
      [null, new Date("2026-12-06T10:00:00Z"), { k: 1 }],
    ]);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(parseCsv(text).records).toEqual([
      ["a", "b", "c"],
      ['\'=HYPERLINK("x")', "+14155550100", "-3.5"],
      ["", "2026-12-06T10:00:00.000Z", '{"k":1}'],
    ]);
    expect(csvCell("-cmd")).toBe("'-cmd");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
  });
});
