import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { Link } from "react-router";
import { createCampaignBodySchema, outboundCampaignSchema, QUIET_HOURS, REMINDER_OPENING, type CampaignDto } from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { validate, type FieldErrors } from "../../lib/forms.ts";
import { useAgents, usePhoneNumbers } from "../../lib/queries.ts";
import { Button, ErrorBanner, Select, TextArea, TextInput } from "../ui.tsx";
import { campaignsKey, ISO_DAYS } from "./campaigns-api.ts";

interface Draft {
  name: string;
  agentId: string;
  fromNumber: string;
  type: CampaignDto["type"];
  opening: string;
  start: string;
  end: string;
  days: number[];
  allowOutsideQuietHours: boolean;
  maxConcurrent: string;
  maxAttempts: string;
  backoffMinutes: string;
  machineDetection: CampaignDto["machineDetection"];
  voicemailMessage: string;
}

const draftOf = (c: CampaignDto | undefined): Draft => ({
  name: c?.name ?? "",
  agentId: c?.agentId ?? "",
  fromNumber: c?.fromNumber ?? "",
  type: c?.type ?? "standard",
  opening: c?.opening ?? "",
  start: c?.window.start ?? "09:00",
  end: c?.window.end ?? "20:00",
  days: c?.window.days ?? [1, 2, 3, 4, 5],
  allowOutsideQuietHours: c?.allowOutsideQuietHours ?? false,
  maxConcurrent: String(c?.maxConcurrent ?? 5),
  maxAttempts: String(c?.retry.maxAttempts ?? 3),
  backoffMinutes: String(c?.retry.backoffMinutes ?? 60),
  machineDetection: c?.machineDetection ?? "hangup",
  voicemailMessage: c?.voicemailMessage ?? "",
});

/** A number field's value as the API wants it: a number when it reads as one, else the text (so the schema names the field). */
const num = (s: string) => (s.trim() !== "" && Number.isFinite(Number(s)) ? Number(s) : s);

const bodyOf = (d: Draft) => ({
  name: d.name,
  agentId: d.agentId,
  fromNumber: d.fromNumber,
  type: d.type,
  window: { start: d.start, end: d.end, days: d.days },
  allowOutsideQuietHours: d.allowOutsideQuietHours,
  maxConcurrent: num(d.maxConcurrent),
  retry: { maxAttempts: num(d.maxAttempts), backoffMinutes: num(d.backoffMinutes) },
  machineDetection: d.machineDetection,
  voicemailMessage: d.voicemailMessage.trim() || null,
  opening: d.opening.trim() || null,
});

/** The fields this form shows an error next to (the API's 422 paths, without "body."). */
const SHOWN = new Set([
  "name",
  "agentId",
  "fromNumber",
  "type",
  "opening",
  "window",
  "window.start",
  "window.end",
  "window.days",
  "maxConcurrent",
  "retry.maxAttempts",
  "retry.backoffMinutes",
  "machineDetection",
  "voicemailMessage",
]);

function Group({ legend, error, children }: { legend: string; error?: string; children: ReactNode }) {
  return (
    <fieldset className="space-y-3 rounded-lg border border-slate-200 p-4">
      <legend className="px-1 text-sm font-semibold text-slate-900">{legend}</legend>
      {children}
      {error && <p className="text-sm text-red-700">{error}</p>}
    </fieldset>
  );
}

/**
 * Create a campaign (draft) or change one's settings. Validated with the API's own schema first (the
 * quiet hours, a voicemail message when leaving voicemail), then the API's 422 names any other field.
 */
export function CampaignForm({ campaign, readOnly = false, onSaved }: { campaign?: CampaignDto; readOnly?: boolean; onSaved: (c: CampaignDto) => void }) {
  const qc = useQueryClient();
  const agents = useAgents();
  const numbers = usePhoneNumbers();
  const [d, setD] = useState<Draft>(() => draftOf(campaign));
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (patch: Partial<Draft>) => setD((prev) => ({ ...prev, ...patch }));
  const editing = campaign !== undefined;

  const save = useMutation({
    mutationFn: async (body: Record<string, unknown>) =>
      outboundCampaignSchema.parse(
        editing ? await api(`/v1/campaigns/${campaign.id}`, { method: "PATCH", body }) : await api("/v1/campaigns", { method: "POST", body }),
      ),
    onSuccess: (saved) => {
      qc.setQueryData([...campaignsKey, "one", saved.id], saved);
      void qc.invalidateQueries({ queryKey: [...campaignsKey, "list"] });
      onSaved(saved);
    },
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const v = validate(createCampaignBodySchema, bodyOf(d));
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    const { type, ...patch } = v.data;
    save.mutate(editing ? patch : { type, ...patch });
  };

  const agentList = agents.data?.data ?? [];
  const numberList = numbers.data?.data ?? [];
  // A number the campaign names but the workspace no longer has is still shown, so the form says what is stored.
  const numberOptions = numberList.map((n) => ({ value: n.number, label: n.label ? `${n.number} · ${n.label}` : n.number }));
  if (d.fromNumber && !numberList.some((n) => n.number === d.fromNumber))
    numberOptions.unshift({ value: d.fromNumber, label: `${d.fromNumber} (not connected)` });
  // A 422 whose every field is shown next to its control needs no banner; anything else does.
  const apiError =
    save.error instanceof ApiError && Object.keys(save.error.fieldErrors()).length > 0 && Object.keys(save.error.fieldErrors()).every((k) => SHOWN.has(k))
      ? null
      : save.error;
  const windowError = errors.window ?? errors["window.start"] ?? errors["window.end"] ?? errors["window.days"];

  return (
    <form onSubmit={onSubmit} noValidate aria-label={editing ? "Campaign settings" : "New campaign"}>
      {!editing && numbers.data && numberList.length === 0 && (
        <p role="note" className="mb-4 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          A campaign calls from one of the workspace’s numbers, and it has none yet.{" "}
          <Link to="/dashboard/phone-numbers" className="font-semibold underline">
            Connect a phone number
          </Link>
        </p>
      )}
      <fieldset disabled={readOnly} className="space-y-4">
        <TextInput label="Name" value={d.name} onChange={(e) => set({ name: e.target.value })} error={errors.name} placeholder="Spring check-ups" />
        <div className="grid gap-4 sm:grid-cols-2">
          <Select
            label="Agent"
            value={d.agentId}
            onChange={(e) => set({ agentId: e.target.value })}
            error={errors.agentId}
            hint="It must be published before the campaign starts."
            options={[
              { value: "", label: "Choose an agent" },
              ...agentList.map((a) => ({ value: a.id, label: a.status === "published" ? a.name : `${a.name} (draft)` })),
            ]}
          />
          <Select
            label="Call from"
            value={d.fromNumber}
            onChange={(e) => set({ fromNumber: e.target.value })}
            error={errors.fromNumber}
            hint="The caller id: one of the workspace’s numbers."
            options={[{ value: "", label: "Choose a number" }, ...numberOptions]}
          />
        </div>
        <Select
          label="Type"
          value={d.type}
          disabled={editing}
          onChange={(e) => set({ type: e.target.value as Draft["type"] })}
          error={errors.type}
          hint={
            d.type === "appointment_reminder"
              ? "On start, tomorrow’s booked appointments become the contacts; the callee can confirm, reschedule or cancel."
              : "You upload the contacts."
          }
          options={[
            { value: "standard", label: "Standard (upload contacts)" },
            { value: "appointment_reminder", label: "Appointment reminder (tomorrow’s appointments)" },
          ]}
        />
        <TextArea
          label="Opening (optional)"
          rows={3}
          value={d.opening}
          onChange={(e) => set({ opening: e.target.value })}
          error={errors.opening}
          placeholder={d.type === "appointment_reminder" ? REMINDER_OPENING : "Hi {{name}}, this is {{business}} about your {{plan}} plan."}
          hint={
            d.type === "appointment_reminder"
              ? "Placeholders: {{name}}, {{service}}, {{time}}, {{date}}, {{business}}, {{agent}}. Empty: the text shown."
              : "What the agent says first. Placeholders: {{name}}, {{business}}, {{agent}} and any column of your upload, like {{plan}}. Empty: the agent’s own greeting."
          }
        />
        <Group legend="Calling window" error={windowError}>
          <p className="text-xs text-slate-600">In each contact’s own time zone. Calls start at or after the start and before the end.</p>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextInput label="From" type="time" value={d.start} onChange={(e) => set({ start: e.target.value })} />
            <TextInput label="Until" type="time" value={d.end} onChange={(e) => set({ end: e.target.value })} />
          </div>
          <div role="group" aria-label="Days" className="flex flex-wrap gap-3 text-sm">
            {ISO_DAYS.map(([day, label]) => (
              <label key={day} className="inline-flex items-center gap-1.5">
                <input
                  type="checkbox"
                  checked={d.days.includes(day)}
                  onChange={(e) => set({ days: e.target.checked ? [...d.days, day].sort() : d.days.filter((x) => x !== day) })}
                />
                {label}
              </label>
            ))}
          </div>
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" className="mt-0.5" checked={d.allowOutsideQuietHours} onChange={(e) => set({ allowOutsideQuietHours: e.target.checked })} />
            <span>
              Allow calls outside {QUIET_HOURS.notBefore}–{QUIET_HOURS.notAfter} local time{" "}
              <span className="text-slate-600">(you answer for the rules that apply to you, such as the TCPA)</span>
            </span>
          </label>
        </Group>
        <Group legend="Pace and retries">
          <div className="grid gap-4 sm:grid-cols-3">
            <TextInput
              label="Calls at once"
              type="number"
              min={1}
              max={100}
              value={d.maxConcurrent}
              onChange={(e) => set({ maxConcurrent: e.target.value })}
              error={errors.maxConcurrent}
            />
            <TextInput
              label="Attempts per contact"
              type="number"
              min={1}
              max={10}
              value={d.maxAttempts}
              onChange={(e) => set({ maxAttempts: e.target.value })}
              error={errors["retry.maxAttempts"]}
              hint="No answer, busy, failed: tried again."
            />
            <TextInput
              label="First retry after (minutes)"
              type="number"
              min={1}
              max={10080}
              value={d.backoffMinutes}
              onChange={(e) => set({ backoffMinutes: e.target.value })}
              error={errors["retry.backoffMinutes"]}
              hint="Doubled for each further attempt."
            />
          </div>
        </Group>
        <Group legend="Answering machines">
          <Select
            label="When a machine answers"
            value={d.machineDetection}
            onChange={(e) => set({ machineDetection: e.target.value as Draft["machineDetection"] })}
            error={errors.machineDetection}
            options={[
              { value: "hangup", label: "Hang up (and try again later)" },
              { value: "voicemail", label: "Leave a voicemail message" },
              { value: "off", label: "No detection (the agent talks)" },
            ]}
          />
          {(d.machineDetection === "voicemail" || d.voicemailMessage) && (
            <TextArea
              label="Voicemail message"
              rows={3}
              value={d.voicemailMessage}
              onChange={(e) => set({ voicemailMessage: e.target.value })}
              error={errors.voicemailMessage}
              hint="Placeholders allowed, like {{name}}."
            />
          )}
        </Group>
        <ErrorBanner error={apiError} />
        {!readOnly && (
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" busy={save.isPending}>
              {editing ? "Save settings" : "Create campaign"}
            </Button>
            {editing && save.isSuccess && (
              <span role="status" className="text-sm text-green-800">
                Settings saved.
              </span>
            )}
          </div>
        )}
      </fieldset>
    </form>
  );
}
