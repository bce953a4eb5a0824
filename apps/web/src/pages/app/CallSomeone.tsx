import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import type { CallDto } from "@orbis/contracts";
import { api } from "../../lib/api.ts";
import { useAgents, usePhoneNumbers } from "../../lib/queries.ts";
import { Badge, Button, Card, ErrorBanner, Select, TextArea, TextInput } from "../../components/ui.tsx";

const TERMINAL = new Set(["completed", "failed", "busy", "no_answer"]);
const AMD_CHOICES = [
  { value: "hangup", label: "Hang up on answering machines" },
  { value: "voicemail", label: "Leave a voicemail after the beep" },
  { value: "off", label: "Don't detect (always speak)" },
];

/** `name=Sam, business=…` lines or commas → `{name: "Sam"}`. */
function variablesOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(/[\n,]/)) {
    const [k, ...v] = part.split("=");
    if (k?.trim() && v.length) out[k.trim()] = v.join("=").trim();
  }
  return out;
}

/**
 * "Call someone": the agent calls a number from one of the workspace's phone numbers (`POST /v1/calls`),
 * then the call's status is shown live (polled until the carrier reports an end).
 */
export function CallSomeone({ onClose }: { onClose: () => void }) {
  const agents = useAgents();
  const numbers = usePhoneNumbers();
  const published = (agents.data?.data ?? []).filter((a) => a.status === "published");
  const [agentId, setAgentId] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [variables, setVariables] = useState("");
  const [opening, setOpening] = useState("");
  const [machineDetection, setMachineDetection] = useState("hangup");
  const [voicemailMessage, setVoicemailMessage] = useState("");
  const place = useMutation({
    mutationFn: () =>
      api<CallDto>("/v1/calls", {
        method: "POST",
        body: {
          agentId: agentId || published[0]?.id,
          from: from || numbers.data?.data[0]?.number,
          to: to.trim(),
          variables: variablesOf(variables),
          machineDetection,
          ...(opening.trim() ? { opening: opening.trim() } : {}),
          ...(machineDetection === "voicemail" && voicemailMessage.trim() ? { voicemailMessage: voicemailMessage.trim() } : {}),
        },
      }),
  });
  const placed = place.data;
  const live = useQuery({
    queryKey: ["calls", "one", placed?.id ?? "none"],
    queryFn: () => api<CallDto>(`/v1/calls/${placed!.id}`),
    enabled: !!placed,
    refetchInterval: (q) => (q.state.data && TERMINAL.has(q.state.data.status) ? false : 1000),
  });
  const status = live.data?.status ?? placed?.status;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    place.mutate();
  };

  return (
    <Card
      title="Call someone"
      actions={
        <Button variant="secondary" onClick={onClose}>
          Close
        </Button>
      }
      className="mb-6"
    >
      {placed ? (
        <div className="space-y-2 text-sm" aria-live="polite">
          <p>
            Calling {placed.callee} from {placed.caller}:{" "}
            <Badge tone={status === "completed" ? "green" : status === "failed" ? "red" : "amber"}>{status?.replace("_", " ")}</Badge>
          </p>
          <p>
            <Link className="text-brand-700 underline" to={`/dashboard/calls/${placed.id}`}>
              Open the call
            </Link>
          </p>
          <Button variant="secondary" onClick={() => place.reset()}>
            Call another number
          </Button>
        </div>
      ) : (
        <form className="grid gap-3 sm:grid-cols-2" onSubmit={submit} aria-label="Call someone">
          <Select label="Agent" value={agentId} onChange={(e) => setAgentId(e.target.value)} options={published.map((a) => ({ value: a.id, label: a.name }))} />
          <Select
            label="From"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            options={(numbers.data?.data ?? []).map((n) => ({ value: n.number, label: `${n.number}${n.label ? ` (${n.label})` : ""}` }))}
          />
          <TextInput label="Number to call" placeholder="+14155550100" value={to} onChange={(e) => setTo(e.target.value)} required />
          <Select label="Answering machines" value={machineDetection} onChange={(e) => setMachineDetection(e.target.value)} options={AMD_CHOICES} />
          <TextInput label="Variables" hint="name=Sam, time=3 pm" value={variables} onChange={(e) => setVariables(e.target.value)} />
          <TextInput
            label="Opening"
            hint="What the agent says first; {{name}} and {{business}} are filled in"
            placeholder="Hi {{name}}, this is {{business}} calling about your appointment."
            value={opening}
            onChange={(e) => setOpening(e.target.value)}
          />
          {machineDetection === "voicemail" && (
            <TextArea label="Voicemail message" value={voicemailMessage} onChange={(e) => setVoicemailMessage(e.target.value)} rows={2} required />
          )}
          <div className="sm:col-span-2">
            {place.error && <ErrorBanner error={place.error} />}
            <Button type="submit" busy={place.isPending} disabled={!published.length || !numbers.data?.data.length}>
              Call
            </Button>
          </div>
        </form>
      )}
    </Card>
  );
}
