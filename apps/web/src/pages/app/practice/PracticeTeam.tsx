import { formatDateTime, useWorkspaceZone } from "../../../lib/time.ts";
import { Card, EmptyState, ErrorBanner, Spinner } from "../../../components/ui.tsx";
import { PracticeShell } from "../../../components/practice/PracticeShell.tsx";
import { useIsManager, useTeamDashboard } from "../../../components/practice/practice-api.ts";

const change = (n: number | null) => (n === null ? "—" : `${n > 0 ? "+" : n < 0 ? "−" : "±"}${Math.abs(Math.round(n))}`);

/** `/dashboard/practice/team` (owners and admins): the leaderboard by average score, score changes, who has not practised. */
export function PracticeTeam() {
  const manager = useIsManager();
  const zone = useWorkspaceZone();
  const team = useTeamDashboard(manager);
  const reps = [...(team.data?.reps ?? [])].sort((a, b) => (b.averageScore ?? -1) - (a.averageScore ?? -1) || b.sessions - a.sessions);
  const nameOf = (id: string) => {
    const r = team.data?.reps.find((x) => x.userId === id || x.email === id);
    return r ? (r.name ?? r.email) : id;
  };
  return (
    <PracticeShell title="Team practice" subtitle="Who practises, how they score, and who has not practised in the last 14 days.">
      {!manager && <ErrorBanner error="Only owners and admins can see the team's practice." />}
      {manager && team.isPending && <Spinner label="Loading the team" />}
      <ErrorBanner error={team.error} />
      {team.data && (
        <div className="space-y-6">
          <Card title="Leaderboard">
            {reps.length === 0 ? (
              <EmptyState title="No members yet" />
            ) : (
              <div className="overflow-x-auto">
                <table className="w-full text-left text-sm" aria-label="Leaderboard">
                  <thead className="text-xs text-slate-600">
                    <tr>
                      <th className="py-2 pr-3 font-medium">Rank</th>
                      <th className="py-2 pr-3 font-medium">Rep</th>
                      <th className="py-2 pr-3 font-medium">Sessions</th>
                      <th className="py-2 pr-3 font-medium">Average score</th>
                      <th className="py-2 pr-3 font-medium">Score change</th>
                      <th className="py-2 font-medium">Last practised</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {reps.map((r, i) => (
                      <tr key={r.userId}>
                        <td className="py-2 pr-3">{i + 1}</td>
                        <td className="py-2 pr-3">
                          <p className="font-medium text-slate-900">{r.name ?? r.email}</p>
                          {r.name && <p className="text-xs text-slate-600">{r.email}</p>}
                        </td>
                        <td className="py-2 pr-3">{r.sessions}</td>
                        <td className="py-2 pr-3">{r.averageScore === null ? "—" : Math.round(r.averageScore)}</td>
                        <td
                          className={`py-2 pr-3 ${r.scoreChange !== null && r.scoreChange > 0 ? "text-green-800" : r.scoreChange !== null && r.scoreChange < 0 ? "text-red-700" : ""}`}
                          title="Average of the last 5 sessions minus the 5 before"
                        >
                          {change(r.scoreChange)}
                        </td>
                        <td className="py-2">{r.lastPracticedAt ? formatDateTime(r.lastPracticedAt, zone) : "Never"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
          <Card title="Not practised in the last 14 days">
            {team.data.notPracticed.length === 0 ? (
              <p className="text-sm text-slate-700">Everyone has practised recently.</p>
            ) : (
              <ul className="list-disc pl-5 text-sm text-slate-800" aria-label="Not practised">
                {team.data.notPracticed.map((id) => (
                  <li key={id}>{nameOf(id)}</li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      )}
    </PracticeShell>
  );
}
