import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type ChangeEvent } from "react";
import { importContactsResultSchema, type ImportContactsResult } from "@orbis/contracts";
import { api } from "../../lib/api.ts";
import { Badge, Button, ErrorBanner, Select, TextArea, TextInput } from "../ui.tsx";
import { campaignsKey } from "./campaigns-api.ts";
import { csvHeader, guessMapping, variableNameOf, type Mapping } from "./csv-header.ts";

/** The API takes the CSV as JSON `{ csv }` up to this many characters (3 MB as a `text/csv` body). */
const MAX_CSV_CHARS = 2_000_000;

const FIELDS: { key: keyof Mapping; label: string; hint: string; required?: boolean }[] = [
  { key: "phone", label: "Phone column", hint: "E.164 after spaces, dashes and brackets are dropped.", required: true },
  { key: "name", label: "Name column", hint: "Also the variable {{name}}." },
  { key: "timezone", label: "Time zone column", hint: "IANA, like America/New_York. None: the workspace’s zone." },
  { key: "consent", label: "Consent column", hint: "yes, true, y, 1 or x: consent given.", required: true },
  { key: "consentSource", label: "Consent source column", hint: "Where each contact gave consent." },
];

function ResultTables({ result }: { result: ImportContactsResult }) {
  return (
    <div className="space-y-4">
      {result.errors.length > 0 && (
        <div className="overflow-x-auto rounded-lg border border-red-200">
          <table className="w-full text-left text-sm" aria-label="Rows with problems">
            <caption className="bg-red-50 px-3 py-2 text-left font-semibold text-red-900">
              {result.errors.length} problem{result.errors.length === 1 ? "" : "s"}: these rows are left out
            </caption>
            <thead className="bg-slate-50 text-slate-700">
              <tr>
                <th scope="col" className="px-3 py-1.5 font-semibold">
                  Row
                </th>
                <th scope="col" className="px-3 py-1.5 font-semibold">
                  Column
                </th>
                <th scope="col" className="px-3 py-1.5 font-semibold">
                  Problem
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {result.errors.map((e, i) => (
                <tr key={i}>
                  <td className="px-3 py-1.5 font-mono">{e.row}</td>
                  <td className="px-3 py-1.5">{e.column}</td>
                  <td className="px-3 py-1.5">{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {result.preview.length > 0 && (
        <div className="overflow-x-auto rounded-lg border border-slate-200">
          <table className="w-full text-left text-sm" aria-label="Contacts to import">
            <caption className="bg-slate-50 px-3 py-2 text-left font-semibold text-slate-900">
              {result.dryRun ? "As they will be saved" : "Saved"}
              {result.valid > result.preview.length ? ` (the first ${result.preview.length} of ${result.valid})` : ""}
            </caption>
            <thead className="bg-slate-50 text-slate-700">
              <tr>
                {["Row", "Phone", "Name", "Time zone", "Variables", "Consent source"].map((h) => (
                  <th key={h} scope="col" className="px-3 py-1.5 font-semibold">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {result.preview.map((p) => (
                <tr key={p.row}>
                  <td className="px-3 py-1.5 font-mono">{p.row}</td>
                  <td className="px-3 py-1.5 font-mono">{p.phone}</td>
                  <td className="px-3 py-1.5">{p.name}</td>
                  <td className="px-3 py-1.5">{p.timezone}</td>
                  <td className="px-3 py-1.5 text-xs">
                    {Object.entries(p.variables)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(", ")}
                  </td>
                  <td className="px-3 py-1.5">{p.consentSource}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/**
 * Contacts from a CSV (a file or pasted text): map its columns, check every row with the API's dry run
 * (the problems by row and column), then save the rows without a problem.
 */
export function ContactsUpload({ campaignId, usesVariables }: { campaignId: string; usesVariables: string[] }) {
  const qc = useQueryClient();
  const [csv, setCsv] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [mapping, setMapping] = useState<Mapping>({ phone: "", name: "", timezone: "", consent: "", consentSource: "" });
  const [consentSource, setConsentSource] = useState("");
  const [checked, setChecked] = useState<ImportContactsResult | null>(null);
  const [saved, setSaved] = useState<ImportContactsResult | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const header = useMemo(() => csvHeader(csv), [csv]);

  const reset = () => {
    setChecked(null);
    setSaved(null);
  };
  const loadText = (text: string) => {
    setCsv(text);
    const h = csvHeader(text);
    setMapping(guessMapping(h));
    reset();
  };
  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    setReadError(null);
    if (!file) return;
    if (file.size > 3 * 1024 * 1024) return setReadError("The file is over 3 MB: split it into several uploads.");
    setFileName(file.name);
    loadText(await file.text());
  };

  const send = useMutation({
    mutationFn: async (dryRun: boolean) => {
      const body = {
        csv,
        mapping: Object.fromEntries(Object.entries(mapping).filter(([, v]) => v !== "")),
        ...(consentSource.trim() ? { consentSource: consentSource.trim() } : {}),
      };
      return importContactsResultSchema.parse(await api(`/v1/campaigns/${campaignId}/contacts${dryRun ? "?dryRun=true" : ""}`, { body }));
    },
    onSuccess: (result) => {
      if (result.dryRun) return setChecked(result);
      setChecked(null);
      setSaved(result);
      setCsv("");
      setFileName(null);
      void qc.invalidateQueries({ queryKey: [...campaignsKey, "contacts", campaignId] });
      void qc.invalidateQueries({ queryKey: [...campaignsKey, "progress", campaignId] });
    },
  });

  const variables = header.filter((h) => !Object.values(mapping).some((m) => m !== "" && m.toLowerCase() === h.toLowerCase()));
  const tooLong = csv.length > MAX_CSV_CHARS;
  const needsSource = !mapping.consentSource && !consentSource.trim();
  const columnOptions = (required?: boolean) => [
    { value: "", label: required ? "Choose a column" : "Not mapped" },
    ...header.map((h) => ({ value: h, label: h })),
  ];

  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor="contacts-file" className="block text-sm font-medium text-slate-800">
            CSV file
          </label>
          <input id="contacts-file" type="file" accept=".csv,text/csv" onChange={(e) => void onFile(e)} className="block w-full text-sm" />
          <p className="text-xs text-slate-600">A header row, then one contact per row. At most 10,000 rows.</p>
          {readError && <p className="text-sm text-red-700">{readError}</p>}
        </div>
        <TextArea
          label="Or paste CSV"
          rows={4}
          value={csv}
          onChange={(e) => {
            setFileName(null);
            loadText(e.target.value);
          }}
          placeholder={"phone,name,consent,plan\n+12125550101,Ann,yes,gold"}
          className="block w-full rounded-lg border border-slate-400 bg-white px-3 py-2 font-mono text-xs text-slate-900"
        />
      </div>
      {fileName && <p className="text-sm text-slate-600">Loaded {fileName}.</p>}
      {tooLong && <p className="text-sm text-red-700">The text is over 2,000,000 characters: split it into several uploads.</p>}

      {header.length > 0 && (
        <section aria-label="Column mapping" className="space-y-3 rounded-lg border border-slate-200 p-4">
          <h3 className="text-sm font-semibold text-slate-900">Columns</h3>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {FIELDS.map((f) => (
              <Select
                key={f.key}
                label={f.label}
                hint={f.hint}
                value={mapping[f.key]}
                onChange={(e) => {
                  setMapping({ ...mapping, [f.key]: e.target.value });
                  reset();
                }}
                options={columnOptions(f.required)}
              />
            ))}
            <TextInput
              label={mapping.consentSource ? "Consent source when the column is empty" : "Consent source of every row"}
              value={consentSource}
              onChange={(e) => {
                setConsentSource(e.target.value);
                reset();
              }}
              placeholder="web form 2026-11"
              hint={needsSource ? "Needed: no consent source column is mapped." : "Optional."}
            />
          </div>
          <p className="text-sm text-slate-700" data-testid="variable-columns">
            {variables.length === 0 ? (
              "No other columns."
            ) : (
              <>
                Other columns become variables:{" "}
                {variables.map((h) => (
                  <code key={h} className="mr-1.5 rounded bg-slate-100 px-1 text-xs">
                    {`{{${variableNameOf(h) ?? h}}}`}
                  </code>
                ))}
              </>
            )}
          </p>
          {usesVariables.length > 0 && (
            <p className="text-xs text-slate-600">
              The opening or voicemail message uses {usesVariables.map((v) => `{{${v}}}`).join(", ")}: every row needs a value for it.
            </p>
          )}
        </section>
      )}

      <div className="flex flex-wrap items-center gap-2">
        <Button
          type="button"
          variant="secondary"
          disabled={!csv.trim() || tooLong || !mapping.phone}
          busy={send.isPending && send.variables}
          onClick={() => send.mutate(true)}
        >
          Check rows
        </Button>
        {checked && (
          <Button type="button" disabled={checked.valid === 0} busy={send.isPending && !send.variables} onClick={() => send.mutate(false)}>
            Save {checked.valid} contact{checked.valid === 1 ? "" : "s"}
          </Button>
        )}
      </div>
      <ErrorBanner error={send.error} />
      {checked && (
        <div className="space-y-3">
          <p role="status" className="text-sm" data-testid="check-summary">
            {checked.rows} row{checked.rows === 1 ? "" : "s"} read: <Badge tone="green">{checked.valid} ready</Badge>{" "}
            {checked.rows > checked.valid && <Badge tone="red">{checked.rows - checked.valid} left out</Badge>}
          </p>
          <ResultTables result={checked} />
        </div>
      )}
      {saved && (
        <p role="status" className="rounded-lg border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-900" data-testid="import-done">
          Saved {saved.imported} contact{saved.imported === 1 ? "" : "s"}
          {saved.errors.length > 0 ? `; ${saved.errors.length} row problem${saved.errors.length === 1 ? "" : "s"} left out.` : "."}
        </p>
      )}
    </div>
  );
}
