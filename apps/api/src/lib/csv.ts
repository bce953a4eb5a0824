import { parse } from "csv-parse/sync";

/**
 * CSV in and out of the api: every export (usage, privacy, referrals, campaign results) writes its
 * cells here, and campaign contacts are read here (csv-parse).
 */

/**
 * One cell: empty for null, ISO for a date, JSON for an object; a text a spreadsheet would run as a
 * formula (`=`, `@`, or `+`/`-` that is not a number or a phone number) gets a leading `'`; quoted when
 * it holds a comma, a quote (doubled) or a line break (RFC 4180).
 */
export function csvCell(value: unknown): string {
  let s =
    value === null || value === undefined
      ? ""
      : value instanceof Date
        ? value.toISOString()
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value);
  if (typeof value === "string" && (/^[=@\t\r]/.test(s) || (/^[+-]/.test(s) && !/^[+-]?[\d\s().-]+$/.test(s)))) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows (the header first) as CSV text, CRLF after every row. */
export function csvRows(rows: readonly (readonly unknown[])[]): string {
  return rows.map((r) => `${r.map(csvCell).join(",")}\r\n`).join("");
}

/**
 * CSV text → records (the header is record 1, as a spreadsheet numbers rows; an empty line is a record
 * of one empty field, so numbers stay aligned). CRLF, LF or CR line ends, a UTF-8 byte-order mark
 * ignored, rows of any length, a stray quote inside a field kept as text; an unclosed quoted field is
 * the one error.
 */
export function parseCsv(text: string): { records: string[][]; error?: string } {
  try {
    const records = parse(text, { bom: true, relax_column_count: true, relax_quotes: true, record_delimiter: ["\r\n", "\n", "\r"] }) as string[][];
    return { records };
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    return { records: [], error: `record ${e.lines ?? "?"}: ${(e.message ?? String(err)).replace(/^[^:]*: /, "").slice(0, 200)}` };
  }
}
