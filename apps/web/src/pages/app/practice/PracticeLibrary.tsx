import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { practicePhoneLineSchema, startedPracticeSessionSchema, type PersonaDto, type ScenarioDto } from "@orbis/contracts";
import { api } from "../../../lib/api.ts";
import { usePhoneNumbers } from "../../../lib/queries.ts";
import { Badge, Button, Card, EmptyState, ErrorBanner, Select, Spinner } from "../../../components/ui.tsx";
import { PracticeShell } from "../../../components/practice/PracticeShell.tsx";
import {
  DIFFICULTY_LABEL,
  DIFFICULTY_TONE,
  PERSONALITY_LABEL,
  PERSONALITY_TONE,
  SCENARIO_TYPE_LABEL,
  clock,
  phoneLineKey,
  storeDialIn,
  storeSessionToken,
  useIsManager,
  usePhoneLine,
  usePersonas,
  useRepDashboard,
  useScenarios,
} from "../../../components/practice/practice-api.ts";

const cardClass = (picked: boolean) =>
  `block h-full cursor-pointer rounded-xl border p-4 text-sm shadow-sm transition has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-600 ${
    picked ? "border-brand-600 bg-brand-50" : "border-slate-200 bg-white hover:border-slate-400"
  }`;

function ScenarioCard({ scenario, picked, onPick }: { scenario: ScenarioDto; picked: boolean; onPick: () => void }) {
  return (
    <li data-testid="scenario-card" data-id={scenario.id}>
      <label className={cardClass(picked)}>
        <span className="flex items-start gap-2">
          <input type="radio" name="scenario" value={scenario.id} checked={picked} onChange={onPick} className="mt-1" />
          <span className="min-w-0 flex-1">
            <span className="block font-semibold text-slate-900">{scenario.name}</span>
            <span className="mt-1 flex flex-wrap gap-1">
              <Badge>{SCENARIO_TYPE_LABEL[scenario.type]}</Badge>
              <Badge tone={DIFFICULTY_TONE[scenario.difficulty]}>{DIFFICULTY_LABEL[scenario.difficulty]}</Badge>
              <Badge>{clock(scenario.timeLimitSec)} min</Badge>
              {!scenario.builtIn && <Badge tone="green">Your team's</Badge>}
            </span>
            <span className="mt-2 block text-slate-700">Goal: {scenario.goal}</span>
          </span>
        </span>
      </label>
      <Link to={`/dashboard/practice/scenarios/${scenario.id}`} className="mt-1 inline-block text-xs text-brand-800 underline">
        {scenario.builtIn ? "View" : "Edit"}
        <span className="sr-only"> scenario {scenario.name}</span>
      </Link>
    </li>
  );
}

function PersonaCard({ persona, picked, suggested, onPick }: { persona: PersonaDto; picked: boolean; suggested: boolean; onPick: () => void }) {
  return (
    <li data-testid="persona-card" data-id={persona.id}>
      <label className={cardClass(picked)}>
        <span className="flex items-start gap-2">
          <input type="radio" name="persona" value={persona.id} checked={picked} onChange={onPick} className="mt-1" />
          <span className="min-w-0 flex-1">
            <span className="block font-semibold text-slate-900">{persona.name}</span>
            <span className="block text-slate-700">
              {persona.role}, {persona.company}
            </span>
            <span className="mt-1 flex flex-wrap gap-1">
              <Badge>{persona.industry}</Badge>
              <Badge tone={PERSONALITY_TONE[persona.personality]}>{PERSONALITY_LABEL[persona.personality]}</Badge>
              {suggested && <Badge tone="green">Suggested</Badge>}
              {!persona.builtIn && <Badge tone="green">Your team's</Badge>}
            </span>
          </span>
        </span>
      </label>
      <Link to={`/dashboard/practice/personas/${persona.id}`} className="mt-1 inline-block text-xs text-brand-800 underline">
        {persona.builtIn ? "View" : "Edit"}
        <span className="sr-only"> persona {persona.name}</span>
      </Link>
    </li>
  );
}

/** Your numbers at a glance, linking to the full progress page. */
function ProgressStrip() {
  const dash = useRepDashboard();
  if (!dash.data) return null;
  const d = dash.data;
  const goalsMet = d.goals.filter((g) => g.progress >= g.target).length;
  return (
    <section
      aria-label="Your progress"
      className="mb-6 flex flex-wrap items-center gap-x-6 gap-y-2 rounded-xl border border-slate-200 bg-white px-4 py-3 text-sm"
    >
      <p>
        <span className="font-semibold text-slate-900" data-testid="progress-sessions">
          {d.sessions}
        </span>{" "}
        sessions
      </p>
      <p>
        Average score <span className="font-semibold text-slate-900">{d.averageScore === null ? "—" : Math.round(d.averageScore)}</span>
      </p>
      <p>
        Goals met{" "}
        <span className="font-semibold text-slate-900">
          {goalsMet} of {d.goals.length}
        </span>
      </p>
      <Link to="/dashboard/practice/progress" className="ml-auto text-brand-800 underline">
        See your progress
      </Link>
    </section>
  );
}

/** Owners and admins: which of the workspace's phone numbers is the practice line (its calls ask for a rep's code). */
function PracticeLineSetting() {
  const qc = useQueryClient();
  const line = usePhoneLine();
  const numbers = usePhoneNumbers();
  const save = useMutation({
    mutationFn: async (phoneNumberId: string | null) =>
      practicePhoneLineSchema.parse(await api("/v1/practice/phone-line", { method: "PUT", body: { phoneNumberId } })),
    onSuccess: (saved) => {
      qc.setQueryData(phoneLineKey, saved);
      void qc.invalidateQueries({ queryKey: ["phone-numbers"] });
    },
  });
  if (!numbers.data || !line.data) return null;
  if (numbers.data.data.length === 0)
    return (
      <p className="mt-3 text-sm text-slate-600">
        To practise by phone,{" "}
        <Link to="/dashboard/phone-numbers" className="text-brand-800 underline">
          connect a phone number
        </Link>{" "}
        and choose it here as the practice line.
      </p>
    );
  return (
    <div className="mt-3 max-w-sm">
      <Select
        label="Practice line (owners and admins)"
        hint="Calls to this number ask for a rep's practice code instead of reaching its agent."
        value={line.data.phoneNumberId ?? ""}
        disabled={save.isPending}
        onChange={(e) => save.mutate(e.target.value || null)}
        options={[{ value: "", label: "None" }, ...numbers.data.data.map((n) => ({ value: n.id, label: n.label ? `${n.number} (${n.label})` : n.number }))]}
      />
      <ErrorBanner error={save.error} />
    </div>
  );
}

/** Pick a scenario and a prospect, then start a voice rehearsal in the browser or by phone. */
export function PracticeLibrary() {
  const personas = usePersonas();
  const scenarios = useScenarios();
  const manager = useIsManager();
  const navigate = useNavigate();
  const [scenarioId, setScenarioId] = useState<string>();
  const [personaId, setPersonaId] = useState<string>();
  const scenario = scenarios.data?.find((s) => s.id === scenarioId);
  const line = usePhoneLine();
  const [channel, setChannel] = useState<"web" | "phone">("web");
  const byPhone = channel === "phone" && !!line.data?.number;

  const start = useMutation({
    mutationFn: async () =>
      startedPracticeSessionSchema.parse(
        await api("/v1/practice/sessions", { method: "POST", body: { personaId, scenarioId, channel: byPhone ? "phone" : "web" } }),
      ),
    onSuccess: (started) => {
      if (started.phone) storeDialIn(started.session.id, started.phone);
      if (started.token) storeSessionToken(started.session.id, started.token);
      // `?processing=off` (raw microphone audio, as "Try this agent" takes it) carries over to the session page.
      const raw = new URLSearchParams(location.search).get("processing") === "off";
      navigate(`/dashboard/practice/sessions/${started.session.id}${raw ? "?processing=off" : ""}`);
    },
  });

  const pickScenario = (s: ScenarioDto) => {
    setScenarioId(s.id);
    // The scenario's suggested prospect, unless it no longer exists.
    if (s.personaId && personas.data?.some((p) => p.id === s.personaId)) setPersonaId(s.personaId);
  };

  return (
    <PracticeShell
      title="Sales practice"
      subtitle="Rehearse a sales call by voice with an AI prospect, then get a score and coaching."
      actions={
        manager && (
          <>
            <Link to="/dashboard/practice/scenarios/new" className="rounded-lg px-3.5 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50">
              New scenario
            </Link>
            <Link to="/dashboard/practice/personas/new" className="rounded-lg px-3.5 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50">
              New persona
            </Link>
          </>
        )
      }
    >
      <ProgressStrip />
      {(personas.isPending || scenarios.isPending) && <Spinner label="Loading the practice library" />}
      <ErrorBanner error={personas.error ?? scenarios.error} />
      {scenarios.data && personas.data && (
        <div className="space-y-6">
          <Card title="1. Choose a scenario">
            {scenarios.data.length === 0 ? (
              <EmptyState title="No scenarios yet" />
            ) : (
              <fieldset>
                <legend className="sr-only">Scenario</legend>
                <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
                  {scenarios.data.map((s) => (
                    <ScenarioCard key={s.id} scenario={s} picked={s.id === scenarioId} onPick={() => pickScenario(s)} />
                  ))}
                </ul>
              </fieldset>
            )}
          </Card>
          <Card title="2. Choose your prospect">
            {personas.data.length === 0 ? (
              <EmptyState title="No personas yet" />
            ) : (
              <fieldset>
                <legend className="sr-only">Prospect</legend>
                <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
                  {personas.data.map((p) => (
                    <PersonaCard
                      key={p.id}
                      persona={p}
                      picked={p.id === personaId}
                      suggested={p.id === scenario?.personaId}
                      onPick={() => setPersonaId(p.id)}
                    />
                  ))}
                </ul>
              </fieldset>
            )}
          </Card>
          <Card title="3. Start">
            <p className="mb-3 text-sm text-slate-700">
              {scenario ? (
                <>
                  Your goal: <strong>{scenario.goal}</strong>. You have {clock(scenario.timeLimitSec)} minutes.{" "}
                  {byPhone ? "You will get a number to call and a code to key in." : "Your browser will ask to use the microphone."}
                </>
              ) : (
                "Pick a scenario and a prospect above."
              )}
            </p>
            <fieldset className="mb-3 flex flex-wrap gap-4 text-sm">
              <legend className="sr-only">How to practise</legend>
              <label className="flex items-center gap-2">
                <input type="radio" name="channel" value="web" checked={channel === "web"} onChange={() => setChannel("web")} />
                In the browser
              </label>
              <label className={`flex items-center gap-2 ${line.data?.number ? "" : "text-slate-500"}`}>
                <input
                  type="radio"
                  name="channel"
                  value="phone"
                  checked={channel === "phone"}
                  disabled={!line.data?.number}
                  onChange={() => setChannel("phone")}
                />
                Practise by phone
                {line.data?.number ? <span className="text-slate-600">({line.data.number})</span> : <span>(no practice line yet)</span>}
              </label>
            </fieldset>
            {manager && <PracticeLineSetting />}
            <ErrorBanner error={start.error} />
            <Button className="mt-2" disabled={!scenarioId || !personaId} busy={start.isPending} onClick={() => start.mutate()}>
              Start practice
            </Button>
          </Card>
        </div>
      )}
    </PracticeShell>
  );
}
