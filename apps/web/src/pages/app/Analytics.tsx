import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { agentAnalyticsListSchema, type AgentAnalyticsDto, type CallOutcome } from "@orbis/contracts";
import { api } from "../../lib/api.ts";
import { queryString } from "../../lib/queries.ts";
import { addDays, dayOf, formatDay, instantAt, isDay, useWorkspaceZone, zoneLabel, type Day } from "../../lib/time.ts";
import { Button, Card, EmptyState, ErrorBanner, PageHeader, Spinner, TextInput } from "../../components/ui.tsx";

const MAX_DAYS = 366;

/** Outcomes in the order the bar stacks them, with the words and colours the calls page uses. */
const OUTCOMES: { key: CallOutcome; label: string; swatch: string }[] = [
  { key: "booked", label: "Booked", swatch: "bg-emerald-600" },
  { key: "messageTaken", label: "Message taken", swatch: "bg-brand-600" },
  { key: "transferred", label: "Transferred", swatch: "bg-slate-500" },
  { key: "cancelled", label: "Cancelled", swatch: "bg-amber-500" },
  { key: "answered", label: "Answered", swatch: "bg-slate-300" },
  { key: "noConversation", label: "No conversation", swatch: "bg-slate-100 ring-1 ring-inset ring-slate-300" },
  { key: "failed", label: "Failed", swatch: "bg-red-600" },
];

const STAGES: { key: "endpoint" | "asr" | "llm" | "tts" | "e2e"; label: string }[] = [
  { key: "endpoint", label: "End-of-turn wait" },
  { key: "asr", label: "Speech-to-text" },
  { key: "llm", label: "Brain" },
  { key: "tts", label: "Speech" },
  { key: "e2e", label: "Whole turn" },
];

const usd = (n: number) => `$${n.toFixed(n > 0 && n < 1 ? 4 : 2)}`;
const pct = (n: number | null) => (n === null ? "–" : `${Math.round(n * 100)}%`);
const ms = (n: number | null) => (n === null ? "–" : `${n.toLocaleString()} ms`);

const useAgentAnalytics = (from: string, to: string) =>
  useQuery({
    queryKey: ["analytics", "agents", from, to],
    queryFn: async () => agentAnalyticsListSchema.parse(await api(`/v1/analytics/agents${queryString({ from, to })}`)),
  });

/** One stacked bar of the agent's calls by outcome, and its legend with the counts. */
function OutcomeBar({ agent }: { agent: AgentAnalyticsDto }) {
  const shown = OUTCOMES.filter((o) => agent.outcomes[o.key] > 0);
  return (
    <div>
      <div
        className="flex h-3 w-full overflow-hidden rounded-full bg-slate-100"
        role="img"
        aria-label={`Outcomes: ${shown.map((o) => `${o.label} ${agent.outcomes[o.key]}`).join(", ") || "none"}`}
      >
        {shown.map((o) => (
          <div
            key={o.key}
            className={o.swatch}
            style={{ width: `${(agent.outcomes[o.key] / agent.calls) * 100}%` }}
            title={`${o.label}: ${agent.outcomes[o.key]}`}
          />
        ))}
      </div>
      <ul className="mt-2 flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-700" aria-label="Outcomes">
        {shown.map((o) => (
          <li key={o.key} className="flex items-center gap-1">
            <span className={`inline-block h-2.5 w-2.5 rounded-sm ${o.swatch}`} aria-hidden /> {o.label}{" "}
            <span className="tabular-nums font-semibold">{agent.outcomes[o.key]}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** p50 (solid) and p95 (light) per stage, on one scale: the slowest p95 of the agent. */
function LatencyBars({ latency }: { latency: AgentAnalyticsDto["latencyMs"] }) {
  const max = Math.max(1, ...STAGES.map((s) => latency[s.key].p95 ?? latency[s.key].p50 ?? 0));
  if (latency.turns === 0) return <p className="text-sm text-slate-600">No timed turns in this range.</p>;
  return (
    <table className="w-full table-fixed text-sm">
      <caption className="sr-only">Latency per stage, p50 and p95</caption>
      <thead className="text-xs text-slate-600">
        <tr>
          <th scope="col" className="py-1 text-left font-medium">
            Stage
          </th>
          <th scope="col" className="w-16 py-1 text-right font-medium">
            p50
          </th>
          <th scope="col" className="w-16 py-1 text-right font-medium">
            p95
          </th>
        </tr>
      </thead>
      <tbody>
        {STAGES.map((s) => {
          const { p50, p95 } = latency[s.key];
          return (
            <tr key={s.key}>
              <th scope="row" className="py-1 pr-2 text-left font-normal">
                <span className="block truncate">{s.label}</span>
                <span className="relative mt-1 block h-1.5 rounded-full bg-slate-100" aria-hidden>
                  <span className="absolute inset-y-0 left-0 rounded-full bg-brand-100" style={{ width: `${((p95 ?? 0) / max) * 100}%` }} />
                  <span className="absolute inset-y-0 left-0 rounded-full bg-brand-600" style={{ width: `${((p50 ?? 0) / max) * 100}%` }} />
                </span>
              </th>
              <td className="py-1 text-right tabular-nums">{ms(p50)}</td>
              <td className="py-1 text-right tabular-nums text-slate-600">{ms(p95)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function AgentCard({ agent }: { agent: AgentAnalyticsDto }) {
  return (
    <Card title={<span className="break-words">{agent.name}</span>}>
      <div data-testid="analytics-agent" className="space-y-5">
        <dl className="grid grid-cols-3 gap-2 text-sm">
          <div>
            <dt className="text-xs text-slate-600">Calls</dt>
            <dd className="text-lg font-semibold tabular-nums" data-testid="analytics-calls">
              {agent.calls.toLocaleString()}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-slate-600">Booking rate</dt>
            <dd className="text-lg font-semibold tabular-nums">{pct(agent.bookingRate)}</dd>
          </div>
          <div>
            <dt className="text-xs text-slate-600">Cost</dt>
            <dd className="text-lg font-semibold tabular-nums">{usd(agent.costUsd)}</dd>
          </div>
        </dl>
        <section>
          <h3 className="mb-2 text-sm font-semibold text-slate-900">Outcomes</h3>
          <OutcomeBar agent={agent} />
        </section>
        <section>
          <h3 className="mb-1 text-sm font-semibold text-slate-900">
            Latency <span className="font-normal text-slate-600">({agent.latencyMs.turns.toLocaleString()} timed turns)</span>
          </h3>
          <LatencyBars latency={agent.latencyMs} />
        </section>
      </div>
    </Card>
  );
}

export function Analytics() {
  const zone = useWorkspaceZone();
  const today = dayOf(new Date(), zone);
  const [range, setRange] = useState<{ from: Day; to: Day }>({ from: addDays(today, -6), to: today });
  const [draft, setDraft] = useState(range);
  const [rangeError, setRangeError] = useState<string>();
  const from = instantAt(range.from, zone).toISOString();
  const to = instantAt(addDays(range.to, 1), zone).toISOString();
  const analytics = useAgentAnalytics(from, to);

  const apply = () => {
    if (!isDay(draft.from) || !isDay(draft.to)) return setRangeError("Choose both dates.");
    if (draft.from > draft.to) return setRangeError("The start must not be after the end.");
    if ((Date.parse(draft.to) - Date.parse(draft.from)) / 86_400_000 + 1 > MAX_DAYS) return setRangeError(`At most ${MAX_DAYS} days.`);
    setRangeError(undefined);
    setRange(draft);
  };

  const label = (d: Day) => formatDay(d, { month: "short", day: "numeric", year: "numeric" });
  return (
    <>
      <PageHeader
        title="Analytics"
        subtitle={`Per agent, ${label(range.from)} – ${label(range.to)}, days in ${zoneLabel(zone)}: calls, outcomes, booking rate, latency and cost.`}
      />
      <form
        className="mb-6 flex flex-wrap items-end gap-3"
        aria-label="Date range"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <TextInput label="From" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        <TextInput label="To" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} error={rangeError} />
        <Button type="submit">Show</Button>
      </form>
      {analytics.isPending ? (
        <Spinner label="Loading analytics" />
      ) : analytics.error ? (
        <ErrorBanner error={analytics.error} />
      ) : analytics.data.data.length === 0 ? (
        <EmptyState title="No calls in this range">Calls appear here once an agent has answered one, on the phone, the widget or “Try this agent”.</EmptyState>
      ) : (
        <div className="grid gap-6 lg:grid-cols-2">
          {analytics.data.data.map((a) => (
            <AgentCard key={a.agentId ?? "deleted"} agent={a} />
          ))}
        </div>
      )}
    </>
  );
}
