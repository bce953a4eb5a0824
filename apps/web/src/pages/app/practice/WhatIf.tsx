import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { whatIfInputSchema, whatIfProjectionSchema, whatIfScenarioSchema, type WhatIfInput } from "@orbis/contracts";
import { api } from "../../../lib/api.ts";
import type { FieldErrors } from "../../../lib/forms.ts";
import { formatDateTime, useWorkspaceZone } from "../../../lib/time.ts";
import { Button, Card, EmptyState, ErrorBanner, Spinner, TextInput } from "../../../components/ui.tsx";
import { PracticeShell } from "../../../components/practice/PracticeShell.tsx";
import { fieldErrorsOf, usd, useWhatIfs, zodFieldErrors } from "../../../components/practice/practice-api.ts";

/** The form's values as typed; rates are percentages here and fractions in the API. */
interface Draft {
  name: string;
  callsPerDay: string;
  workingDaysPerMonth: string;
  connectRate: string;
  meetingRate: string;
  closeRate: string;
  dealSizeUsd: string;
}

const RATES = ["connectRate", "meetingRate", "closeRate"] as const;
const INPUT_LABEL: Record<string, string> = {
  callsPerDay: "Calls per day",
  workingDaysPerMonth: "Working days per month",
  connectRate: "Connect rate",
  meetingRate: "Meeting rate",
  closeRate: "Close rate",
  dealSizeUsd: "Deal size",
};

const START: Draft = {
  name: "My pipeline",
  callsPerDay: "50",
  workingDaysPerMonth: "21",
  connectRate: "10",
  meetingRate: "20",
  closeRate: "25",
  dealSizeUsd: "5000",
};

const num = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));
const inputOf = (d: Draft) => ({
  name: d.name,
  callsPerDay: num(d.callsPerDay),
  workingDaysPerMonth: num(d.workingDaysPerMonth),
  connectRate: num(d.connectRate) / 100,
  meetingRate: num(d.meetingRate) / 100,
  closeRate: num(d.closeRate) / 100,
  dealSizeUsd: num(d.dealSizeUsd),
});
const draftOf = (w: WhatIfInput): Draft => ({
  name: w.name,
  callsPerDay: String(w.callsPerDay),
  workingDaysPerMonth: String(w.workingDaysPerMonth),
  connectRate: String(Math.round(w.connectRate * 1000) / 10),
  meetingRate: String(Math.round(w.meetingRate * 1000) / 10),
  closeRate: String(Math.round(w.closeRate * 1000) / 10),
  dealSizeUsd: String(w.dealSizeUsd),
});

/** The value settles `ms` after the last change (the projection follows typing without a request per key). */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

const round1 = (n: number) => (Math.round(n * 10) / 10).toLocaleString("en-US");

/** `/dashboard/practice/what-if`: what your pipeline numbers project to per month, and which lever is worth the most. */
export function WhatIf() {
  const qc = useQueryClient();
  const zone = useWorkspaceZone();
  const saved = useWhatIfs();
  const [draft, setDraft] = useState<Draft>(START);
  const [errors, setErrors] = useState<FieldErrors>({});
  const parsed = whatIfInputSchema.safeParse(inputOf(draft));
  // Compared as text: the parsed object is a new one on every render.
  const settled = useSettled(parsed.success ? JSON.stringify(parsed.data) : "", 300);
  const projection = useQuery({
    queryKey: ["practice", "what-if", "project", settled],
    enabled: settled !== "",
    placeholderData: keepPreviousData,
    queryFn: async () => whatIfProjectionSchema.parse(await api("/v1/practice/what-if/project", { method: "POST", body: JSON.parse(settled) })),
  });
  const save = useMutation({
    mutationFn: async (body: unknown) => whatIfScenarioSchema.parse(await api("/v1/practice/what-if", { method: "POST", body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["practice", "what-if"] }),
    onError: (err) => setErrors(fieldErrorsOf(err)),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/v1/practice/what-if/${id}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["practice", "what-if"] }),
  });

  const localErrors = parsed.success ? {} : zodFieldErrors(parsed.error.issues);
  const shown = { ...errors, ...localErrors };
  const set = (key: keyof Draft, value: string) => {
    setDraft({ ...draft, [key]: value });
    setErrors({});
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (parsed.success) save.mutate(parsed.data);
  };
  const p = projection.data;
  const levers = p ? [...p.levers].sort((a, b) => b.gainUsd - a.gainUsd) : [];
  const field = (key: keyof Draft, label: string, extra: { hint?: string; max?: number; step?: string } = {}) => (
    <TextInput
      label={label}
      type="number"
      min={0}
      max={extra.max}
      step={extra.step ?? "any"}
      value={draft[key]}
      onChange={(e) => set(key, e.target.value)}
      error={shown[key]}
      hint={extra.hint}
    />
  );

  return (
    <PracticeShell title="What-if calculator" subtitle="Change one number and see what it does to meetings, deals and revenue each month.">
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Your numbers">
          <form onSubmit={submit} noValidate className="grid gap-3 sm:grid-cols-2">
            <div className="sm:col-span-2">
              <TextInput label="Name" value={draft.name} onChange={(e) => set("name", e.target.value)} error={shown.name} maxLength={80} />
            </div>
            {field("callsPerDay", "Calls per day")}
            {field("workingDaysPerMonth", "Working days per month", { max: 31 })}
            {RATES.map((r) => (
              <div key={r}>
                {field(r, `${INPUT_LABEL[r]} (%)`, {
                  max: 100,
                  hint: r === "connectRate" ? "Calls that reach someone" : r === "meetingRate" ? "Connects that book a meeting" : "Meetings that close",
                })}
              </div>
            ))}
            {field("dealSizeUsd", "Deal size (USD)")}
            <div className="flex items-center gap-3 sm:col-span-2">
              <Button type="submit" disabled={!parsed.success} busy={save.isPending}>
                Save scenario
              </Button>
              {save.isSuccess && (
                <p role="status" className="text-sm text-green-800">
                  Saved.
                </p>
              )}
            </div>
            {errors._ && (
              <div className="sm:col-span-2">
                <ErrorBanner error={errors._} />
              </div>
            )}
          </form>
        </Card>
        <Card title="Each month">
          <ErrorBanner error={projection.error} />
          {!p && projection.isFetching && <Spinner label="Projecting" />}
          {p && (
            <div aria-live="polite" className={projection.isFetching ? "opacity-70" : ""}>
              <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3">
                {(
                  [
                    ["Calls", round1(p.perMonth.calls), "projection-calls"],
                    ["Connects", round1(p.perMonth.connects), "projection-connects"],
                    ["Meetings", round1(p.perMonth.meetings), "projection-meetings"],
                    ["Deals", round1(p.perMonth.deals), "projection-deals"],
                    ["Revenue", usd(p.perMonth.revenueUsd), "projection-revenue"],
                  ] as const
                ).map(([label, value, testId]) => (
                  <div key={label} className="rounded-lg border border-slate-200 p-3">
                    <dt className="text-xs text-slate-600">{label}</dt>
                    <dd className="text-lg font-semibold text-slate-900" data-testid={testId}>
                      {value}
                    </dd>
                  </div>
                ))}
              </dl>
              <h3 className="mt-5 text-sm font-semibold text-slate-900">Best levers</h3>
              <p className="text-xs text-slate-600">Extra revenue per month if that number alone improved by 10 %.</p>
              <ol className="mt-2 space-y-1 text-sm" aria-label="Levers by gain">
                {levers.map((l) => (
                  <li key={l.input} className="flex justify-between gap-2">
                    <span>{INPUT_LABEL[l.input] ?? l.input}</span>
                    <span className="font-medium text-green-800">+{usd(l.gainUsd)}</span>
                  </li>
                ))}
              </ol>
            </div>
          )}
        </Card>
      </div>
      <Card title="Saved scenarios" className="mt-6">
        {saved.isPending && <Spinner label="Loading saved scenarios" />}
        <ErrorBanner error={saved.error ?? remove.error} />
        {saved.data && saved.data.length === 0 && <EmptyState title="Nothing saved yet" />}
        {saved.data && saved.data.length > 0 && (
          <ul className="divide-y divide-slate-100" aria-label="Saved scenarios">
            {saved.data.map((w) => (
              <li key={w.id} className="flex flex-wrap items-center gap-3 py-2 text-sm">
                <span className="font-medium text-slate-900">{w.name}</span>
                <span className="text-slate-700">{usd(w.projection.perMonth.revenueUsd)} a month</span>
                <span className="text-xs text-slate-600">{formatDateTime(w.createdAt, zone)}</span>
                <span className="ml-auto flex gap-2">
                  <Button variant="secondary" onClick={() => setDraft(draftOf(w))}>
                    Load<span className="sr-only"> {w.name}</span>
                  </Button>
                  <Button variant="ghost" onClick={() => remove.mutate(w.id)} busy={remove.isPending && remove.variables === w.id}>
                    Delete<span className="sr-only"> {w.name}</span>
                  </Button>
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </PracticeShell>
  );
}
