/**
 * CSV as RFC 4180 writes it: comma-separated, fields in double quotes when they hold a comma, a quote
 * (doubled) or a line break; CRLF or LF line ends; a UTF-8 byte-order mark is ignored. Each record is
 * returned with its number (the header is record 1, as a spreadsheet numbers rows).
 */
export function parseCsv(text: string): { records: string[][]; error?: string } {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field.length === 0) {
      quoted = true;
      i++;
    } else if (c === ",") {
      record.push(field);
      field = "";
      i++;
    } else if (c === "\n" || c === "\r") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i += c === "\r" && s[i + 1] === "\n" ? 2 : 1;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) return { records, error: `record ${records.length + 1}: a quoted field is not closed` };
  if (field.length > 0 || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return { records };
}

/** A spreadsheet would run a cell starting with `=`, `@` (or `+`/`-` that is not a number) as a formula: such cells get a leading quote. */
function neutralise(value: string): string {
  if (/^[=@\t\r]/.test(value) || (/^[+-]/.test(value) && !/^[+-]?[\d\s().-]+$/.test(value))) return `'${value}`;
  return value;
}

/** One CSV line (CRLF-terminated), every field quoted as needed. */
export function csvLine(values: (string | number | null | undefined)[]): string {
  return (
    values
      .map((v) => {
        const s = neutralise(v === null || v === undefined ? "" : String(v));
        return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(",") + "\r\n"
  );
}
