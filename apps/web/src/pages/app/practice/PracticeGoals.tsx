import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { GOAL_METRICS, goalInputSchema, goalSchema } from "@orbis/contracts";
import { api } from "../../../lib/api.ts";
import type { FieldErrors } from "../../../lib/forms.ts";
import { useMembers } from "../../../lib/queries.ts";
import { useMe } from "../../../lib/session.tsx";
import { useWorkspaceZone } from "../../../lib/time.ts";
import { Button, Card, EmptyState, ErrorBanner, Select, Spinner, TextInput } from "../../../components/ui.tsx";
import { PracticeShell } from "../../../components/practice/PracticeShell.tsx";
import { RepPicker } from "../../../components/practice/RepPicker.tsx";
import { GOAL_METRIC_LABEL, fieldErrorsOf, useGoals, useIsManager, zodFieldErrors } from "../../../components/practice/practice-api.ts";
import { GoalProgress } from "./GoalProgress.tsx";

const PERIODS = [
  ["week", "Week"],
  ["month", "Month"],
  ["quarter", "Quarter"],
] as const;

/** "" = the caller's own goal, "team" = a team goal (managers), otherwise a rep's id (managers). */
function NewGoal({ manager }: { manager: boolean }) {
  const qc = useQueryClient();
  const members = useMembers();
  const me = useMe().data;
  const [metric, setMetric] = useState<(typeof GOAL_METRICS)[number]>("practice_sessions");
  const [target, setTarget] = useState("5");
  const [period, setPeriod] = useState<"week" | "month" | "quarter">("week");
  const [owner, setOwner] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation({
    mutationFn: async (body: unknown) => goalSchema.parse(await api("/v1/practice/goals", { method: "POST", body })),
    onSuccess: async () => {
      setErrors({});
      await qc.invalidateQueries({ queryKey: ["practice"] });
    },
    onError: (err) => setErrors(fieldErrorsOf(err)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = {
      metric,
      period,
      target: target.trim() === "" ? Number.NaN : Number(target),
      ...(owner === "" ? {} : { userId: owner === "team" ? null : owner }),
    };
    const parsed = goalInputSchema.safeParse(body);
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error.issues));
    create.mutate(parsed.data);
  };
  const others = (members.data?.data ?? []).filter((m) => m.userId !== me?.user.id);
  return (
    <form onSubmit={submit} noValidate className="grid items-end gap-3 sm:grid-cols-2 lg:grid-cols-5">
      <Select
        label="Metric"
        value={metric}
        onChange={(e) => setMetric(e.target.value as typeof metric)}
        options={GOAL_METRICS.map((m) => ({ value: m, label: GOAL_METRIC_LABEL[m] }))}
        error={errors.metric}
      />
      <TextInput label="Target" type="number" min={0} step="any" value={target} onChange={(e) => setTarget(e.target.value)} error={errors.target} />
      <Select
        label="Period"
        value={period}
        onChange={(e) => setPeriod(e.target.value as typeof period)}
        options={PERIODS.map(([value, label]) => ({ value, label }))}
        error={errors.period}
      />
      {manager && (
        <Select
          label="For"
          value={owner}
          onChange={(e) => setOwner(e.target.value)}
          options={[
            { value: "", label: "Me" },
            { value: "team", label: "The whole team" },
            ...others.map((m) => ({ value: m.userId, label: m.name || m.email })),
          ]}
          error={errors.userId}
        />
      )}
      <div>
        <Button type="submit" busy={create.isPending}>
          Add goal
        </Button>
      </div>
      {errors._ && (
        <div className="sm:col-span-2 lg:col-span-5">
          <ErrorBanner error={errors._} />
        </div>
      )}
    </form>
  );
}

/** `/dashboard/practice/goals`: targets per period with their progress; create and delete. */
export function PracticeGoals() {
  const manager = useIsManager();
  const zone = useWorkspaceZone();
  const qc = useQueryClient();
  const [userId, setUserId] = useState("");
  const goals = useGoals(userId || undefined);
  const remove = useMutation({
    mutationFn: (id: string) => api(`/v1/practice/goals/${id}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["practice"] }),
  });
  return (
    <PracticeShell title="Goals" subtitle="Calls, meetings, practice sessions, scores or revenue to reach each week, month or quarter.">
      <div className="space-y-6">
        <Card title="New goal">
          <NewGoal manager={manager} />
        </Card>
        <Card title="Goals" actions={manager && <RepPicker value={userId} onChange={setUserId} label="Show goals of" />}>
          {goals.isPending && <Spinner label="Loading goals" />}
          <ErrorBanner error={goals.error ?? remove.error} />
          {goals.data && goals.data.length === 0 && <EmptyState title="No goals yet" />}
          {goals.data && goals.data.length > 0 && (
            <ul className="space-y-4" aria-label="Goals">
              {goals.data.map((g) => (
                <li key={g.id} className="flex items-start gap-4">
                  <div className="flex-1">
                    <GoalProgress goal={g} zone={zone} />
                  </div>
                  {(g.userId !== null || manager) && (
                    <Button variant="ghost" onClick={() => remove.mutate(g.id)} busy={remove.isPending && remove.variables === g.id}>
                      Delete
                      <span className="sr-only">
                        {" "}
                        goal {GOAL_METRIC_LABEL[g.metric]} this {g.period}
                      </span>
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </PracticeShell>
  );
}
