import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { messageSchema, pageSchema, type MessageDto, type MessageUrgency } from "@orbis/contracts";
import { api } from "../../lib/api.ts";
import { queryString, useAgents } from "../../lib/queries.ts";
import { useCan } from "../../lib/session.tsx";
import { formatDateTime, useWorkspaceZone } from "../../lib/time.ts";
import { Badge, Button, EmptyState, ErrorBanner, PageHeader, Select, Spinner, cx } from "../../components/ui.tsx";

type Status = MessageDto["status"];
const STATUS_LABEL: Record<Status, string> = { new: "New", read: "Read", done: "Done" };
const URGENCY_TONE: Record<MessageUrgency, "slate" | "amber" | "red"> = { low: "slate", normal: "slate", high: "red" };

function useMessages(status: string, agentId: string) {
  return useInfiniteQuery({
    queryKey: ["messages", status, agentId],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      pageSchema(messageSchema).parse(await api(`/v1/messages${queryString({ limit: 50, status, agentId, cursor: pageParam })}`)),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

function MessageItem({ m, canEdit, agentName }: { m: MessageDto; canEdit: boolean; agentName: (id: string | null) => string }) {
  const qc = useQueryClient();
  const zone = useWorkspaceZone();
  const set = useMutation({
    mutationFn: (status: Status) => api<MessageDto>(`/v1/messages/${m.id}`, { method: "PATCH", body: { status } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["messages"] }),
  });
  const next: { status: Status; label: string }[] =
    m.status === "new"
      ? [
          { status: "read", label: "Mark read" },
          { status: "done", label: "Done" },
        ]
      : m.status === "read"
        ? [
            { status: "done", label: "Done" },
            { status: "new", label: "Mark unread" },
          ]
        : [{ status: "new", label: "Reopen" }];
  return (
    <li data-testid="message" className={cx("rounded-xl border bg-white p-4 text-sm", m.status === "new" ? "border-brand-600" : "border-slate-200")}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="font-semibold text-slate-900">
          {m.callerName || "Unknown caller"}
          {m.callbackNumber && (
            <>
              {" · "}
              <a className="font-normal underline" href={`tel:${m.callbackNumber}`}>
                {m.callbackNumber}
              </a>
            </>
          )}
        </p>
        <span className="flex items-center gap-1">
          {m.urgency !== "normal" && <Badge tone={URGENCY_TONE[m.urgency]}>{m.urgency === "high" ? "Urgent" : "Low priority"}</Badge>}
          <Badge tone={m.status === "new" ? "green" : "slate"}>{STATUS_LABEL[m.status]}</Badge>
        </span>
      </div>
      <p className="mt-2 whitespace-pre-wrap text-slate-800">{m.text}</p>
      <p className="mt-2 text-xs text-slate-600">
        <time dateTime={m.createdAt}>{formatDateTime(m.createdAt, zone)}</time> · {agentName(m.agentId)}
        {m.callId && (
          <>
            {" · "}
            <Link className="underline" to={`/dashboard/calls/${m.callId}`}>
              the call
            </Link>
          </>
        )}
      </p>
      {canEdit && (
        <div className="mt-3 flex flex-wrap gap-2">
          {next.map((n) => (
            <Button
              key={n.status}
              variant={n.status === "done" ? "primary" : "secondary"}
              className="px-2.5 py-1 text-xs"
              busy={set.isPending && set.variables === n.status}
              onClick={() => set.mutate(n.status)}
            >
              {n.label}
            </Button>
          ))}
        </div>
      )}
      {set.error && <ErrorBanner error={set.error} />}
    </li>
  );
}

export function Messages() {
  const [status, setStatus] = useState("");
  const [agentId, setAgentId] = useState("");
  const canEdit = useCan("staff");
  const agents = useAgents();
  const agentName = (id: string | null) => (id ? (agents.data?.data.find((a) => a.id === id)?.name ?? id) : "–");
  const messages = useMessages(status, agentId);
  const rows = messages.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <>
      <PageHeader title="Messages" subtitle="Messages your agents took for you: who called, how to reach them, and what about." />
      <div className="mb-4 grid gap-3 sm:max-w-lg sm:grid-cols-2">
        <Select
          label="Status"
          value={status}
          onChange={(e) => setStatus(e.target.value)}
          options={[{ value: "", label: "All messages" }, ...(Object.keys(STATUS_LABEL) as Status[]).map((s) => ({ value: s, label: STATUS_LABEL[s] }))]}
        />
        <Select
          label="Agent"
          value={agentId}
          onChange={(e) => setAgentId(e.target.value)}
          options={[{ value: "", label: "All agents" }, ...(agents.data?.data ?? []).map((a) => ({ value: a.id, label: a.name }))]}
        />
      </div>
      {messages.isPending ? (
        <Spinner label="Loading messages" />
      ) : messages.error ? (
        <ErrorBanner error={messages.error} />
      ) : rows.length === 0 ? (
        <EmptyState title={status || agentId ? "No messages match" : "No messages yet"}>
          When a caller asks your agent to pass something on, it appears here.
        </EmptyState>
      ) : (
        <>
          <ul className="space-y-3" aria-label="Messages">
            {rows.map((m) => (
              <MessageItem key={m.id} m={m} canEdit={canEdit} agentName={agentName} />
            ))}
          </ul>
          {messages.hasNextPage && (
            <div className="mt-4 text-center">
              <Button variant="secondary" busy={messages.isFetchingNextPage} onClick={() => void messages.fetchNextPage()}>
                Load more messages
              </Button>
            </div>
          )}
        </>
      )}
    </>
  );
}
