import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { practiceSessionListSchema, type PracticeSessionDto } from "@orbis/contracts";
import { api } from "../../../lib/api.ts";
import { queryString } from "../../../lib/queries.ts";
import { formatDateTime, useWorkspaceZone } from "../../../lib/time.ts";
import { Badge, Button, Card, EmptyState, ErrorBanner, Spinner } from "../../../components/ui.tsx";
import { PracticeShell } from "../../../components/practice/PracticeShell.tsx";
import { RepPicker } from "../../../components/practice/RepPicker.tsx";
import { scoreTone } from "../../../components/practice/PracticeReport.tsx";
import { SCENARIO_TYPE_LABEL, clock, useIsManager } from "../../../components/practice/practice-api.ts";

const STATUS_TONE = { live: "amber", completed: "green", abandoned: "slate" } as const;

/** Practice sessions, newest first, a page at a time. */
const usePracticeSessions = (userId: string) =>
  useInfiniteQuery({
    queryKey: ["practice", "sessions", "list", userId],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      practiceSessionListSchema.parse(await api(`/v1/practice/sessions${queryString({ userId, cursor: pageParam, limit: 25 })}`)),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

export function SessionRows({ sessions, showRep }: { sessions: PracticeSessionDto[]; showRep: boolean }) {
  const zone = useWorkspaceZone();
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <thead className="text-xs text-slate-600">
          <tr>
            <th className="py-2 pr-3 font-medium">Started</th>
            {showRep && <th className="py-2 pr-3 font-medium">Rep</th>}
            <th className="py-2 pr-3 font-medium">Scenario</th>
            <th className="py-2 pr-3 font-medium">Prospect</th>
            <th className="py-2 pr-3 font-medium">Length</th>
            <th className="py-2 pr-3 font-medium">Status</th>
            <th className="py-2 font-medium">Score</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {sessions.map((s) => (
            <tr key={s.id} data-session-id={s.id}>
              <td className="py-2 pr-3">
                <Link to={`/dashboard/practice/sessions/${s.id}`} className="text-brand-800 underline">
                  {formatDateTime(s.startedAt, zone)}
                </Link>
              </td>
              {showRep && <td className="py-2 pr-3">{s.userName ?? "—"}</td>}
              <td className="py-2 pr-3">
                {s.scenarioName} <span className="text-xs text-slate-600">({SCENARIO_TYPE_LABEL[s.scenarioType]})</span>
              </td>
              <td className="py-2 pr-3">{s.personaName}</td>
              <td className="py-2 pr-3">{s.durationSec === null ? "—" : clock(s.durationSec)}</td>
              <td className="py-2 pr-3">
                <Badge tone={STATUS_TONE[s.status]}>{s.status}</Badge>
              </td>
              <td className="py-2">{s.overallScore === null ? "—" : <Badge tone={scoreTone(s.overallScore)}>{Math.round(s.overallScore)}</Badge>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `/dashboard/practice/sessions`: every session you may read; owners and admins filter by rep. */
export function PracticeHistory() {
  const manager = useIsManager();
  const [userId, setUserId] = useState("");
  const sessions = usePracticeSessions(userId);
  const rows = sessions.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <PracticeShell title="Practice history" subtitle="Every rehearsal with its score. Open one for the full report and transcript.">
      {manager && (
        <div className="mb-4">
          <RepPicker value={userId} onChange={setUserId} emptyLabel="All reps" includeSelf />
        </div>
      )}
      <Card>
        {sessions.isPending && <Spinner label="Loading sessions" />}
        <ErrorBanner error={sessions.error} />
        {sessions.data && rows.length === 0 && (
          <EmptyState title="No practice sessions yet">
            <Link to="/dashboard/practice" className="text-brand-800 underline">
              Start one
            </Link>
          </EmptyState>
        )}
        {rows.length > 0 && <SessionRows sessions={rows} showRep={manager} />}
        {sessions.hasNextPage && (
          <Button variant="secondary" className="mt-3" onClick={() => void sessions.fetchNextPage()} busy={sessions.isFetchingNextPage}>
            Older sessions
          </Button>
        )}
      </Card>
    </PracticeShell>
  );
}
