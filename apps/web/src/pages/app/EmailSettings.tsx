import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { NotificationPreferences } from "@orbis/contracts";
import { api } from "../../lib/api.ts";
import { useMe } from "../../lib/session.tsx";
import { Button, Card, ErrorBanner, Spinner } from "../../components/ui.tsx";

const KINDS: { key: keyof NotificationPreferences; label: string; hint: string }[] = [
  { key: "messageTaken", label: "Messages taken", hint: "An email when your receptionist takes a message (owners and admins)." },
  { key: "appointments", label: "Appointments", hint: "An email when an appointment is booked or cancelled (owners and admins)." },
  { key: "dailySummary", label: "Daily summary", hint: "Every morning: yesterday's calls, bookings and messages." },
  { key: "webhookAlerts", label: "Webhook alerts", hint: "An email when a webhook endpoint is switched off after failing (owners)." },
];

const PREFS_KEY = ["notification-preferences"];

/** Which optional emails the signed-in user receives (the account page). */
export function NotificationPreferencesCard() {
  const qc = useQueryClient();
  const prefs = useQuery({ queryKey: PREFS_KEY, queryFn: () => api<NotificationPreferences>("/v1/me/notification-preferences") });
  // What the user just ticked, shown at once while it is saved (a controlled checkbox would otherwise stay as it was until
  // the server answers); dropped when the save is done, so the stored preferences (or, after a failure, the old ones) show.
  const [ticked, setTicked] = useState<Partial<NotificationPreferences>>({});
  const untick = (patch: Partial<NotificationPreferences>) =>
    setTicked((t) => Object.fromEntries(Object.entries(t).filter(([k]) => !(k in patch))) as Partial<NotificationPreferences>);
  const save = useMutation({
    mutationFn: (patch: Partial<NotificationPreferences>) => api<NotificationPreferences>("/v1/me/notification-preferences", { method: "PUT", body: patch }),
    onSuccess: (data) => qc.setQueryData(PREFS_KEY, data),
    onSettled: (_data, _err, patch) => untick(patch),
  });
  const toggle = (key: keyof NotificationPreferences, on: boolean) => {
    setTicked((t) => ({ ...t, [key]: on }));
    save.mutate({ [key]: on });
  };
  return (
    <Card title="Email notifications">
      {prefs.data ? (
        <fieldset className="space-y-3" disabled={save.isPending}>
          <legend className="sr-only">Optional emails</legend>
          {KINDS.map((k) => (
            <label key={k.key} className="flex items-start gap-3 text-sm">
              <input type="checkbox" className="mt-1" checked={ticked[k.key] ?? prefs.data[k.key]} onChange={(e) => toggle(k.key, e.currentTarget.checked)} />
              <span>
                <span className="font-medium text-slate-900">{k.label}</span>
                <span className="block text-slate-600">{k.hint}</span>
              </span>
            </label>
          ))}
          <p className="text-xs text-slate-600">Password resets, address verification and invitations are always sent.</p>
        </fieldset>
      ) : (
        <>
          <ErrorBanner error={prefs.error} />
          {prefs.isPending && <Spinner />}
        </>
      )}
      <ErrorBanner error={save.error} />
    </Card>
  );
}

/** Across the dashboard while the user's address is unverified, with "resend". */
export function VerifyEmailBanner() {
  const me = useMe().data;
  const resend = useMutation({ mutationFn: () => api("/v1/auth/resend-verification", { method: "POST", body: {} }) });
  if (!me || me.emailVerified !== false) return null;
  return (
    <div
      role="status"
      className="mb-6 flex flex-wrap items-center justify-between gap-3 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
    >
      <span>
        Please verify your email address: we sent a link to <strong>{me.user.email}</strong>.{resend.isSuccess && " A new link is on its way."}
      </span>
      <span className="flex items-center gap-2">
        {resend.error instanceof Error && <span className="text-red-800">{resend.error.message}</span>}
        <Button variant="secondary" busy={resend.isPending} disabled={resend.isSuccess} onClick={() => resend.mutate()}>
          Email me a new link
        </Button>
      </span>
    </div>
  );
}
