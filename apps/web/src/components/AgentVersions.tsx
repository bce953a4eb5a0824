import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AgentVersionDiffDto, AgentVersionDto, ConfigChange, PublishResultDto } from "@orbis/contracts";
import { api } from "../lib/api.ts";
import { useCan } from "../lib/session.tsx";
import { formatDateTime, useWorkspaceZone } from "../lib/time.ts";
import { Badge, Button, Card, ErrorBanner, Spinner } from "./ui.tsx";

const versionsKey = (agentId: string) => ["agent-versions", agentId];

/** A value of a config field, short enough for a table cell. */
function shown(value: unknown): string {
  if (value === undefined) return "—";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

function DiffTable({ changes }: { changes: ConfigChange[] }) {
  if (changes.length === 0) return <p className="text-sm text-slate-600">The draft is the same as this version.</p>;
  return (
    <table className="w-full table-fixed text-left text-xs">
      <thead>
        <tr className="text-slate-600">
          <th className="w-1/4 py-1 font-medium">Field</th>
          <th className="py-1 font-medium">This version</th>
          <th className="py-1 font-medium">Draft</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr key={c.path} className="border-t border-slate-200 align-top">
            <td className="py-1 pr-2 font-mono break-words">{c.path}</td>
            <td className="py-1 pr-2 break-words text-red-800">{shown(c.before)}</td>
            <td className="py-1 break-words text-green-800">{shown(c.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function VersionDetail({ agentId, version, live }: { agentId: string; version: AgentVersionDto; live: boolean }) {
  const qc = useQueryClient();
  const canEdit = useCan("admin");
  const [view, setView] = useState<"diff" | "config">("diff");
  const diff = useQuery({
    queryKey: [...versionsKey(agentId), version.version, "diff"],
    queryFn: () => api<AgentVersionDiffDto>(`/v1/agents/${agentId}/versions/${version.version}/diff`),
    enabled: view === "diff",
  });
  const rollback = useMutation({
    mutationFn: () => api<PublishResultDto>(`/v1/agents/${agentId}/versions/${version.version}/rollback`, { method: "POST", body: {} }),
    onSuccess: (agent) => {
      // The dashboard keeps an agent without the publish result's extra fields.
      const { version: _published, unchanged: _unchanged, ...dto } = agent;
      qc.setQueryData(["agents", agentId], dto);
      void qc.invalidateQueries({ queryKey: ["agents"], exact: true });
      void qc.invalidateQueries({ queryKey: versionsKey(agentId) });
      void qc.invalidateQueries({ queryKey: ["business", agentId] });
    },
  });
  return (
    <div className="mt-2 space-y-2 rounded-lg bg-slate-50 p-3">
      <div className="flex flex-wrap items-center gap-2">
        <Button type="button" variant={view === "diff" ? "primary" : "secondary"} onClick={() => setView("diff")}>
          Compare with draft
        </Button>
        <Button type="button" variant={view === "config" ? "primary" : "secondary"} onClick={() => setView("config")}>
          View config
        </Button>
        {canEdit && (
          <Button
            type="button"
            variant="danger"
            busy={rollback.isPending}
            onClick={() => {
              if (window.confirm(`Roll back to v${version.version}? Callers hear it at once and the draft is replaced.`)) rollback.mutate();
            }}
          >
            {live ? "Restore into draft" : `Roll back to v${version.version}`}
          </Button>
        )}
      </div>
      <ErrorBanner error={rollback.error} />
      {rollback.data && (
        <p role="status" className="text-sm text-green-800">
          {rollback.data.unchanged ? `Draft restored from v${version.version}; callers already hear it.` : `Published as v${rollback.data.version.version}.`}
        </p>
      )}
      {view === "config" ? (
        <pre className="max-h-80 overflow-auto rounded bg-white p-2 text-xs">{JSON.stringify(version.config, null, 2)}</pre>
      ) : diff.isPending ? (
        <Spinner />
      ) : diff.error ? (
        <ErrorBanner error={diff.error} />
      ) : (
        <DiffTable changes={diff.data.changes} />
      )}
    </div>
  );
}

/** An agent's published versions: view one, compare it with the draft, roll back to it. */
export function AgentVersions({ agentId }: { agentId: string }) {
  const [open, setOpen] = useState<number | null>(null);
  const zone = useWorkspaceZone();
  const versions = useQuery({
    queryKey: versionsKey(agentId),
    queryFn: () => api<{ data: AgentVersionDto[] }>(`/v1/agents/${agentId}/versions`),
  });
  return (
    <Card title="Versions">
      {versions.isPending ? (
        <Spinner />
      ) : versions.error ? (
        <ErrorBanner error={versions.error} />
      ) : versions.data.data.length === 0 ? (
        <p className="text-sm text-slate-600">Not published yet: widget and phone callers are refused until you publish.</p>
      ) : (
        <ol className="space-y-1 text-sm">
          {versions.data.data.map((v, i) => (
            <li key={v.id}>
              <button
                type="button"
                aria-expanded={open === v.version}
                onClick={() => setOpen(open === v.version ? null : v.version)}
                className="flex w-full items-center justify-between gap-2 rounded px-1 py-0.5 text-left hover:bg-slate-100"
              >
                <span className="flex items-center gap-2 font-medium">
                  v{v.version}
                  {i === 0 && <Badge tone="green">live</Badge>}
                </span>
                <time className="text-slate-600">{formatDateTime(v.createdAt, zone)}</time>
              </button>
              {open === v.version && <VersionDetail agentId={agentId} version={v} live={i === 0} />}
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
