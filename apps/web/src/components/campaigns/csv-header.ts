/**
 * Just enough CSV for the column mapping: the header row (RFC 4180 quoting, a UTF-8 BOM ignored) and the
 * usual names of each field. The rows themselves are read and checked by the API (docs/campaigns.md).
 */

export interface Mapping {
  phone: string;
  name: string;
  timezone: string;
  consent: string;
  consentSource: string;
}

/** The first record of `text`: its fields, trimmed; [] when there is none. */
export function csvHeader(text: string): string[] {
  const s = text.replace(/^\uFEFF/, "");
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      fields.push(field.trim());
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      // Blank lines before the header are skipped, as the API does.
      if (fields.length === 0 && field.trim() === "") continue;
      break;
    } else field += ch;
  }
  if (field.trim() !== "" || fields.length > 0) fields.push(field.trim());
  return fields.some((f) => f !== "") ? fields : [];
}

const USUAL: Record<keyof Mapping, string[]> = {
  phone: ["phone", "phone number", "phone_number", "mobile", "cell", "telephone", "number"],
  name: ["name", "full name", "first name", "first_name"],
  timezone: ["timezone", "time zone", "time_zone", "tz"],
  consent: ["consent", "opted in", "opt_in", "opt in", "consented"],
  consentSource: ["consent_source", "consent source", "consentsource"],
};

/** Each field's column when the header uses one of its usual names (in the header's own spelling), else "". */
export function guessMapping(header: string[]): Mapping {
  const lower = header.map((h) => h.toLowerCase());
  const find = (key: keyof Mapping) => {
    for (const name of USUAL[key]) {
      const at = lower.indexOf(name);
      if (at >= 0) return header[at]!;
    }
    return "";
  };
  return { phone: find("phone"), name: find("name"), timezone: find("timezone"), consent: find("consent"), consentSource: find("consentSource") };
}

/** A header as the API names its variable: `First Name` → `First_Name`; undefined when nothing usable is left. */
export function variableNameOf(header: string): string | undefined {
  const name = header
    .trim()
    .replace(/[^a-zA-Z0-9_]+/g, "_")
    .replace(/^[^a-zA-Z]+/, "")
    .replace(/_+$/, "");
  return /^[a-zA-Z][a-zA-Z0-9_]{0,39}$/.test(name) ? name : undefined;
}

/** `{{placeholders}}` an opening or voicemail message uses beyond the built-in ones (each contact must provide them). */
export function placeholdersOf(...texts: (string | null | undefined)[]): string[] {
  const names = new Set<string>();
  for (const t of texts)
    for (const m of (t ?? "").matchAll(/\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g)) if (!["business", "agent"].includes(m[1]!)) names.add(m[1]!);
  return [...names];
}
