import { createId, isIanaZone, type AddContactsBody, type ContactRowError, type ImportContactsResult } from "@orbis/contracts";
import type { NewCampaignContactRow, TenantScope } from "@orbis/db";
import { invalid } from "../../lib/validation.ts";
import { parseCsv } from "../../lib/csv.ts";

/** At most this many contact rows per upload. */
const MAX_ROWS = 10_000;
const MAX_VARIABLES = 20;
const VARIABLE = /^[a-zA-Z][a-zA-Z0-9_]{0,39}$/;
const PLACEHOLDER = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]{0,39})\s*\}\}/g;
/** Filled from the agent when the call connects (see @orbis/telephony `renderTemplate`). */
const BUILT_INS = new Set(["business", "agent"]);
const YES = new Set(["true", "yes", "y", "1", "x"]);

/** One contact as read, before its checks; `columns` names the column (CSV header or JSON field) of each field for error messages. */
interface Candidate {
  row: number;
  phone: string;
  name: string;
  timezone: string;
  consent: string | boolean;
  consentSource: string;
  variables: Record<string, string>;
  columns: { phone: string; timezone: string; consent: string; consentSource: string };
}

export interface CsvMapping {
  phone: string;
  name?: string | undefined;
  timezone?: string | undefined;
  consent: string;
  consentSource?: string | undefined;
}

/** "+1 (415) 555-0100" → "+14155550100"; `00` before the country code counts as `+`. Undefined: not an E.164 number. */
export function normalisePhone(raw: string): string | undefined {
  let s = raw.trim().replace(/[\s().-]/g, "");
  if (s.startsWith("00")) s = `+${s.slice(2)}`;
  return /^\+[1-9]\d{6,14}$/.test(s) ? s : undefined;
}

/** A header as a variable name: `First Name` → `First_Name`; undefined when nothing usable is left. */
function variableNameOf(header: string): string | undefined {
  const name = header
    .trim()
    .replace(/[^a-zA-Z0-9_]+/g, "_")
    .replace(/^[^a-zA-Z]+/, "")
    .replace(/_+$/, "");
  return VARIABLE.test(name) ? name : undefined;
}

/** Placeholders the campaign's opening and voicemail message use that a contact must provide. */
export function placeholdersOf(...texts: (string | null | undefined)[]): string[] {
  const names = new Set<string>();
  for (const t of texts) for (const m of (t ?? "").matchAll(PLACEHOLDER)) if (!BUILT_INS.has(m[1]!)) names.add(m[1]!);
  return [...names];
}

/** CSV text → candidates, or the header's problems (row 1) when the mapping does not fit it. */
export function candidatesFromCsv(
  csv: string,
  mapping: CsvMapping,
  defaults: { consentSource?: string | undefined },
): { candidates: Candidate[]; headerErrors: ContactRowError[] } {
  const parsed = parseCsv(csv);
  if (parsed.error) throw invalid("body.csv", parsed.error);
  const [header, ...records] = parsed.records;
  if (!header || header.every((h) => h.trim() === "")) throw invalid("body.csv", "no header row");
  if (records.length > MAX_ROWS) throw invalid("body.csv", `at most ${MAX_ROWS} rows per upload (${records.length} sent)`);
  const names = header.map((h) => h.trim());
  const lower = names.map((h) => h.toLowerCase());
  const headerErrors: ContactRowError[] = [];
  /** A mapped column must exist; an unmapped one is looked for by its usual names. */
  const indexOf = (column: string | undefined, role: string): number => {
    if (column === undefined) return -1;
    const i = lower.indexOf(column.trim().toLowerCase());
    if (i < 0) headerErrors.push({ row: 1, column, message: `no column named "${column}" for the ${role}` });
    return i;
  };
  // Unmapped optional fields are found by their usual names.
  const guess = (...candidates: string[]) => candidates.find((c) => lower.includes(c));
  const phoneAt = indexOf(mapping.phone, "phone number");
  const nameAt = indexOf(mapping.name ?? guess("name", "full name", "first name", "first_name"), "name");
  const tzAt = indexOf(mapping.timezone ?? guess("timezone", "time zone", "time_zone", "tz"), "time zone");
  const consentAt = indexOf(mapping.consent, "consent flag");
  const sourceAt = indexOf(mapping.consentSource ?? guess("consent_source", "consent source", "consentsource"), "consent source");
  if (sourceAt < 0 && !defaults.consentSource)
    headerErrors.push({ row: 1, column: mapping.consentSource ?? "consentSource", message: "no consent source: map a column or send consentSource" });
  const mapped = new Set([phoneAt, nameAt, tzAt, consentAt, sourceAt]);
  const variableColumns: { at: number; name: string }[] = [];
  names.forEach((h, at) => {
    if (mapped.has(at) || h === "") return;
    const name = variableNameOf(h);
    if (!name) headerErrors.push({ row: 1, column: h, message: "cannot be a variable name (use letters, digits and _; start with a letter)" });
    else if (variableColumns.some((v) => v.name === name)) headerErrors.push({ row: 1, column: h, message: `another column is also the variable ${name}` });
    else variableColumns.push({ at, name });
  });
  if (variableColumns.length + (nameAt >= 0 ? 1 : 0) > MAX_VARIABLES)
    headerErrors.push({ row: 1, column: "", message: `at most ${MAX_VARIABLES} variables (the name included) per contact` });
  const cell = (r: string[], at: number) => (at >= 0 ? (r[at] ?? "").trim() : "");
  const columns = {
    phone: names[phoneAt] ?? mapping.phone,
    timezone: names[tzAt] ?? "timezone",
    consent: names[consentAt] ?? mapping.consent,
    consentSource: names[sourceAt] ?? "consentSource",
  };
  const candidates: Candidate[] = [];
  records.forEach((r, i) => {
    if (r.every((c) => c.trim() === "")) return; // blank line
    const variables: Record<string, string> = {};
    for (const v of variableColumns) variables[v.name] = cell(r, v.at);
    candidates.push({
      row: i + 2,
      phone: cell(r, phoneAt),
      name: cell(r, nameAt),
      timezone: cell(r, tzAt),
      consent: cell(r, consentAt),
      consentSource: cell(r, sourceAt) || defaults.consentSource || "",
      variables,
      columns,
    });
  });
  return { candidates, headerErrors };
}

export function candidatesFromJson(body: AddContactsBody): Candidate[] {
  return body.contacts.map((c, i) => ({
    row: i + 1,
    phone: c.phone,
    name: c.name,
    timezone: c.timezone ?? "",
    consent: c.consent,
    consentSource: c.consentSource,
    variables: c.variables,
    columns: { phone: "phone", timezone: "timezone", consent: "consent", consentSource: "consentSource" },
  }));
}

/**
 * Checks every candidate (phone, time zone, consent and its source, variable lengths and the ones the
 * opening needs, duplicates in the upload and in the campaign, the do-not-call list and SMS STOPs) and
 * answers each problem by row and column; the rows without a problem are inserted unless `dryRun`.
 */
export async function importCandidates(
  tenant: TenantScope,
  o: {
    campaignId: string;
    candidates: Candidate[];
    headerErrors: ContactRowError[];
    workspaceZone: string;
    requiredVariables: string[];
    dryRun: boolean;
    /** How the variable of a contact is named in errors (`first_name` for CSV, `variables.first_name` for JSON). */
    variableColumn: (name: string) => string;
  },
): Promise<ImportContactsResult> {
  const errors: ContactRowError[] = [...o.headerErrors];
  const rows: (NewCampaignContactRow & { row: number })[] = [];
  const seen = new Map<string, number>();
  const checked: { c: Candidate; phone: string; timezone: string }[] = [];
  for (const c of o.candidates) {
    const bad = (column: string, message: string) => errors.push({ row: c.row, column, message });
    const before = errors.length;
    const phone = normalisePhone(c.phone);
    if (!c.phone) bad(c.columns.phone, "missing phone number");
    else if (!phone) bad(c.columns.phone, `bad phone number "${c.phone.slice(0, 40)}": use E.164 like +14155550100`);
    const timezone = c.timezone || o.workspaceZone;
    if (!isIanaZone(timezone)) bad(c.columns.timezone, `unknown time zone "${timezone.slice(0, 64)}": use an IANA zone like America/New_York`);
    const consent = typeof c.consent === "boolean" ? c.consent : YES.has(c.consent.toLowerCase());
    if (!consent) bad(c.columns.consent, "missing consent: a contact is called only with consent (true/yes/1)");
    if (!c.consentSource) bad(c.columns.consentSource, "missing consent source");
    else if (c.consentSource.length > 200) bad(c.columns.consentSource, "at most 200 characters");
    for (const [k, v] of Object.entries(c.variables)) if (v.length > 200) bad(o.variableColumn(k), "at most 200 characters");
    for (const name of o.requiredVariables)
      if (!(name in c.variables) && !(name === "name" && c.name)) bad(o.variableColumn(name), `the opening uses {{${name}}}: a value is needed`);
    if (phone) {
      const first = seen.get(phone);
      if (first !== undefined) bad(c.columns.phone, `duplicate of row ${first}`);
      else seen.set(phone, c.row);
    }
    if (errors.length === before && phone) checked.push({ c, phone, timezone });
  }
  // What the database knows: already in the campaign, on the do-not-call list, texted STOP.
  const phones = checked.map((x) => x.phone);
  const [existing, blocked] = await Promise.all([tenant.campaigns.phonesIn(o.campaignId, phones), tenant.doNotCall.blocked(phones)]);
  for (const { c, phone, timezone } of checked) {
    if (existing.has(phone)) errors.push({ row: c.row, column: c.columns.phone, message: "duplicate: already in this campaign" });
    else if (blocked.dnc.has(phone)) errors.push({ row: c.row, column: c.columns.phone, message: "on the do-not-call list" });
    else if (blocked.sms.has(phone)) errors.push({ row: c.row, column: c.columns.phone, message: "on the do-not-call list (texted STOP)" });
    else
      rows.push({
        row: c.row,
        id: createId("campaignContact"),
        campaignId: o.campaignId,
        phone,
        name: c.name.slice(0, 120),
        timezone,
        variables: { ...(c.name && !("name" in c.variables) ? { name: c.name.slice(0, 200) } : {}), ...c.variables },
        consent: true,
        consentSource: c.consentSource,
      });
  }
  errors.sort((a, b) => a.row - b.row);
  // A header that does not fit the mapping imports nothing: the rows were read against the wrong columns.
  // One millisecond apart: the list's order (oldest first) is the upload's order.
  const base = Date.now();
  const imported =
    o.dryRun || o.headerErrors.length > 0 || rows.length === 0
      ? 0
      : await tenant.campaigns.insertContacts(rows.map(({ row: _row, ...r }, i) => ({ ...r, createdAt: new Date(base + i) })));
  return {
    dryRun: o.dryRun,
    rows: o.candidates.length,
    valid: rows.length,
    imported,
    errors,
    preview: rows.slice(0, 20).map((r) => ({
      row: r.row,
      phone: r.phone,
      name: r.name ?? "",
      timezone: r.timezone,
      variables: r.variables ?? {},
      consentSource: r.consentSource,
    })),
  };
}
