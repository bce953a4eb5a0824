import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { ACTIVITY_KINDS, activityInputSchema, activityListSchema, activitySchema } from "@orbis/contracts";
import { api } from "../../../lib/api.ts";
import type { FieldErrors } from "../../../lib/forms.ts";
import { queryString } from "../../../lib/queries.ts";
import { dayOf, formatDateTime, instantAt, isDay, useWorkspaceZone } from "../../../lib/time.ts";
import { Badge, Button, Card, EmptyState, ErrorBanner, Select, Spinner, TextInput } from "../../../components/ui.tsx";
import { PracticeShell } from "../../../components/practice/PracticeShell.tsx";
import { RepPicker } from "../../../components/practice/RepPicker.tsx";
import { ACTIVITY_KIND_LABEL, fieldErrorsOf, useIsManager, usd, zodFieldErrors } from "../../../components/practice/practice-api.ts";

/** Kinds a rep logs by hand; practice sessions are logged when a session ends. */
const MANUAL_KINDS = ACTIVITY_KINDS.filter((k) => k !== "practice_session");
const SOURCE_LABEL = { manual: "logged", api: "API", practice: "practice" } as const;

const nowHhmm = (zone: string) => new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone }).format(new Date());

function LogActivity() {
  const qc = useQueryClient();
  const zone = useWorkspaceZone();
  const [kind, setKind] = useState<(typeof MANUAL_KINDS)[number]>("call");
  const [amount, setAmount] = useState("");
  const [note, setNote] = useState("");
  const [day, setDay] = useState(() => dayOf(new Date(), zone));
  const [time, setTime] = useState(() => nowHhmm(zone));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [logged, setLogged] = useState(false);
  const create = useMutation({
    mutationFn: async (body: unknown) => activitySchema.parse(await api("/v1/practice/activities", { method: "POST", body })),
    onSuccess: async () => {
      setErrors({});
      setNote("");
      setAmount("");
      setLogged(true);
      await qc.invalidateQueries({ queryKey: ["practice"] });
    },
    onError: (err) => setErrors(fieldErrorsOf(err)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setLogged(false);
    if (!isDay(day) || !/^\d{2}:\d{2}$/.test(time)) return setErrors({ occurredAt: "Pick a date and a time" });
    const body = {
      kind,
      note,
      occurredAt: instantAt(day, zone, time).toISOString(),
      ...(kind === "deal_won" ? { amountUsd: amount.trim() === "" ? Number.NaN : Number(amount) } : {}),
    };
    const parsed = activityInputSchema.safeParse(body);
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error.issues));
    create.mutate(parsed.data);
  };
  return (
    <form onSubmit={submit} noValidate className="grid items-end gap-3 sm:grid-cols-2 lg:grid-cols-3">
      <Select
        label="Activity"
        value={kind}
        onChange={(e) => setKind(e.target.value as typeof kind)}
        options={MANUAL_KINDS.map((k) => ({ value: k, label: ACTIVITY_KIND_LABEL[k] }))}
        error={errors.kind}
      />
      {kind === "deal_won" && (
        <TextInput
          label="Deal value (USD)"
          type="number"
          min={0}
          step="any"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          error={errors.amountUsd}
        />
      )}
      <TextInput label="Date" type="date" value={day} onChange={(e) => setDay(e.target.value)} error={errors.occurredAt} />
      <TextInput label="Time" type="time" value={time} onChange={(e) => setTime(e.target.value)} />
      <div className="sm:col-span-2">
        <TextInput label="Note" value={note} onChange={(e) => setNote(e.target.value)} error={errors.note} maxLength={1000} />
      </div>
      <div className="flex items-center gap-3">
        <Button type="submit" busy={create.isPending}>
          Log activity
        </Button>
        {logged && (
          <p role="status" className="text-sm text-green-800">
            Logged.
          </p>
        )}
      </div>
      {errors._ && (
        <div className="sm:col-span-2 lg:col-span-3">
          <ErrorBanner error={errors._} />
        </div>
      )}
    </form>
  );
}

/** `/dashboard/practice/activities`: log calls, meetings, deals; the list includes the sessions logged automatically. */
export function PracticeActivities() {
  const manager = useIsManager();
  const zone = useWorkspaceZone();
  const [userId, setUserId] = useState("");
  const list = useInfiniteQuery({
    queryKey: ["practice", "activities", userId],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => activityListSchema.parse(await api(`/v1/practice/activities${queryString({ userId, cursor: pageParam })}`)),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <PracticeShell title="Activities" subtitle="What counts towards your goals. Practice sessions are added when they end.">
      <div className="space-y-6">
        <Card title="Log an activity">
          <LogActivity />
        </Card>
        <Card title="Activities" actions={manager && <RepPicker value={userId} onChange={setUserId} label="Show activities of" />}>
          {list.isPending && <Spinner label="Loading activities" />}
          <ErrorBanner error={list.error} />
          {list.data && rows.length === 0 && <EmptyState title="No activities yet" />}
          {rows.length > 0 && (
            <ul className="divide-y divide-slate-100" aria-label="Activities">
              {rows.map((a) => (
                <li key={a.id} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-2 text-sm">
                  <span className="w-40 shrink-0 text-slate-600">{formatDateTime(a.occurredAt, zone)}</span>
                  <span className="font-medium text-slate-900">{ACTIVITY_KIND_LABEL[a.kind]}</span>
                  {a.amountUsd !== null && <span>{usd(a.amountUsd)}</span>}
                  <Badge>{SOURCE_LABEL[a.source]}</Badge>
                  {a.note && <span className="text-slate-700">{a.note}</span>}
                  {a.practiceSessionId && (
                    <Link to={`/dashboard/practice/sessions/${a.practiceSessionId}`} className="text-brand-800 underline">
                      Open session
                    </Link>
                  )}
                </li>
              ))}
            </ul>
          )}
          {list.hasNextPage && (
            <Button variant="secondary" className="mt-3" onClick={() => void list.fetchNextPage()} busy={list.isFetchingNextPage}>
              Older activities
            </Button>
          )}
        </Card>
      </div>
    </PracticeShell>
  );
}
