import { useState } from "react";
import { ApiError } from "../../lib/api.ts";
import { Button, Card, ErrorBanner, PageHeader, Select, Spinner, TextInput } from "../ui.tsx";
import { useAdminChange, usePrograms, type CommissionRule, type ReferralProgramDto } from "./admin-data.ts";

interface Draft {
  name: string;
  active: boolean;
  holdDays: string;
  type: CommissionRule["type"];
  percent: string;
  months: string;
  activationUsd: string;
  conversionUsd: string;
}

const draftOf = (p: ReferralProgramDto): Draft => ({
  name: p.name,
  active: p.active,
  holdDays: String(p.holdDays),
  type: p.rule.type,
  percent: p.rule.type === "percent" ? String(p.rule.percent) : "20",
  months: p.rule.type === "percent" ? String(p.rule.months) : "12",
  activationUsd: p.rule.type === "fixed" ? String(p.rule.activationUsd) : "0",
  conversionUsd: p.rule.type === "fixed" ? String(p.rule.conversionUsd) : "0",
});

/** The request body: numbers as typed (the API says which one is out of range). */
const bodyOf = (d: Draft) => ({
  name: d.name,
  active: d.active,
  holdDays: Number(d.holdDays),
  rule:
    d.type === "percent"
      ? { type: "percent" as const, percent: Number(d.percent), months: Number(d.months) }
      : { type: "fixed" as const, activationUsd: Number(d.activationUsd), conversionUsd: Number(d.conversionUsd) },
});

function ProgramEditor({ program }: { program: ReferralProgramDto }) {
  const [draft, setDraft] = useState(() => draftOf(program));
  const [saved, setSaved] = useState(false);
  const save = useAdminChange((d: Draft) => ({ path: `/v1/admin/referrals/programs/${program.id}`, method: "PUT", body: bodyOf(d) }));
  const errors = save.error instanceof ApiError ? save.error.fieldErrors() : {};
  const set = (patch: Partial<Draft>) => {
    setSaved(false);
    setDraft({ ...draft, ...patch });
  };
  return (
    <Card title={`${program.name} (${program.audience === "users" ? "customers" : "affiliates"})`}>
      <form
        className="grid gap-4 sm:grid-cols-2"
        aria-label={`Edit ${program.name}`}
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(draft, { onSuccess: () => setSaved(true) });
        }}
      >
        <TextInput label="Name" value={draft.name} onChange={(e) => set({ name: e.target.value })} error={errors.name} />
        <TextInput
          label="Hold period (days)"
          type="number"
          min={0}
          max={365}
          value={draft.holdDays}
          onChange={(e) => set({ holdDays: e.target.value })}
          error={errors.holdDays}
          hint="Commissions wait this long for refunds and chargebacks before they are approved."
        />
        <Select
          label="Commission rule"
          value={draft.type}
          onChange={(e) => set({ type: e.target.value as Draft["type"] })}
          options={[
            { value: "percent", label: "A share of paid invoices" },
            { value: "fixed", label: "Fixed amounts per activation and first payment" },
          ]}
        />
        {draft.type === "percent" ? (
          <div className="grid grid-cols-2 gap-3">
            <TextInput
              label="Percent"
              type="number"
              step="0.1"
              value={draft.percent}
              onChange={(e) => set({ percent: e.target.value })}
              error={errors["rule.percent"]}
            />
            <TextInput label="For months" type="number" value={draft.months} onChange={(e) => set({ months: e.target.value })} error={errors["rule.months"]} />
          </div>
        ) : (
          <div className="grid grid-cols-2 gap-3">
            <TextInput
              label="Per activation (USD)"
              type="number"
              step="0.01"
              value={draft.activationUsd}
              onChange={(e) => set({ activationUsd: e.target.value })}
              error={errors["rule.activationUsd"]}
            />
            <TextInput
              label="Per first payment (USD)"
              type="number"
              step="0.01"
              value={draft.conversionUsd}
              onChange={(e) => set({ conversionUsd: e.target.value })}
              error={errors["rule.conversionUsd"]}
            />
          </div>
        )}
        <label className="flex items-center gap-2 text-sm text-slate-800">
          <input type="checkbox" checked={draft.active} onChange={(e) => set({ active: e.target.checked })} /> Active
        </label>
        <div className="flex items-center gap-3 sm:col-span-2">
          <Button type="submit" busy={save.isPending}>
            Save
          </Button>
          {saved && (
            <span role="status" className="text-sm text-emerald-800">
              Saved
            </span>
          )}
        </div>
        <div className="sm:col-span-2">
          <ErrorBanner error={save.error} />
        </div>
      </form>
    </Card>
  );
}

export function Programs() {
  const programs = usePrograms();
  return (
    <>
      <PageHeader title="Programmes" subtitle="How each referral programme pays. Changes apply to commissions earned from now on." />
      {programs.isPending ? (
        <Spinner label="Loading programmes" />
      ) : programs.error ? (
        <ErrorBanner error={programs.error} />
      ) : (
        <div className="grid gap-6 lg:grid-cols-2">
          {programs.data.data.map((p) => (
            <ProgramEditor key={p.id} program={p} />
          ))}
        </div>
      )}
    </>
  );
}
