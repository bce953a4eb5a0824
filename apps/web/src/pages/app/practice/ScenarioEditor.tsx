import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { DIFFICULTIES, SCENARIO_TYPES, scenarioInputSchema, scenarioSchema, type ScenarioDto } from "@orbis/contracts";
import { api } from "../../../lib/api.ts";
import type { FieldErrors } from "../../../lib/forms.ts";
import { Button, Card, ErrorBanner, Select, Spinner, TextArea, TextInput } from "../../../components/ui.tsx";
import { PracticeShell } from "../../../components/practice/PracticeShell.tsx";
import { RubricEditor, type RubricDraft } from "../../../components/practice/ListEditors.tsx";
import {
  DIFFICULTY_LABEL,
  SCENARIO_TYPE_LABEL,
  errorAt,
  fieldErrorsOf,
  linesOf,
  useIsManager,
  usePersonas,
  useScenario,
  zodFieldErrors,
} from "../../../components/practice/practice-api.ts";

interface ScenarioDraft {
  name: string;
  type: ScenarioDto["type"];
  goal: string;
  successCriteria: string;
  nextStep: string;
  timeLimitMin: string;
  difficulty: ScenarioDto["difficulty"];
  rubric: RubricDraft[];
  personaId: string;
  openingLine: string;
}

const EMPTY: ScenarioDraft = {
  name: "",
  type: "cold_call",
  goal: "",
  successCriteria: "",
  nextStep: "",
  timeLimitMin: "10",
  difficulty: "medium",
  rubric: [],
  personaId: "",
  openingLine: "",
};

const draftOf = (s: ScenarioDto, copy = false): ScenarioDraft => ({
  name: copy ? `${s.name} (copy)` : s.name,
  type: s.type,
  goal: s.goal,
  successCriteria: s.successCriteria.join("\n"),
  nextStep: s.nextStep.join("\n"),
  timeLimitMin: String(Math.round((s.timeLimitSec / 60) * 10) / 10),
  difficulty: s.difficulty,
  rubric: s.rubric.map((r) => ({ ...r, weight: String(r.weight), evidence: r.evidence.join("\n") })),
  personaId: s.personaId ?? "",
  openingLine: s.openingLine,
});

const inputOf = ({ timeLimitMin, ...d }: ScenarioDraft) => ({
  ...d,
  successCriteria: linesOf(d.successCriteria),
  nextStep: linesOf(d.nextStep),
  timeLimitSec: timeLimitMin.trim() === "" ? Number.NaN : Math.round(Number(timeLimitMin) * 60),
  rubric: d.rubric.map((r) => ({ ...r, weight: r.weight.trim() === "" ? Number.NaN : Number(r.weight), evidence: linesOf(r.evidence) })),
  personaId: d.personaId || null,
});

function ScenarioForm({ initial, existing, readOnly }: { initial: ScenarioDraft; existing?: ScenarioDto; readOnly: boolean }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const personas = usePersonas();
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);
  const set = (patch: Partial<ScenarioDraft>) => {
    setDraft({ ...draft, ...patch });
    setSaved(false);
  };

  const save = useMutation({
    mutationFn: async (body: unknown) =>
      scenarioSchema.parse(
        existing
          ? await api(`/v1/practice/scenarios/${existing.id}`, { method: "PATCH", body })
          : await api("/v1/practice/scenarios", { method: "POST", body }),
      ),
    onSuccess: async (scenario) => {
      await qc.invalidateQueries({ queryKey: ["practice", "scenarios"] });
      setSaved(true);
      if (!existing) navigate(`/dashboard/practice/scenarios/${scenario.id}`, { replace: true });
    },
    onError: (err) => setErrors(fieldErrorsOf(err)),
  });
  const remove = useMutation({
    mutationFn: () => api(`/v1/practice/scenarios/${existing?.id}`, { method: "DELETE" }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ["practice", "scenarios"] });
      navigate("/dashboard/practice");
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = scenarioInputSchema.safeParse(inputOf(draft));
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error.issues));
    setErrors({});
    save.mutate(parsed.data);
  };

  const timeError = errors.timeLimitSec && "Between 1 and 60 minutes";
  return (
    <form onSubmit={submit} noValidate className="space-y-6">
      {errors._ && <ErrorBanner error={errors._} />}
      <fieldset disabled={readOnly} className="space-y-6">
        <Card title="The situation">
          <div className="grid gap-4 sm:grid-cols-2">
            <TextInput label="Name" value={draft.name} onChange={(e) => set({ name: e.target.value })} error={errors.name} maxLength={120} />
            <Select
              label="Type"
              value={draft.type}
              onChange={(e) => set({ type: e.target.value as ScenarioDraft["type"] })}
              options={SCENARIO_TYPES.map((t) => ({ value: t, label: SCENARIO_TYPE_LABEL[t] }))}
              error={errors.type}
            />
            <div className="sm:col-span-2">
              <TextInput
                label="The rep's goal"
                value={draft.goal}
                onChange={(e) => set({ goal: e.target.value })}
                error={errors.goal}
                hint="Shown before the session, e.g. book a 30-minute demo"
              />
            </div>
            <Select
              label="Difficulty"
              value={draft.difficulty}
              onChange={(e) => set({ difficulty: e.target.value as ScenarioDraft["difficulty"] })}
              options={DIFFICULTIES.map((d) => ({ value: d, label: DIFFICULTY_LABEL[d] }))}
              error={errors.difficulty}
            />
            <TextInput
              label="Time limit (minutes)"
              type="number"
              min={1}
              max={60}
              step="any"
              value={draft.timeLimitMin}
              onChange={(e) => set({ timeLimitMin: e.target.value })}
              error={timeError}
            />
            <Select
              label="Suggested prospect"
              value={draft.personaId}
              onChange={(e) => set({ personaId: e.target.value })}
              options={[{ value: "", label: "None" }, ...(personas.data ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.company})` }))]}
              error={errors.personaId}
            />
            <TextInput
              label="Opening line"
              value={draft.openingLine}
              onChange={(e) => set({ openingLine: e.target.value })}
              error={errors.openingLine}
              hint="What the prospect says on answering; empty: the persona's usual greeting"
            />
            <TextArea
              label="Success criteria"
              rows={4}
              value={draft.successCriteria}
              onChange={(e) => set({ successCriteria: e.target.value })}
              error={errorAt(errors, "successCriteria")}
              hint="One a line."
            />
            <TextArea
              label="Next-step words"
              rows={4}
              value={draft.nextStep}
              onChange={(e) => set({ nextStep: e.target.value })}
              error={errorAt(errors, "nextStep")}
              hint="One a line: words with which the rep proposes the next step (demo, meeting, trial)."
            />
          </div>
        </Card>
        <Card title="Scoring rubric">
          <RubricEditor items={draft.rubric} onChange={(rubric) => set({ rubric })} errors={errors} />
        </Card>
      </fieldset>
      {!readOnly && (
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" busy={save.isPending}>
            {existing ? "Save scenario" : "Create scenario"}
          </Button>
          {existing && (
            <Button
              type="button"
              variant="danger"
              busy={remove.isPending}
              onClick={() => window.confirm(`Delete the scenario ${existing.name}?`) && remove.mutate()}
            >
              Delete scenario
            </Button>
          )}
          {saved && (
            <p role="status" className="text-sm text-green-800">
              Saved.
            </p>
          )}
          {Object.keys(errors).length > 0 && !errors._ && (
            <p role="alert" className="text-sm text-red-700">
              Some fields need attention.
            </p>
          )}
        </div>
      )}
      <ErrorBanner error={remove.error} />
    </form>
  );
}

/** `/dashboard/practice/scenarios/:id` (or `new`, `new?from=<id>` to duplicate): the situation a rep rehearses. */
export function ScenarioEditor() {
  const { id = "new" } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const manager = useIsManager();
  const isNew = id === "new";
  const from = isNew ? (params.get("from") ?? undefined) : undefined;
  const scenario = useScenario(isNew ? from : id);

  if (!isNew || from) {
    if (scenario.isPending) return <Spinner label="Loading the scenario" />;
    if (scenario.error) {
      return (
        <PracticeShell title="Scenario">
          <ErrorBanner error={scenario.error} />
        </PracticeShell>
      );
    }
  }
  const s = scenario.data;
  const readOnly = !manager || (!isNew && !!s?.builtIn);
  const title = isNew ? (s ? `New scenario from ${s.name}` : "New scenario") : (s?.name ?? "Scenario");
  return (
    <PracticeShell
      title={title}
      subtitle={
        !isNew && s?.builtIn
          ? "A built-in scenario: read-only. Duplicate it to make your own version."
          : !manager
            ? "Only owners and admins can change scenarios."
            : "What the rep rehearses: the goal, the time limit and how the session is scored."
      }
      actions={
        <>
          {!isNew && s && manager && (
            <Button variant="secondary" onClick={() => navigate(`/dashboard/practice/scenarios/new?from=${encodeURIComponent(s.id)}`)}>
              Duplicate
            </Button>
          )}
          <Link to="/dashboard/practice" className="rounded-lg px-3.5 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50">
            Back to practice
          </Link>
        </>
      }
    >
      <ScenarioForm key={`${id}-${from ?? ""}`} initial={s ? draftOf(s, isNew) : EMPTY} existing={isNew ? undefined : s} readOnly={readOnly} />
    </PracticeShell>
  );
}
