import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { AUTHORITIES, PERSONALITIES, personaInputSchema, personaSchema, type PersonaDto } from "@orbis/contracts";
import { api } from "../../../lib/api.ts";
import type { FieldErrors } from "../../../lib/forms.ts";
import { Button, Card, ErrorBanner, Select, Spinner, TextArea, TextInput } from "../../../components/ui.tsx";
import { PracticeShell } from "../../../components/practice/PracticeShell.tsx";
import { ObjectionsEditor, type ObjectionDraft } from "../../../components/practice/ListEditors.tsx";
import {
  AUTHORITY_LABEL,
  PERSONALITY_LABEL,
  errorAt,
  fieldErrorsOf,
  linesOf,
  useIsManager,
  usePersona,
  zodFieldErrors,
} from "../../../components/practice/practice-api.ts";

/** The offline voices (flite); a cloud voice id may be typed instead. */
const OFFLINE_VOICES = [
  ["slt", "slt (female, US)"],
  ["kal16", "kal16 (male, US)"],
  ["rms", "rms (male, US)"],
  ["awb", "awb (male, Scottish)"],
  ["kal", "kal (male, US, phone quality)"],
] as const;

interface PersonaDraft {
  name: string;
  role: string;
  company: string;
  industry: string;
  personality: PersonaDto["personality"];
  painPoints: string;
  budget: string;
  authority: PersonaDto["authority"];
  voice: string;
  objections: ObjectionDraft[];
}

const EMPTY: PersonaDraft = {
  name: "",
  role: "",
  company: "",
  industry: "",
  personality: "skeptical",
  painPoints: "",
  budget: "",
  authority: "decision_maker",
  voice: "slt",
  objections: [],
};

const draftOf = (p: PersonaDto, copy = false): PersonaDraft => ({
  name: copy ? `${p.name} (copy)` : p.name,
  role: p.role,
  company: p.company,
  industry: p.industry,
  personality: p.personality,
  painPoints: p.painPoints.join("\n"),
  budget: p.budget,
  authority: p.authority,
  voice: p.voice,
  objections: p.objections.map((o) => ({ ...o, triggers: o.triggers.join("\n"), resolvedBy: o.resolvedBy.join("\n") })),
});

const inputOf = (d: PersonaDraft) => ({
  ...d,
  painPoints: linesOf(d.painPoints),
  objections: d.objections.map((o) => ({ ...o, triggers: linesOf(o.triggers), resolvedBy: linesOf(o.resolvedBy) })),
});

function PersonaForm({ initial, existing, readOnly }: { initial: PersonaDraft; existing?: PersonaDto; readOnly: boolean }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);
  const set = (patch: Partial<PersonaDraft>) => {
    setDraft({ ...draft, ...patch });
    setSaved(false);
  };

  const save = useMutation({
    mutationFn: async (body: unknown) =>
      personaSchema.parse(
        existing ? await api(`/v1/practice/personas/${existing.id}`, { method: "PATCH", body }) : await api("/v1/practice/personas", { method: "POST", body }),
      ),
    onSuccess: async (persona) => {
      await qc.invalidateQueries({ queryKey: ["practice", "personas"] });
      setSaved(true);
      if (!existing) navigate(`/dashboard/practice/personas/${persona.id}`, { replace: true });
    },
    onError: (err) => setErrors(fieldErrorsOf(err)),
  });
  const remove = useMutation({
    mutationFn: () => api(`/v1/practice/personas/${existing?.id}`, { method: "DELETE" }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ["practice", "personas"] });
      navigate("/dashboard/practice");
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = personaInputSchema.safeParse(inputOf(draft));
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error.issues));
    setErrors({});
    save.mutate(parsed.data);
  };

  const voiceOptions = OFFLINE_VOICES.some(([v]) => v === draft.voice) ? OFFLINE_VOICES : ([...OFFLINE_VOICES, [draft.voice, draft.voice]] as const);
  return (
    <form onSubmit={submit} noValidate className="space-y-6">
      {errors._ && <ErrorBanner error={errors._} />}
      <fieldset disabled={readOnly} className="space-y-6">
        <Card title="Who they are">
          <div className="grid gap-4 sm:grid-cols-2">
            <TextInput label="Name" value={draft.name} onChange={(e) => set({ name: e.target.value })} error={errors.name} maxLength={80} />
            <TextInput label="Role" value={draft.role} onChange={(e) => set({ role: e.target.value })} error={errors.role} hint="e.g. Office manager" />
            <TextInput label="Company" value={draft.company} onChange={(e) => set({ company: e.target.value })} error={errors.company} />
            <TextInput label="Industry" value={draft.industry} onChange={(e) => set({ industry: e.target.value })} error={errors.industry} />
            <Select
              label="Personality"
              value={draft.personality}
              onChange={(e) => set({ personality: e.target.value as PersonaDraft["personality"] })}
              options={PERSONALITIES.map((p) => ({ value: p, label: PERSONALITY_LABEL[p] }))}
              error={errors.personality}
            />
            <Select
              label="Authority"
              value={draft.authority}
              onChange={(e) => set({ authority: e.target.value as PersonaDraft["authority"] })}
              options={AUTHORITIES.map((a) => ({ value: a, label: AUTHORITY_LABEL[a] }))}
              error={errors.authority}
            />
            <TextInput
              label="Budget"
              value={draft.budget}
              onChange={(e) => set({ budget: e.target.value })}
              error={errors.budget}
              hint="In their words: about 2,000 a month, signed off by the owner"
            />
            <Select
              label="Voice"
              value={draft.voice}
              onChange={(e) => set({ voice: e.target.value })}
              options={voiceOptions.map(([value, label]) => ({ value, label }))}
              error={errors.voice}
            />
            <div className="sm:col-span-2">
              <TextArea
                label="Pain points"
                rows={4}
                value={draft.painPoints}
                onChange={(e) => set({ painPoints: e.target.value })}
                error={errorAt(errors, "painPoints")}
                hint="One a line."
              />
            </div>
          </div>
        </Card>
        <Card title="Objections">
          <ObjectionsEditor items={draft.objections} onChange={(objections) => set({ objections })} errors={errors} />
        </Card>
      </fieldset>
      {!readOnly && (
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" busy={save.isPending}>
            {existing ? "Save persona" : "Create persona"}
          </Button>
          {existing && (
            <Button
              type="button"
              variant="danger"
              busy={remove.isPending}
              onClick={() => window.confirm(`Delete the persona ${existing.name}?`) && remove.mutate()}
            >
              Delete persona
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

/** `/dashboard/practice/personas/:id` (or `new`, `new?from=<id>` to duplicate): the prospect a rep talks to. */
export function PersonaEditor() {
  const { id = "new" } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const manager = useIsManager();
  const isNew = id === "new";
  const from = isNew ? (params.get("from") ?? undefined) : undefined;
  const persona = usePersona(isNew ? from : id);

  if (!isNew || from) {
    if (persona.isPending) return <Spinner label="Loading the persona" />;
    if (persona.error) {
      return (
        <PracticeShell title="Persona">
          <ErrorBanner error={persona.error} />
        </PracticeShell>
      );
    }
  }
  const p = persona.data;
  const readOnly = !manager || (!isNew && !!p?.builtIn);
  const title = isNew ? (p ? `New persona from ${p.name}` : "New persona") : (p?.name ?? "Persona");
  return (
    <PracticeShell
      title={title}
      subtitle={
        !isNew && p?.builtIn
          ? "A built-in persona: read-only. Duplicate it to make your own version."
          : !manager
            ? "Only owners and admins can change personas."
            : "The prospect the rep talks to: who they are, what worries them, what they push back on."
      }
      actions={
        <>
          {!isNew && p && manager && (
            <Button variant="secondary" onClick={() => navigate(`/dashboard/practice/personas/new?from=${encodeURIComponent(p.id)}`)}>
              Duplicate
            </Button>
          )}
          <Link to="/dashboard/practice" className="rounded-lg px-3.5 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50">
            Back to practice
          </Link>
        </>
      }
    >
      <PersonaForm key={`${id}-${from ?? ""}`} initial={p ? draftOf(p, isNew) : EMPTY} existing={isNew ? undefined : p} readOnly={readOnly} />
    </PracticeShell>
  );
}
