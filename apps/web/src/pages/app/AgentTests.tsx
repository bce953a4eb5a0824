import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";
import {
  WEEKDAYS,
  testRunSchema,
  testRunSummarySchema,
  testScenarioBodySchema,
  testScenarioSchema,
  type AgentVersionDto,
  type ScenarioResult,
  type TestExpectation,
  type TestRunDto,
  type TestScenarioDto,
} from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { validate, type FieldErrors } from "../../lib/forms.ts";
import { useAgent } from "../../lib/queries.ts";
import { useCan } from "../../lib/session.tsx";
import { formatDateTime, useWorkspaceZone } from "../../lib/time.ts";
import { Badge, Button, Card, EmptyState, ErrorBanner, PageHeader, Select, Spinner, TextArea, TextInput } from "../../components/ui.tsx";

type ExpectationType = TestExpectation["type"];

const EXPECTATION_TYPES: { value: ExpectationType; label: string }[] = [
  { value: "appointment", label: "Books an appointment" },
  { value: "message", label: "Takes a message" },
  { value: "transfer", label: "Transfers the call" },
  { value: "no_transfer", label: "Does not transfer" },
  { value: "says", label: "Says…" },
  { value: "never_says", label: "Never says…" },
];

/** One expectation as the form edits it: every field a string, blank = not checked. */
interface ExpectationRow {
  type: ExpectationType;
  service: string;
  weekday: string;
  time: string;
  customerName: string;
  callerName: string;
  callbackNumber: string;
  contains: string;
  text: string;
}

const blankRow = (type: ExpectationType = "appointment"): ExpectationRow => ({
  type,
  service: "",
  weekday: "",
  time: "",
  customerName: "",
  callerName: "",
  callbackNumber: "",
  contains: "",
  text: "",
});

const rowOf = (e: TestExpectation): ExpectationRow => ({ ...blankRow(e.type), ...(e as Partial<ExpectationRow>) });

/** The expectation the API takes: only the fields of its type, blanks left out. */
function expectationOf(row: ExpectationRow): Record<string, string> {
  const keep = (keys: (keyof ExpectationRow)[]) => Object.fromEntries(keys.filter((k) => row[k].trim()).map((k) => [k, row[k].trim()]));
  switch (row.type) {
    case "appointment":
      return { type: row.type, ...keep(["service", "weekday", "time", "customerName"]) };
    case "message":
      return { type: row.type, ...keep(["callerName", "callbackNumber", "contains"]) };
    case "says":
    case "never_says":
      return { type: row.type, text: row.text };
    default:
      return { type: row.type };
  }
}

/** The expectation in plain words: "books cleaning on tue at 10:00 for Jane Smith". */
function describeExpectation(e: TestExpectation): string {
  switch (e.type) {
    case "appointment":
      return ["books", e.service ?? "an appointment", e.weekday && `on ${e.weekday}`, e.time && `at ${e.time}`, e.customerName && `for ${e.customerName}`]
        .filter(Boolean)
        .join(" ");
    case "message":
      return [
        "takes a message",
        e.callerName && `from ${e.callerName}`,
        e.callbackNumber && `at ${e.callbackNumber}`,
        e.contains && `containing “${e.contains}”`,
      ]
        .filter(Boolean)
        .join(" ");
    case "transfer":
      return "transfers the call";
    case "no_transfer":
      return "does not transfer the call";
    case "says":
      return `says “${e.text}”`;
    case "never_says":
      return `never says “${e.text}”`;
  }
}

const scenariosKey = (agentId: string) => ["agents", agentId, "test-scenarios"];
const runsKey = (agentId: string) => ["agents", agentId, "test-runs"];

const useScenarios = (agentId: string) =>
  useQuery({
    queryKey: scenariosKey(agentId),
    queryFn: async () => (await api<{ data: unknown[] }>(`/v1/agents/${agentId}/test-scenarios`)).data.map((s) => testScenarioSchema.parse(s)),
  });

const useRuns = (agentId: string) =>
  useQuery({
    queryKey: runsKey(agentId),
    queryFn: async () => (await api<{ data: unknown[] }>(`/v1/agents/${agentId}/test-runs?limit=20`)).data.map((r) => testRunSummarySchema.parse(r)),
  });

const useVersions = (agentId: string) =>
  useQuery({
    queryKey: ["agents", agentId, "versions"],
    queryFn: async () => (await api<{ data: AgentVersionDto[] }>(`/v1/agents/${agentId}/versions`)).data,
  });

function ExpectationEditor({
  row,
  index,
  errors,
  onChange,
  onRemove,
}: {
  row: ExpectationRow;
  index: number;
  errors: FieldErrors;
  onChange: (row: ExpectationRow) => void;
  onRemove: () => void;
}) {
  const at = (field: string) => errors[`expectations.${index}.${field}`];
  const input = (field: keyof ExpectationRow, label: string, placeholder?: string) => (
    <TextInput label={label} value={row[field]} placeholder={placeholder} error={at(field)} onChange={(e) => onChange({ ...row, [field]: e.target.value })} />
  );
  return (
    <fieldset className="space-y-2 rounded-lg p-3 ring-1 ring-slate-200">
      <div className="flex items-end gap-2">
        <div className="flex-1">
          <Select
            label={`Expectation ${index + 1}`}
            value={row.type}
            options={EXPECTATION_TYPES}
            onChange={(e) => onChange({ ...blankRow(e.target.value as ExpectationType) })}
          />
        </div>
        <Button type="button" variant="secondary" onClick={onRemove}>
          Remove
        </Button>
      </div>
      {row.type === "appointment" && (
        <div className="grid gap-2 sm:grid-cols-2">
          {input("service", "Service (id or name)", "cleaning")}
          <Select
            label="Weekday"
            value={row.weekday}
            error={at("weekday")}
            options={[{ value: "", label: "Any day" }, ...WEEKDAYS.map((d) => ({ value: d, label: d }))]}
            onChange={(e) => onChange({ ...row, weekday: e.target.value })}
          />
          {input("time", "Time (HH:MM)", "10:00")}
          {input("customerName", "Customer name", "Jane Smith")}
        </div>
      )}
      {row.type === "message" && (
        <div className="grid gap-2 sm:grid-cols-3">
          {input("callerName", "Caller name")}
          {input("callbackNumber", "Callback number")}
          {input("contains", "Message contains")}
        </div>
      )}
      {(row.type === "says" || row.type === "never_says") && input("text", "Words (any case)", "all set")}
    </fieldset>
  );
}

/** Add or edit a scenario: the caller's lines, one per line, and what the call must leave. */
function ScenarioForm({ agentId, scenario, onDone }: { agentId: string; scenario?: TestScenarioDto; onDone: () => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState(scenario?.name ?? "");
  const [turns, setTurns] = useState(scenario?.turns.join("\n") ?? "");
  const [rows, setRows] = useState<ExpectationRow[]>(scenario ? scenario.expectations.map(rowOf) : [blankRow()]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const save = useMutation({
    mutationFn: (body: unknown) =>
      scenario
        ? api<TestScenarioDto>(`/v1/agents/${agentId}/test-scenarios/${scenario.id}`, { method: "PATCH", body })
        : api<TestScenarioDto>(`/v1/agents/${agentId}/test-scenarios`, { body }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: scenariosKey(agentId) });
      if (!scenario) {
        setName("");
        setTurns("");
        setRows([blankRow()]);
      }
      onDone();
    },
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });
  const bannerError = save.error instanceof ApiError && Object.keys(save.error.fieldErrors()).length > 0 ? null : save.error;
  return (
    <form
      className="space-y-3"
      aria-label={scenario ? `Edit ${scenario.name}` : "Add a scenario"}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const body = {
          name,
          turns: turns
            .split("\n")
            .map((l) => l.trim())
            .filter(Boolean),
          expectations: rows.map(expectationOf),
        };
        const v = validate(testScenarioBodySchema, body);
        if (!v.ok) return setErrors(v.errors);
        setErrors({});
        save.mutate(v.data);
      }}
    >
      <TextInput label="Name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Books a cleaning tomorrow at 10" error={errors.name} />
      <TextArea
        label="What the caller says (one line per turn)"
        rows={5}
        value={turns}
        onChange={(e) => setTurns(e.target.value)}
        placeholder={"I'd like to book a cleaning tomorrow at 10am\nJane Smith\n555 212 1234\nyes please"}
        hint="The call runs on a Monday at 09:00 in the business's time zone, so “tomorrow” is a Tuesday."
        error={errors.turns ?? Object.entries(errors).find(([k]) => k.startsWith("turns."))?.[1]}
      />
      <div className="space-y-2">
        <p className="text-sm font-medium">The call must…</p>
        {rows.map((row, i) => (
          <ExpectationEditor
            key={i}
            row={row}
            index={i}
            errors={errors}
            onChange={(next) => setRows(rows.map((r, j) => (j === i ? next : r)))}
            onRemove={() => setRows(rows.filter((_, j) => j !== i))}
          />
        ))}
        {errors.expectations && <p className="text-sm text-red-800">{errors.expectations}</p>}
        <Button type="button" variant="secondary" onClick={() => setRows([...rows, blankRow("says")])} disabled={rows.length >= 20}>
          Add an expectation
        </Button>
      </div>
      <ErrorBanner error={bannerError} />
      <div className="flex gap-2">
        <Button type="submit" busy={save.isPending}>
          {scenario ? "Save scenario" : "Add scenario"}
        </Button>
        {scenario && (
          <Button type="button" variant="secondary" onClick={onDone}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}

function ScenarioItem({ agentId, scenario, canConfigure }: { agentId: string; scenario: TestScenarioDto; canConfigure: boolean }) {
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const remove = useMutation({
    mutationFn: () => api(`/v1/agents/${agentId}/test-scenarios/${scenario.id}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: scenariosKey(agentId) }),
  });
  return (
    <li className="space-y-2 py-3" aria-label={scenario.name}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="font-semibold">
            {scenario.name} {scenario.source === "template" && <Badge>from template</Badge>}
          </h3>
          <p className="text-sm text-slate-700">
            {scenario.turns.length} caller line{scenario.turns.length === 1 ? "" : "s"} · must {scenario.expectations.map(describeExpectation).join("; ")}
          </p>
        </div>
        {canConfigure && (
          <div className="flex gap-2">
            <Button type="button" variant="secondary" onClick={() => setEditing(!editing)}>
              {editing ? "Close" : "Edit"}
            </Button>
            <Button
              type="button"
              variant="danger"
              busy={remove.isPending}
              onClick={() => confirm(`Delete the scenario “${scenario.name}”?`) && remove.mutate()}
            >
              Delete
            </Button>
          </div>
        )}
      </div>
      {editing && <ScenarioForm agentId={agentId} scenario={scenario} onDone={() => setEditing(false)} />}
      <ErrorBanner error={remove.error} />
    </li>
  );
}

function ScenarioResultItem({ result }: { result: ScenarioResult }) {
  return (
    <li className="py-3" aria-label={`Result: ${result.name}`}>
      <p className="font-medium">
        <Badge tone={result.passed ? "green" : "red"}>{result.passed ? "passed" : "failed"}</Badge> {result.name}
      </p>
      {result.error && <p className="text-sm text-red-800">The simulation failed: {result.error}</p>}
      {result.failures.length > 0 && (
        <ul className="ml-4 list-disc text-sm text-red-800">
          {result.failures.map((f, i) => (
            <li key={i}>
              Expected it {describeExpectation(f.expectation)}: {f.found}
            </li>
          ))}
        </ul>
      )}
      <details className="mt-1 text-sm">
        <summary className="cursor-pointer text-slate-600">Transcript</summary>
        <ol className="mt-1 space-y-0.5 rounded bg-slate-50 p-2 ring-1 ring-slate-200">
          {result.transcript.map((line, i) => (
            <li key={i} className={line.speaker === "event" ? "italic text-slate-500" : ""}>
              {line.speaker !== "event" && <span className="font-semibold">{line.speaker === "caller" ? "Caller" : "Agent"}: </span>}
              {line.text}
            </li>
          ))}
        </ol>
      </details>
    </li>
  );
}

const versionLabel = (version: number | null) => (version === null ? "draft" : `version ${version}`);

function RunResults({ run }: { run: TestRunDto }) {
  const zone = useWorkspaceZone();
  return (
    <div data-testid="test-run" className="space-y-1">
      <p className="text-sm">
        <Badge tone={run.status === "passed" ? "green" : "red"}>{run.status}</Badge> {run.passed} passed, {run.failed} failed on {versionLabel(run.version)} ·{" "}
        {formatDateTime(run.startedAt, zone)}
      </p>
      <ul className="divide-y divide-slate-100">
        {run.results.map((r) => (
          <ScenarioResultItem key={r.scenarioId} result={r} />
        ))}
      </ul>
    </div>
  );
}

function RunPanel({ agentId, canOperate, hasScenarios }: { agentId: string; canOperate: boolean; hasScenarios: boolean }) {
  const qc = useQueryClient();
  const zone = useWorkspaceZone();
  const runs = useRuns(agentId);
  const versions = useVersions(agentId);
  const [target, setTarget] = useState("");
  const [shown, setShown] = useState<TestRunDto>();
  const start = useMutation({
    mutationFn: async () => testRunSchema.parse(await api(`/v1/agents/${agentId}/test-runs`, { body: target ? { version: Number(target) } : {} })),
    onSuccess: (run) => {
      setShown(run);
      void qc.invalidateQueries({ queryKey: runsKey(agentId) });
    },
  });
  const open = useMutation({
    mutationFn: async (runId: string) => testRunSchema.parse(await api(`/v1/agents/${agentId}/test-runs/${runId}`)),
    onSuccess: setShown,
  });
  return (
    <div className="space-y-6">
      {canOperate && (
        <Card title="Run the suite">
          <div className="flex flex-wrap items-end gap-2">
            <Select
              label="Against"
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              options={[{ value: "", label: "The draft" }, ...(versions.data ?? []).map((v) => ({ value: String(v.version), label: `Version ${v.version}` }))]}
            />
            <Button type="button" busy={start.isPending} disabled={!hasScenarios} onClick={() => start.mutate()}>
              Run tests
            </Button>
          </div>
          {!hasScenarios && <p className="mt-2 text-xs text-slate-600">Add a scenario first.</p>}
          <ErrorBanner error={start.error} />
        </Card>
      )}
      {shown && (
        <Card title={`Results · ${versionLabel(shown.version)}`}>
          <RunResults run={shown} />
        </Card>
      )}
      <Card title="Past runs">
        {runs.isPending ? (
          <Spinner />
        ) : runs.error ? (
          <ErrorBanner error={runs.error} />
        ) : runs.data.length === 0 ? (
          <EmptyState title="No runs yet">Runs appear here, and each publish runs the suite too.</EmptyState>
        ) : (
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="text-slate-600">
                <th className="py-1">When</th>
                <th>Config</th>
                <th>Result</th>
                <th>Started by</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {runs.data.map((r) => (
                <tr key={r.id} className="border-t border-slate-100">
                  <td className="py-1">{formatDateTime(r.startedAt, zone)}</td>
                  <td>{versionLabel(r.version)}</td>
                  <td>
                    <Badge tone={r.status === "passed" ? "green" : "red"}>
                      {r.passed}/{r.passed + r.failed}
                    </Badge>
                  </td>
                  <td>{r.trigger === "publish" ? "publish" : "a member"}</td>
                  <td>
                    <Button type="button" variant="secondary" onClick={() => open.mutate(r.id)}>
                      View
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <ErrorBanner error={open.error} />
      </Card>
    </div>
  );
}

/** The agent's test suite: scenarios to write, runs against the draft or a version, and past runs to compare. */
export function AgentTests() {
  const { id = "" } = useParams();
  const agent = useAgent(id);
  const scenarios = useScenarios(id);
  const canConfigure = useCan("admin");
  const canOperate = useCan("staff");
  return (
    <>
      <PageHeader
        title={agent.data ? `Tests · ${agent.data.name}` : "Tests"}
        subtitle="Scripted calls the agent must handle. Each runs as a simulated phone call (nothing is really booked or sent); publishing is refused when a test that passed on the published version fails."
        actions={
          <Link className="text-sm text-brand-700 underline" to={`/dashboard/agents/${id}`}>
            Back to the agent
          </Link>
        }
      />
      {agent.error ? (
        <ErrorBanner error={agent.error} />
      ) : (
        <div className="grid gap-6 lg:grid-cols-2">
          <div className="space-y-6">
            <Card title="Scenarios">
              {scenarios.isPending ? (
                <Spinner />
              ) : scenarios.error ? (
                <ErrorBanner error={scenarios.error} />
              ) : scenarios.data.length === 0 ? (
                <EmptyState title="No scenarios yet">{canConfigure ? "Add one below." : "An admin can add one."}</EmptyState>
              ) : (
                <ul className="divide-y divide-slate-100">
                  {scenarios.data.map((s) => (
                    <ScenarioItem key={s.id} agentId={id} scenario={s} canConfigure={canConfigure} />
                  ))}
                </ul>
              )}
            </Card>
            {canConfigure && (
              <Card title="Add a scenario">
                <ScenarioForm agentId={id} onDone={() => undefined} />
              </Card>
            )}
          </div>
          <RunPanel agentId={id} canOperate={canOperate} hasScenarios={(scenarios.data?.length ?? 0) > 0} />
        </div>
      )}
    </>
  );
}
