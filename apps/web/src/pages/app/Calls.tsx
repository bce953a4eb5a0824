import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import type { z } from "zod";
import { CALL_STATUSES, CHANNELS, type CallDto, type callDetailSchema, type callTurnSchema } from "@orbis/contracts";
import { CallSomeone } from "./CallSomeone.tsx";
import { useAgents, useCall, useCalls, type CallFilters } from "../../lib/queries.ts";
import { addDays, formatDateTime, formatTimeWithSeconds, instantAt, isDay, useWorkspaceZone, zoneLabel } from "../../lib/time.ts";
import { Badge, Button, Card, EmptyState, ErrorBanner, PageHeader, Select, Spinner, TextInput } from "../../components/ui.tsx";

type CallDetail = z.infer<typeof callDetailSchema>;
type Turn = z.infer<typeof callTurnSchema>;

export const fmtDuration = (s?: number | null) => (s == null ? "–" : `${Math.floor(s / 60)}:${String(Math.round(s) % 60).padStart(2, "0")}`);

const STATUS_TONE: Record<CallDto["status"], "slate" | "green" | "amber" | "red"> = {
  queued: "slate",
  ringing: "amber",
  in_progress: "amber",
  completed: "green",
  failed: "red",
  busy: "slate",
  no_answer: "slate",
};
const statusLabel = (s: string) => s.replace("_", " ");

const END_REASONS: Record<string, string> = {
  caller_hangup: "Caller hung up",
  agent_ended: "Agent ended the call",
  idle_timeout: "Ended after silence",
  transfer: "Transferred",
  protocol_error: "Connection error",
  error: "Error",
  server_shutdown: "Server restarted",
};
export const endReasonLabel = (r: string | null) => (r ? (END_REASONS[r] ?? r.replace(/_/g, " ")) : "–");

type Tone = "green" | "amber" | "slate" | "red";
const STORED_OUTCOMES: Record<NonNullable<CallDto["outcome"]>, { label: string; tone: Tone }> = {
  booked: { label: "Appointment booked", tone: "green" },
  rescheduled: { label: "Appointment moved", tone: "green" },
  cancelled: { label: "Appointment cancelled", tone: "amber" },
  message: { label: "Message taken", tone: "green" },
  transferred: { label: "Transferred", tone: "slate" },
  do_not_call: { label: "Do not call", tone: "slate" },
  no_action: { label: "No action", tone: "slate" },
};

/** The outcome stored when the call ended, as a label; undefined for a call without one (live, or older). */
export function storedOutcome(call: Pick<CallDto, "outcome" | "status">): { label: string; tone: Tone } | undefined {
  if (!call.outcome) return undefined;
  if (call.outcome === "no_action" && call.status === "failed") return { label: "Failed", tone: "red" };
  return STORED_OUTCOMES[call.outcome];
}

/** What the call achieved: the outcome stored when it ended, else from its successful tool calls, else how it ended. */
export function callOutcome(call: Pick<CallDetail, "turns" | "endReason" | "status"> & Partial<Pick<CallDto, "outcome">>): { label: string; tone: Tone } {
  const stored = storedOutcome({ outcome: call.outcome ?? null, status: call.status });
  if (stored) return stored;
  const ok = new Set(call.turns.flatMap((t) => t.toolCalls.filter((c) => c.ok).map((c) => c.name)));
  if (ok.has("book_appointment") || ok.has("reschedule_appointment"))
    return { label: ok.has("book_appointment") ? "Appointment booked" : "Appointment moved", tone: "green" };
  if (ok.has("cancel_appointment")) return { label: "Appointment cancelled", tone: "amber" };
  if (ok.has("take_message")) return { label: "Message taken", tone: "green" };
  if (ok.has("transfer_call")) return { label: "Transferred", tone: "slate" };
  if (call.status === "failed") return { label: "Failed", tone: "red" };
  return { label: call.turns.length ? "Answered" : endReasonLabel(call.endReason), tone: "slate" };
}

/** yyyy-mm-dd (local day) → the instant it starts, with its offset, as the API wants. */

export function CallsList() {
  // Filters live in the URL (?agentId=…&status=…&channel=…&from=yyyy-mm-dd&to=yyyy-mm-dd): links and reloads keep them.
  const [params, setParams] = useSearchParams();
  const agentId = params.get("agentId") ?? "";
  const status = params.get("status") ?? "";
  const channel = params.get("channel") ?? "";
  const fromDay = params.get("from") ?? "";
  const toDay = params.get("to") ?? "";
  const setter = (key: string) => (value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  const [setAgentId, setStatus, setChannel, setFromDay, setToDay] = [setter("agentId"), setter("status"), setter("channel"), setter("from"), setter("to")];
  const zone = useWorkspaceZone();
  const filters: CallFilters = {
    agentId,
    status,
    channel,
    from: isDay(fromDay) ? instantAt(fromDay, zone).toISOString() : undefined,
    to: isDay(toDay) ? instantAt(addDays(toDay, 1), zone).toISOString() : undefined,
  };
  const calls = useCalls(filters);
  const [calling, setCalling] = useState(false);
  const agents = useAgents();
  const agentName = (id: string | null) => (id ? (agents.data?.data.find((a) => a.id === id)?.name ?? id) : "–");
  const rows = calls.data?.pages.flatMap((p) => p.data) ?? [];
  const filtered = !!(agentId || status || channel || fromDay || toDay);
  return (
    <>
      <PageHeader
        title="Calls"
        subtitle={`Every phone and website call with its transcript, latency and outcome. Times in ${zoneLabel(zone)}.`}
        actions={!calling && <Button onClick={() => setCalling(true)}>Call someone</Button>}
      />
      {calling && <CallSomeone onClose={() => setCalling(false)} />}
      <form className="mb-4 grid gap-3 sm:grid-cols-3 lg:grid-cols-6" aria-label="Filter calls" onSubmit={(e) => e.preventDefault()}>
        <Select
          label="Agent"
          value={agentId}
          onChange={(e) => setAgentId(e.target.value)}
          options={[{ value: "", label: "All agents" }, ...(agents.data?.data ?? []).map((a) => ({ value: a.id, label: a.name }))]}
        />
        <Select
          label="Status"
          value={status}
          onChange={(e) => setStatus(e.target.value)}
          options={[{ value: "", label: "Any status" }, ...CALL_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))]}
        />
        <Select
          label="Channel"
          value={channel}
          onChange={(e) => setChannel(e.target.value)}
          options={[{ value: "", label: "Any channel" }, ...CHANNELS.map((c) => ({ value: c, label: c }))]}
        />
        <TextInput label="From" type="date" value={fromDay} max={toDay || undefined} onChange={(e) => setFromDay(e.target.value)} />
        <TextInput label="To" type="date" value={toDay} min={fromDay || undefined} onChange={(e) => setToDay(e.target.value)} />
        <div className="flex items-end">
          <Button type="button" variant="ghost" disabled={!filtered} onClick={() => setParams({}, { replace: true })}>
            Clear filters
          </Button>
        </div>
      </form>
      {calls.isPending ? (
        <Spinner label="Loading calls" />
      ) : calls.error ? (
        <ErrorBanner error={calls.error} />
      ) : rows.length === 0 ? (
        <EmptyState title={filtered ? "No calls match these filters" : "No calls yet"}>
          {filtered ? "Clear a filter to see more." : "Place one with “Try this agent” or embed the widget on your site."}
        </EmptyState>
      ) : (
        <>
          <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Calls, newest first</caption>
              <thead className="bg-slate-50 text-slate-700">
                <tr>
                  <th scope="col" className="px-4 py-2 font-semibold">
                    Started
                  </th>
                  <th scope="col" className="px-4 py-2 font-semibold">
                    Agent
                  </th>
                  <th scope="col" className="px-4 py-2 font-semibold">
                    Channel
                  </th>
                  <th scope="col" className="px-4 py-2 font-semibold">
                    Caller
                  </th>
                  <th scope="col" className="px-4 py-2 font-semibold">
                    Duration
                  </th>
                  <th scope="col" className="px-4 py-2 font-semibold">
                    Turns
                  </th>
                  <th scope="col" className="px-4 py-2 font-semibold">
                    Status
                  </th>
                  <th scope="col" className="px-4 py-2 font-semibold">
                    Outcome
                  </th>
                  <th scope="col" className="px-4 py-2 font-semibold">
                    Ended
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((c) => (
                  <tr key={c.id} data-call-id={c.id}>
                    <td className="whitespace-nowrap px-4 py-2">
                      <Link className="text-brand-700 underline" to={`/dashboard/calls/${c.id}`}>
                        {formatDateTime(c.startedAt, zone)}
                      </Link>
                    </td>
                    <td className="px-4 py-2">{agentName(c.agentId)}</td>
                    <td className="px-4 py-2">
                      {c.channel}
                      {c.direction === "outbound" ? " (outbound)" : ""}
                    </td>
                    <td className="px-4 py-2">{c.caller ?? "–"}</td>
                    <td className="px-4 py-2 tabular-nums">{fmtDuration(c.durationSec)}</td>
                    <td className="px-4 py-2 tabular-nums">{c.turnCount ?? "–"}</td>
                    <td className="px-4 py-2">
                      <Badge tone={STATUS_TONE[c.status]}>{statusLabel(c.status)}</Badge>
                    </td>
                    <td className="max-w-xs px-4 py-2" data-testid="call-list-outcome">
                      {storedOutcome(c) ? <Badge tone={storedOutcome(c)!.tone}>{storedOutcome(c)!.label}</Badge> : "–"}
                      {c.summary && (
                        <span className="mt-0.5 block truncate text-xs text-slate-600" title={c.summary}>
                          {c.summary}
                        </span>
                      )}
                    </td>
                    <td className="px-4 py-2">{endReasonLabel(c.endReason)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {calls.hasNextPage && (
            <div className="mt-4 text-center">
              <Button variant="secondary" busy={calls.isFetchingNextPage} onClick={() => void calls.fetchNextPage()}>
                Load more calls
              </Button>
            </div>
          )}
        </>
      )}
    </>
  );
}

export interface LatencyStage {
  label: string;
  ms: number | null;
}

/**
 * The turn's stages from the end of the caller's speech to the first agent audio: waiting for the end
 * of the turn, speech-to-text, the brain, speech synthesis, then sending (whatever of the total the
 * measured stages do not cover), so the stages always add up to the total.
 */
export function latencyStages(t: Pick<Turn, "endpointMs" | "asrMs" | "llmMs" | "ttsMs" | "e2eMs">): { stages: LatencyStage[]; totalMs: number | null } {
  const measured: LatencyStage[] = [
    { label: "end-of-turn wait", ms: t.endpointMs },
    { label: "speech-to-text", ms: t.asrMs },
    { label: "brain", ms: t.llmMs },
    { label: "speech", ms: t.ttsMs },
  ];
  if (t.e2eMs == null) return { stages: measured, totalMs: null };
  const covered = measured.reduce((n, s) => n + (s.ms ?? 0), 0);
  return { stages: [...measured, { label: "sending", ms: Math.max(0, t.e2eMs - covered) }], totalMs: t.e2eMs };
}

const STAGE_COLOURS = ["bg-amber-500", "bg-sky-500", "bg-violet-500", "bg-emerald-500", "bg-slate-400"];

function Latency({ t }: { t: Turn }) {
  const { stages, totalMs } = latencyStages(t);
  if (totalMs == null && stages.every((s) => s.ms == null)) return null;
  const total = Math.max(1, totalMs ?? stages.reduce((n, s) => n + (s.ms ?? 0), 0));
  return (
    <div className="mt-2 text-xs text-slate-600" data-testid="turn-latency">
      <div className="mb-1 flex h-1.5 w-full max-w-xs overflow-hidden rounded-full bg-slate-100" aria-hidden>
        {stages.map((s, i) => (s.ms ? <div key={s.label} className={STAGE_COLOURS[i]} style={{ width: `${Math.min(100, (s.ms / total) * 100)}%` }} /> : null))}
      </div>
      {stages.map((s) => `${s.label} ${s.ms ?? "–"} ms`).join(" + ")}
      {totalMs != null && (
        <>
          {" = "}
          <strong className="text-slate-800">total {totalMs} ms</strong>
        </>
      )}
    </div>
  );
}

/** The agent's line; when the caller barged in, the part they did not hear is struck through. */
function AgentLine({ t }: { t: Turn }) {
  const text = t.agentText ?? "";
  const heard = t.heardText ?? "";
  if (!t.interrupted) return <>{text}</>;
  // heardText "" = interrupted before any of it played; null = not measured.
  const prefix = t.heardText != null && text.startsWith(heard) ? heard : null;
  return prefix !== null ? (
    <>
      {prefix}
      <del className="text-slate-400" title="Not heard: the caller interrupted">
        {text.slice(prefix.length)}
      </del>
    </>
  ) : (
    <>
      {text}
      {heard && <span className="block text-xs text-slate-600">Caller heard: “{heard}”</span>}
    </>
  );
}

function ToolCall({ c }: { c: Turn["toolCalls"][number] }) {
  return (
    <li className="rounded-md bg-amber-50 px-2 py-1 text-xs text-amber-950">
      <span className="font-mono font-semibold">{c.name}</span> <Badge tone={c.ok ? "green" : "red"}>{c.ok ? "ok" : "failed"}</Badge>
      {c.ms != null && <span className="ml-1 text-amber-900">{Math.round(c.ms)} ms</span>}
      {c.error && <span className="ml-1 text-red-800">{c.error}</span>}
      {(c.args !== undefined || c.result !== undefined) && (
        <details className="mt-1">
          <summary className="cursor-pointer">details</summary>
          {c.args !== undefined && (
            <>
              <p className="mt-1 font-semibold">Arguments</p>
              <pre className="overflow-x-auto whitespace-pre-wrap break-all font-mono">{JSON.stringify(c.args, null, 2)}</pre>
            </>
          )}
          {c.result !== undefined && (
            <>
              <p className="mt-1 font-semibold">Result</p>
              <pre className="overflow-x-auto whitespace-pre-wrap break-all font-mono">{JSON.stringify(c.result, null, 2)}</pre>
            </>
          )}
        </details>
      )}
    </li>
  );
}

export function CallPage() {
  const { id = "" } = useParams();
  const call = useCall(id);
  const agents = useAgents();
  const zone = useWorkspaceZone();
  if (call.isPending) return <Spinner label="Loading call" />;
  if (call.error) {
    return (
      <>
        <PageHeader title="Call" />
        <ErrorBanner error={call.error} />
      </>
    );
  }
  const c = call.data;
  const agent = agents.data?.data.find((a) => a.id === c.agentId);
  const outcome = callOutcome(c);
  const e2e = c.turns.map((t) => t.e2eMs).filter((v): v is number => v != null);
  return (
    <>
      <PageHeader
        title="Call"
        subtitle={
          <>
            {agent ? (
              <Link to={`/dashboard/agents/${agent.id}`} className="underline">
                {agent.name}
              </Link>
            ) : (
              c.agentId
            )}{" "}
            · <span className="font-mono text-xs">{c.id}</span>
          </>
        }
        actions={
          <Link to="/dashboard/calls" className="rounded-lg px-3.5 py-2 text-sm font-semibold ring-1 ring-slate-300">
            All calls
          </Link>
        }
      />
      {c.summary && (
        <p className="mb-4 rounded-xl border border-slate-200 bg-white p-4 text-sm text-slate-900" data-testid="call-summary">
          <span className="mr-2 text-xs font-medium uppercase tracking-wide text-slate-500">Summary</span>
          {c.summary}
        </p>
      )}
      <dl className="mb-6 grid grid-cols-2 gap-4 md:grid-cols-3 lg:grid-cols-6">
        {(
          [
            ["Started", `${formatDateTime(c.startedAt, zone)} (${zoneLabel(zone, new Date(c.startedAt))})`],
            ["Duration", fmtDuration(c.durationSec)],
            ["Channel", `${c.channel} · ${c.direction}`],
            ["Caller", c.caller ?? "–"],
            [
              "Status",
              <Badge key="s" tone={STATUS_TONE[c.status]}>
                {statusLabel(c.status)}
              </Badge>,
            ],
            [
              "Outcome",
              <span key="o" data-testid="call-outcome">
                <Badge tone={outcome.tone}>{outcome.label}</Badge> <span className="block text-xs text-slate-600">{endReasonLabel(c.endReason)}</span>
              </span>,
            ],
          ] as const
        ).map(([k, v]) => (
          <div key={k} className="rounded-xl border border-slate-200 bg-white p-4">
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{k}</dt>
            <dd className="mt-1 text-sm text-slate-900">{v}</dd>
          </div>
        ))}
      </dl>
      <div className="grid gap-6 lg:grid-cols-3">
        <Card
          title="Transcript"
          className="lg:col-span-2"
          actions={
            e2e.length > 0 && (
              <span className="text-xs text-slate-600">
                {c.turns.length} turns · median {[...e2e].sort((a, b) => a - b)[Math.floor((e2e.length - 1) / 2)]} ms
              </span>
            )
          }
        >
          {c.turns.length === 0 ? (
            <EmptyState title="No turns recorded">{c.status === "in_progress" ? "The call is still going on." : "Nobody spoke on this call."}</EmptyState>
          ) : (
            <ol className="space-y-3" aria-label="Transcript">
              {c.turns.map((t) => (
                <li key={t.seq} data-testid="turn" className="rounded-lg border border-slate-100 p-3 text-sm">
                  <p className="mb-1 text-xs text-slate-500">
                    Turn {t.seq} · {formatTimeWithSeconds(t.startedAt, zone)}
                    {t.interrupted && (
                      <span className="ml-2">
                        <Badge tone="amber">Interrupted</Badge>
                      </span>
                    )}
                  </p>
                  {t.userText && (
                    <p data-role="user">
                      <span className="font-semibold">Caller:</span> {t.userText}
                    </p>
                  )}
                  {t.toolCalls.length > 0 && (
                    <ul className="my-1 space-y-1" aria-label="Tool calls">
                      {t.toolCalls.map((tc, j) => (
                        <ToolCall key={j} c={tc} />
                      ))}
                    </ul>
                  )}
                  {t.agentText && (
                    <p className="mt-1" data-role="agent">
                      <span className="font-semibold">Agent:</span> <AgentLine t={t} />
                    </p>
                  )}
                  <Latency t={t} />
                </li>
              ))}
            </ol>
          )}
        </Card>
        <Card title="Events">
          {c.events.length === 0 ? (
            <EmptyState title="No events" />
          ) : (
            <ol className="space-y-1 text-xs" aria-label="Call events">
              {c.events.map((e, i) => (
                <li key={i} className="flex gap-2">
                  <time className="shrink-0 tabular-nums text-slate-500" dateTime={e.at}>
                    {formatTimeWithSeconds(e.at, zone)}
                  </time>
                  <span className="font-medium text-slate-800">{e.kind.replace(/_/g, " ")}</span>
                  {e.detail !== undefined && (
                    <span className="truncate text-slate-600" title={JSON.stringify(e.detail)}>
                      {typeof e.detail === "string" ? e.detail : JSON.stringify(e.detail)}
                    </span>
                  )}
                </li>
              ))}
            </ol>
          )}
          {c.carrierEvents.length > 0 && (
            <>
              <h3 className="mb-1 mt-4 text-sm font-semibold text-slate-800">From the carrier</h3>
              <ol className="space-y-1 text-xs" aria-label="Carrier events">
                {c.carrierEvents.map((e, i) => (
                  <li key={i} className="flex flex-wrap gap-x-2">
                    <time className="shrink-0 tabular-nums text-slate-500" dateTime={e.at}>
                      {formatTimeWithSeconds(e.at, zone)}
                    </time>
                    <span className="font-medium text-slate-800">
                      {e.provider} {e.kind.replace(/[._]/g, " ")}
                      {e.status ? `: ${e.status.replace(/_/g, " ")}` : ""}
                    </span>
                    {e.kind === "transfer" && (e.detail as { to?: string; error?: string } | null)?.to && (
                      <span className="text-slate-600">to {(e.detail as { to: string }).to}</span>
                    )}
                    {(e.detail as { error?: string } | null)?.error && <span className="text-red-800">{(e.detail as { error: string }).error}</span>}
                  </li>
                ))}
              </ol>
            </>
          )}
          {c.recordingUrl ? (
            <div className="mt-4">
              <h3 className="text-sm font-semibold text-slate-800">Recording</h3>
              <audio className="mt-2 w-full" controls preload="none" src={c.recordingUrl} aria-label="Call recording (caller left, agent right)" />
            </div>
          ) : (
            <p className="mt-4 text-xs text-slate-500">No recording is available for this call.</p>
          )}
        </Card>
      </div>
    </>
  );
}
