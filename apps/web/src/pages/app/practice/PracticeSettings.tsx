import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { practicePriceListSchema, practicePriceSchema, practiceSettingsSchema } from "@orbis/contracts";
import { api, ApiError } from "../../../lib/api.ts";
import { formatDateTime, useWorkspaceZone } from "../../../lib/time.ts";
import { Button, Card, EmptyState, ErrorBanner, Spinner, TextInput } from "../../../components/ui.tsx";
import { PracticeShell } from "../../../components/practice/PracticeShell.tsx";
import { useIsManager } from "../../../components/practice/practice-api.ts";

const SETTINGS_KEY = ["practice", "settings"];
const PRICES_KEY = ["practice", "prices"];
const fieldError = (error: unknown, field: string) => (error instanceof ApiError ? error.fieldErrors()[field] : undefined);
const form = (e: FormEvent<HTMLFormElement>) => new FormData(e.currentTarget);

function RecordingAndRetention({ canEdit }: { canEdit: boolean }) {
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: SETTINGS_KEY, queryFn: async () => practiceSettingsSchema.parse(await api("/v1/practice/settings")) });
  const save = useMutation({
    mutationFn: async (body: { recordSessions: boolean; transcriptRetentionDays: number }) =>
      practiceSettingsSchema.parse(await api("/v1/practice/settings", { method: "PATCH", body })),
    onSuccess: (data) => qc.setQueryData(SETTINGS_KEY, data),
  });
  if (settings.isPending) return <Spinner label="Loading the settings" />;
  if (settings.error) return <ErrorBanner error={settings.error} />;
  return (
    <Card title="Recording and retention">
      <form
        className="space-y-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          const f = form(e);
          save.mutate({ recordSessions: f.get("recordSessions") === "on", transcriptRetentionDays: Number(f.get("transcriptRetentionDays")) });
        }}
      >
        <label className="flex items-center gap-2 text-slate-800">
          <input type="checkbox" name="recordSessions" defaultChecked={settings.data.recordSessions} disabled={!canEdit} /> Record practice sessions
        </label>
        <p className="text-slate-600">
          Reps can play their sessions back in the report. Only the rep and the workspace&apos;s owners and admins can listen. Applies to sessions started from
          now.
        </p>
        <TextInput
          label="Keep practice transcripts and recordings for (days)"
          name="transcriptRetentionDays"
          type="number"
          min={1}
          max={3650}
          required
          defaultValue={settings.data.transcriptRetentionDays}
          disabled={!canEdit}
          error={fieldError(save.error, "transcriptRetentionDays")}
          hint="Deleted every night after this; the sessions' scores and costs stay. 365 is one year."
        />
        {canEdit && (
          <Button type="submit" busy={save.isPending}>
            Save
          </Button>
        )}
        {save.isSuccess && <p role="status">Saved.</p>}
        {!(save.error instanceof ApiError && save.error.status === 422) && <ErrorBanner error={save.error} />}
      </form>
    </Card>
  );
}

function PricePerMinute() {
  const qc = useQueryClient();
  const zone = useWorkspaceZone();
  const prices = useQuery({ queryKey: PRICES_KEY, queryFn: async () => practicePriceListSchema.parse(await api("/v1/practice/prices")).data });
  const add = useMutation({
    mutationFn: async (body: { pricePerMinuteUsd: number; effectiveFrom?: string }) =>
      practicePriceSchema.parse(await api("/v1/practice/prices", { method: "POST", body })),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: PRICES_KEY }), qc.invalidateQueries({ queryKey: SETTINGS_KEY })]),
  });
  const now = Date.now();
  return (
    <Card title="Price per minute">
      <div className="space-y-4 text-sm">
        <p className="text-slate-600">
          Each session is charged its minutes at the price in force when it started. A new price applies from now or a later time; sessions already started keep
          theirs.
        </p>
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            const f = form(e);
            const from = String(f.get("effectiveFrom") ?? "");
            add.mutate({ pricePerMinuteUsd: Number(f.get("pricePerMinuteUsd")), ...(from ? { effectiveFrom: new Date(from).toISOString() } : {}) });
          }}
        >
          <TextInput
            label="Price per minute (USD)"
            name="pricePerMinuteUsd"
            type="number"
            min={0}
            max={1000}
            step="0.0001"
            required
            error={fieldError(add.error, "pricePerMinuteUsd")}
          />
          <TextInput label="From (empty: now)" name="effectiveFrom" type="datetime-local" error={fieldError(add.error, "effectiveFrom")} />
          <Button type="submit" busy={add.isPending}>
            Set price
          </Button>
        </form>
        {!(add.error instanceof ApiError && add.error.status === 422) && <ErrorBanner error={add.error} />}
        {prices.isPending ? (
          <Spinner />
        ) : prices.error ? (
          <ErrorBanner error={prices.error} />
        ) : prices.data.length === 0 ? (
          <EmptyState title="No price set">Sessions are not charged.</EmptyState>
        ) : (
          <table className="w-full text-left" aria-label="Price history">
            <thead className="text-xs text-slate-600">
              <tr>
                <th className="py-2 pr-3 font-medium">Price per minute</th>
                <th className="py-2 pr-3 font-medium">From</th>
                <th className="py-2 font-medium" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {prices.data.map((p, i) => {
                const from = Date.parse(p.effectiveFrom);
                const current = from <= now && prices.data.slice(0, i).every((q) => Date.parse(q.effectiveFrom) > now);
                return (
                  <tr key={p.id}>
                    <td className="py-2 pr-3">${p.pricePerMinuteUsd.toFixed(4)}</td>
                    <td className="py-2 pr-3">{formatDateTime(p.effectiveFrom, zone)}</td>
                    <td className="py-2 text-xs text-slate-600">{from > now ? "scheduled" : current ? "in force" : ""}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
    </Card>
  );
}

/** `/dashboard/practice/settings` (owners and admins): recording, how long transcripts are kept, the price per minute and its history. */
export function PracticeSettings() {
  const manager = useIsManager();
  return (
    <PracticeShell title="Practice settings" subtitle="Recording, retention and the price per minute of sales practice.">
      {!manager ? (
        <ErrorBanner error="Only owners and admins can change the practice settings." />
      ) : (
        <div className="space-y-6">
          <RecordingAndRetention canEdit={manager} />
          <PricePerMinute />
        </div>
      )}
    </PracticeShell>
  );
}
