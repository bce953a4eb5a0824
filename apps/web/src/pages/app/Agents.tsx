import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { agentConfigSchema, businessConfigSchema, OFFLINE_SPEECH_IDS, type AgentDto, type BusinessConfig, type PublishResultDto } from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { lines, validate, type FieldErrors } from "../../lib/forms.ts";
import { useAgent, useAgents } from "../../lib/queries.ts";
import { useCan } from "../../lib/session.tsx";
import { UpgradeNotice, useFeatureOff } from "../../lib/features.tsx";
import { Badge, Button, Card, EmptyState, ErrorBanner, PageHeader, Select, Spinner, TextArea, TextInput } from "../../components/ui.tsx";
import { AgentVersions } from "../../components/AgentVersions.tsx";
import { VoicePreviewButton } from "./VoicePreviewButton.tsx";
import { BusinessForm } from "../../components/business/BusinessForm.tsx";
import { adoptServiceLinks } from "../../components/business/links.ts";
import { humanApiErrors, validateHuman } from "../../lib/zod-messages.ts";

export const VOICES = [
  { value: "slt", label: "Sarah (US English, female)" },
  { value: "kal", label: "Ken (US English, male)" },
  { value: "awb", label: "Alan (Scottish English, male)" },
  { value: "rms", label: "Rob (US English, male, deep)" },
];

export function AgentsList() {
  const agents = useAgents();
  const canEdit = useCan("admin");
  return (
    <>
      <PageHeader
        title="Agents"
        subtitle="Each agent answers one line or website with its own voice, prompt and business facts."
        actions={
          canEdit && (
            <Link to="/onboarding" className="rounded-lg bg-brand-600 px-3.5 py-2 text-sm font-semibold text-white hover:bg-brand-700">
              New agent
            </Link>
          )
        }
      />
      {agents.isPending ? (
        <Spinner label="Loading agents" />
      ) : agents.error ? (
        <ErrorBanner error={agents.error} />
      ) : agents.data.data.length === 0 ? (
        <EmptyState title="No agents yet">
          {canEdit ? (
            <Link className="text-brand-700 underline" to="/onboarding">
              Create your first agent
            </Link>
          ) : (
            "An admin can create one."
          )}
        </EmptyState>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
          {agents.data.data.map((a) => (
            <li key={a.id}>
              <Card>
                <div className="flex items-start justify-between gap-2">
                  <Link to={`/dashboard/agents/${a.id}`} className="font-semibold text-slate-900 hover:underline">
                    {a.name}
                  </Link>
                  <Badge tone={a.status === "published" ? "green" : "amber"}>{a.status === "published" ? `v${a.publishedVersion}` : "draft"}</Badge>
                </div>
                <p className="mt-2 line-clamp-2 text-sm text-slate-700">{a.greeting}</p>
                <div className="mt-4 flex gap-3 text-sm">
                  <Link className="text-brand-700 underline" to={`/dashboard/agents/${a.id}`}>
                    {canEdit ? "Edit" : "View"}
                  </Link>
                  <Link className="text-brand-700 underline" to={`/dashboard/agents/${a.id}/try`}>
                    Try this agent
                  </Link>
                </div>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

const num = (v: FormDataEntryValue | null) => (v === null || v === "" ? undefined : Number(v));

function readAgentForm(form: HTMLFormElement, agent: AgentDto) {
  const f = new FormData(form);
  const s = (k: string) => String(f.get(k) ?? "");
  return {
    name: s("name"),
    systemPrompt: s("systemPrompt"),
    greeting: s("greeting"),
    voice: s("voice"),
    language: s("language"),
    providers: { ...agent.providers, stt: lines(s("stt")), tts: lines(s("tts")), llm: lines(s("llm")) },
    turnTaking: {
      silenceMs: num(f.get("turnTaking.silenceMs")),
      entitySilenceMs: num(f.get("turnTaking.entitySilenceMs")),
      completeSilenceMs: num(f.get("turnTaking.completeSilenceMs")),
      minSpeechMs: num(f.get("turnTaking.minSpeechMs")),
      maxTurnMs: num(f.get("turnTaking.maxTurnMs")),
      bargeInMs: num(f.get("turnTaking.bargeInMs")),
    },
    idleTimeoutSec: num(f.get("idleTimeoutSec")),
    recordCalls: f.get("recordCalls") === "on",
    tools: agent.tools,
    business: agent.business,
  };
}

export function AgentEditor() {
  const { id = "" } = useParams();
  const agent = useAgent(id);
  if (agent.isPending) return <Spinner label="Loading agent" />;
  if (agent.error) return <ErrorBanner error={agent.error} />;
  return <AgentForm key={agent.data.id} agent={agent.data} />;
}

function AgentForm({ agent }: { agent: AgentDto }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const canEdit = useCan("admin");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: unknown) => api<AgentDto>(`/v1/agents/${agent.id}`, { method: "PATCH", body }),
    onSuccess: (a) => {
      qc.setQueryData(["agents", a.id], a);
      void qc.invalidateQueries({ queryKey: ["agents"], exact: true });
      setSaved(true);
    },
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });
  const publish = useMutation({
    mutationFn: () => api<PublishResultDto>(`/v1/agents/${agent.id}/publish`, { method: "POST", body: {} }),
    onSuccess: (result) => {
      const { version: _version, unchanged: _unchanged, ...a } = result;
      qc.setQueryData(["agents", a.id], a);
      void qc.invalidateQueries({ queryKey: ["agent-versions", a.id] });
    },
  });
  const remove = useMutation({
    mutationFn: () => api(`/v1/agents/${agent.id}`, { method: "DELETE" }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["agents"] });
      navigate("/dashboard/agents");
    },
  });

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSaved(false);
    const v = validate(agentConfigSchema, readAgentForm(e.currentTarget, agent));
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    save.mutate(v.data);
  };
  const tt = agent.turnTaking;
  const ro = !canEdit;
  // Without cloud voices in the plan, an offline agent's speech settings stay offline (the API refuses others with a 402).
  const cloudOff = useFeatureOff("cloud_voices");
  const offlineSpeech = !agent.providers.realtime && [...agent.providers.stt, ...agent.providers.tts].every((id) => OFFLINE_SPEECH_IDS.includes(id));
  const speechLocked = cloudOff && offlineSpeech;

  return (
    <>
      <PageHeader
        title={agent.name}
        subtitle={
          <>
            <Badge tone={agent.status === "published" ? "green" : "amber"}>
              {agent.status === "published" ? `published v${agent.publishedVersion}` : "draft"}
            </Badge>{" "}
            <span className="ml-2 font-mono text-xs">{agent.id}</span>
          </>
        }
        actions={
          <>
            <Link
              to={`/dashboard/agents/${agent.id}/try`}
              className="rounded-lg bg-white px-3.5 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50"
            >
              Try this agent
            </Link>
            <Link
              to={`/dashboard/calls?agentId=${agent.id}`}
              className="rounded-lg bg-white px-3.5 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50"
            >
              Calls
            </Link>
            {canEdit && (
              <Button type="button" onClick={() => publish.mutate()} busy={publish.isPending}>
                Publish
              </Button>
            )}
          </>
        }
      />
      <ErrorBanner error={publish.error} />
      {publish.data && (
        <p role="status" className="mb-4 rounded-lg bg-green-50 p-3 text-sm text-green-900">
          {publish.data.unchanged
            ? `Nothing changed since version ${publish.data.version.version}: callers already hear it.`
            : `Published version ${publish.data.version.version}: callers on your website and phone line hear it now.`}
        </p>
      )}
      <div className="grid gap-6 xl:grid-cols-3">
        <form onSubmit={onSubmit} noValidate className="space-y-6 xl:col-span-2" aria-label="Agent settings">
          <fieldset disabled={ro} className="space-y-6">
            <Card title="Conversation">
              <div className="space-y-4">
                <TextInput label="Name" name="name" defaultValue={agent.name} error={errors.name} />
                <TextArea
                  label="Greeting"
                  name="greeting"
                  rows={2}
                  defaultValue={agent.greeting}
                  error={errors.greeting}
                  hint="The first thing callers hear."
                />
                <TextArea
                  label="Prompt"
                  name="systemPrompt"
                  rows={6}
                  defaultValue={agent.systemPrompt}
                  error={errors.systemPrompt}
                  hint="Instructions for LLM brains; the receptionist brain follows the business facts."
                />
              </div>
            </Card>
            <Card title="Voice and language">
              <div className="grid gap-4 sm:grid-cols-2">
                <Select
                  label="Voice"
                  name="voice"
                  defaultValue={agent.voice}
                  options={VOICES.some((v) => v.value === agent.voice) ? VOICES : [...VOICES, { value: agent.voice, label: agent.voice }]}
                  error={errors.voice}
                />
                <VoicePreviewButton agentId={agent.id} />
                <TextInput label="Language" name="language" defaultValue={agent.language} error={errors.language} hint="A tag like en-US." />
                <TextInput
                  label="LLM providers"
                  name="llm"
                  defaultValue={agent.providers.llm.join(", ")}
                  hint="Empty: the built-in receptionist answers (offline, deterministic). Names in fallback order (e.g. openai, gemini): an LLM answers instead."
                  error={errors["providers.llm"]}
                />
                <TextInput
                  label="Speech-to-text providers"
                  name="stt"
                  defaultValue={agent.providers.stt.join(", ")}
                  readOnly={speechLocked}
                  error={errors["providers.stt"]}
                />
                <TextInput
                  label="Text-to-speech providers"
                  name="tts"
                  defaultValue={agent.providers.tts.join(", ")}
                  readOnly={speechLocked}
                  error={errors["providers.tts"]}
                />
              </div>
              {cloudOff && (
                <div className="mt-4">
                  <UpgradeNotice>
                    {offlineSpeech
                      ? "Cloud voices are not included in this workspace's plan: the agent speaks and listens with the built-in offline engines."
                      : "Cloud voices are not included in this workspace's plan: callers hear the offline engines, and saving needs offline speech providers (offline)."}
                  </UpgradeNotice>
                </div>
              )}
            </Card>
            <Card title="Turn-taking">
              <div className="grid gap-4 sm:grid-cols-2">
                <TextInput
                  type="number"
                  label="End-of-turn silence (ms)"
                  name="turnTaking.silenceMs"
                  defaultValue={tt.silenceMs}
                  error={errors["turnTaking.silenceMs"]}
                  hint="200–3000"
                />
                <TextInput
                  type="number"
                  label="Silence while giving digits or dates (ms)"
                  name="turnTaking.entitySilenceMs"
                  defaultValue={tt.entitySilenceMs}
                  error={errors["turnTaking.entitySilenceMs"]}
                  hint="200–5000"
                />
                <TextInput
                  type="number"
                  label="Silence once the answer is complete (ms)"
                  name="turnTaking.completeSilenceMs"
                  defaultValue={tt.completeSilenceMs}
                  error={errors["turnTaking.completeSilenceMs"]}
                  hint="100–3000: a yes, a whole phone number, an offered time"
                />
                <TextInput
                  type="number"
                  label="Shortest speech that counts (ms)"
                  name="turnTaking.minSpeechMs"
                  defaultValue={tt.minSpeechMs}
                  error={errors["turnTaking.minSpeechMs"]}
                  hint="60–2000"
                />
                <TextInput
                  type="number"
                  label="Longest caller turn (ms)"
                  name="turnTaking.maxTurnMs"
                  defaultValue={tt.maxTurnMs}
                  error={errors["turnTaking.maxTurnMs"]}
                  hint="2000–120000"
                />
                <TextInput
                  type="number"
                  label="Speech needed to interrupt the agent (ms)"
                  name="turnTaking.bargeInMs"
                  defaultValue={tt.bargeInMs}
                  error={errors["turnTaking.bargeInMs"]}
                  hint="100–3000"
                />
                <TextInput
                  type="number"
                  label="Hang up after silence (s)"
                  name="idleTimeoutSec"
                  defaultValue={agent.idleTimeoutSec}
                  error={errors.idleTimeoutSec}
                />
              </div>
              <label className="mt-4 flex items-center gap-2 text-sm">
                <input type="checkbox" name="recordCalls" defaultChecked={agent.recordCalls} /> Record calls
              </label>
            </Card>
          </fieldset>
          {canEdit && (
            <div className="flex flex-wrap items-center gap-3">
              <Button type="submit" busy={save.isPending}>
                Save changes
              </Button>
              {saved && (
                <span role="status" className="text-sm text-green-800">
                  Saved. Publish to make callers hear it.
                </span>
              )}
              <ErrorBanner error={save.error} />
              <Button
                type="button"
                variant="danger"
                className="ml-auto"
                onClick={() => confirm(`Delete ${agent.name}?`) && remove.mutate()}
                busy={remove.isPending}
              >
                Delete agent
              </Button>
            </div>
          )}
        </form>
        <div className="space-y-6">
          <AgentVersions agentId={agent.id} />
          <Card title="Tools">
            {agent.tools.length === 0 ? (
              <p className="text-sm text-slate-600">Built-in receptionist tools only (availability, booking, messages).</p>
            ) : (
              <ul className="text-sm">
                {agent.tools.map((t, i) => (
                  <li key={i}>{String(t.name ?? `tool ${i + 1}`)}</li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>
      <div className="mt-6">
        <BusinessEditor agentId={agent.id} canEdit={canEdit} />
      </div>
    </>
  );
}

/** The agent's business facts as forms (hours, closures, services, staff, FAQs, transfers); saved with PUT business. */
function BusinessEditor({ agentId, canEdit }: { agentId: string; canEdit: boolean }) {
  const business = useQuery({
    queryKey: ["business", agentId],
    queryFn: () => api<{ configured: boolean; business: BusinessConfig }>(`/v1/agents/${agentId}/business`),
  });
  if (business.isPending)
    return (
      <Card title="Business facts">
        <Spinner />
      </Card>
    );
  if (business.error)
    return (
      <Card title="Business facts">
        <ErrorBanner error={business.error} />
      </Card>
    );
  return <BusinessFactsCard agentId={agentId} canEdit={canEdit} configured={business.data.configured} initial={business.data.business} />;
}

function BusinessFactsCard({ agentId, canEdit, configured, initial }: { agentId: string; canEdit: boolean; configured: boolean; initial: BusinessConfig }) {
  const qc = useQueryClient();
  const [value, setValue] = useState(() => adoptServiceLinks(initial));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: BusinessConfig) => api(`/v1/agents/${agentId}/business`, { method: "PUT", body }),
    onSuccess: () => {
      setSaved(true);
      void qc.invalidateQueries({ queryKey: ["business", agentId] });
    },
    onError: (err) => err instanceof ApiError && setErrors(humanApiErrors(err.details)),
  });
  const onSave = () => {
    setSaved(false);
    const v = validateHuman(businessConfigSchema, value, ["business"]);
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    save.mutate(v.data);
  };
  const errorList = Object.values(errors);
  return (
    <Card title="Business facts">
      <p className="mb-4 text-sm text-slate-700">What the agent tells callers: only these facts, nothing else.</p>
      {!configured && <p className="mb-4 text-sm text-amber-900">Not saved yet: the agent knows only your workspace name until you save these.</p>}
      <BusinessForm
        value={value}
        onChange={(v) => {
          setSaved(false);
          setValue(v);
        }}
        errors={errors}
        disabled={!canEdit}
      />
      {canEdit && (
        <div className="mt-6 flex flex-wrap items-center gap-3">
          <Button type="button" busy={save.isPending} onClick={onSave}>
            Save business facts
          </Button>
          {saved && (
            <span role="status" className="text-sm text-green-800">
              Saved. Publish to make callers hear it.
            </span>
          )}
        </div>
      )}
      {errorList.length > 0 && (
        <div role="alert" className="mt-3 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          <p className="font-medium">Please fix:</p>
          <ul className="list-disc pl-5">
            {errorList.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      )}
      {save.error && !(save.error instanceof ApiError && save.error.status === 422) && <ErrorBanner error={save.error} />}
    </Card>
  );
}
