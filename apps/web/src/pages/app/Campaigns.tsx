import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "react-router";
import { outboundCampaignSchema, type CampaignDto } from "@orbis/contracts";
import { api } from "../../lib/api.ts";
import { useAgents } from "../../lib/queries.ts";
import { useCan } from "../../lib/session.tsx";
import { formatDateTime, useWorkspaceZone } from "../../lib/time.ts";
import { Badge, Button, Card, EmptyState, ErrorBanner, PageHeader, Spinner } from "../../components/ui.tsx";
import { CampaignForm } from "../../components/campaigns/CampaignForm.tsx";
import { CampaignProgress } from "../../components/campaigns/CampaignProgress.tsx";
import { ContactsList } from "../../components/campaigns/ContactsList.tsx";
import { ContactsUpload } from "../../components/campaigns/ContactsUpload.tsx";
import { placeholdersOf } from "../../components/campaigns/csv-header.ts";
import {
  ACTIONS_FROM,
  CAMPAIGN_STATUS_LABEL,
  CAMPAIGN_STATUS_TONE,
  campaignsKey,
  daysLabel,
  useCampaign,
  useCampaignProgress,
  useCampaigns,
} from "../../components/campaigns/campaigns-api.ts";

const TYPE_LABEL: Record<CampaignDto["type"], string> = { standard: "Standard", appointment_reminder: "Appointment reminder" };

const READ_ONLY_NOTE = "Only admins and owners create, change, start and stop campaigns; you can follow their progress.";

function StatusBadge({ status }: { status: CampaignDto["status"] }) {
  return (
    <span data-testid="campaign-status">
      <Badge tone={CAMPAIGN_STATUS_TONE[status]}>{CAMPAIGN_STATUS_LABEL[status]}</Badge>
    </span>
  );
}

function CampaignRow({ campaign }: { campaign: CampaignDto }) {
  const progress = useCampaignProgress(campaign.id, campaign.status);
  return (
    <li className="space-y-2 py-4" data-testid="campaign-row">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="min-w-0">
          <Link to={`/dashboard/campaigns/${campaign.id}`} className="font-semibold text-slate-900 underline-offset-2 hover:underline">
            {campaign.name}
          </Link>{" "}
          <StatusBadge status={campaign.status} />
          <p className="text-xs text-slate-600">
            {TYPE_LABEL[campaign.type]} · from <span className="font-mono">{campaign.fromNumber}</span> · {campaign.window.start}–{campaign.window.end}{" "}
            {daysLabel(campaign.window.days)}
          </p>
        </div>
      </div>
      {campaign.lastError && <p className="text-sm text-red-700">Paused by the scheduler: {campaign.lastError}</p>}
      {progress.data ? <CampaignProgress progress={progress.data} compact /> : progress.error ? <ErrorBanner error={progress.error} /> : null}
    </li>
  );
}

/** `/dashboard/campaigns`: every campaign with its status and progress. */
export function CampaignsList() {
  const canManage = useCan("admin");
  const campaigns = useCampaigns();
  return (
    <>
      <PageHeader
        title="Campaigns"
        subtitle="An agent calls a list of people from one of your numbers, inside calling hours in each person’s time zone."
        actions={
          <>
            <Link
              to="/dashboard/campaigns/do-not-call"
              className="rounded-lg px-3.5 py-2 text-sm font-semibold text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50"
            >
              Do-not-call list
            </Link>
            {canManage && (
              <Link to="/dashboard/campaigns/new" className="rounded-lg bg-brand-600 px-3.5 py-2 text-sm font-semibold text-white hover:bg-brand-700">
                New campaign
              </Link>
            )}
          </>
        }
      />
      {!canManage && <p className="mb-4 text-sm text-slate-600">{READ_ONLY_NOTE}</p>}
      <Card>
        {campaigns.isPending ? (
          <Spinner />
        ) : campaigns.error ? (
          <ErrorBanner error={campaigns.error} />
        ) : campaigns.data.data.length === 0 ? (
          <EmptyState title="No campaigns yet">
            {canManage ? "Create one, upload its contacts, then start it." : "An admin creates campaigns; they are listed here."}
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="Campaigns">
            {campaigns.data.data.map((c) => (
              <CampaignRow key={c.id} campaign={c} />
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}

/** `/dashboard/campaigns/new`: the settings of a new campaign (a draft). */
export function CampaignNew() {
  const navigate = useNavigate();
  const canManage = useCan("admin");
  return (
    <>
      <PageHeader title="New campaign" subtitle={<Link to="/dashboard/campaigns">← Campaigns</Link>} />
      <Card className="max-w-3xl">
        {canManage ? (
          <CampaignForm onSaved={(c) => navigate(`/dashboard/campaigns/${c.id}`, { replace: true })} />
        ) : (
          <EmptyState title="Only admins and owners create campaigns" />
        )}
      </Card>
    </>
  );
}

const ACTION_LABEL = { start: "Start", pause: "Pause", resume: "Resume", cancel: "Cancel campaign" } as const;

/** Start / pause / resume / cancel, as the campaign's status allows; delete when not running. */
function Controls({ campaign }: { campaign: CampaignDto }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const act = useMutation({
    mutationFn: async (action: keyof typeof ACTION_LABEL) =>
      outboundCampaignSchema.parse(await api(`/v1/campaigns/${campaign.id}/${action}`, { method: "POST" })),
    onSuccess: (c) => {
      qc.setQueryData([...campaignsKey, "one", c.id], c);
      void qc.invalidateQueries({ queryKey: campaignsKey });
    },
  });
  const remove = useMutation({
    mutationFn: () => api(`/v1/campaigns/${campaign.id}`, { method: "DELETE" }),
    onSuccess: () => {
      qc.removeQueries({ queryKey: [...campaignsKey, "one", campaign.id] });
      void qc.invalidateQueries({ queryKey: [...campaignsKey, "list"] });
      navigate("/dashboard/campaigns", { replace: true });
    },
  });
  const actions = ACTIONS_FROM[campaign.status];
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        {actions.map((a) => (
          <Button
            key={a}
            type="button"
            variant={a === "cancel" ? "secondary" : "primary"}
            busy={act.isPending && act.variables === a}
            disabled={act.isPending}
            onClick={() => {
              if (a === "cancel" && !confirm(`Cancel “${campaign.name}”? No further calls are made, and it cannot be started again.`)) return;
              act.mutate(a);
            }}
          >
            {ACTION_LABEL[a]}
          </Button>
        ))}
        {campaign.status !== "running" && (
          <Button
            type="button"
            variant="danger"
            busy={remove.isPending}
            onClick={() => confirm(`Delete “${campaign.name}” with its contacts and results?`) && remove.mutate()}
          >
            Delete
          </Button>
        )}
      </div>
      <ErrorBanner error={act.error ?? remove.error} />
    </div>
  );
}

/** `/dashboard/campaigns/:id`: status and controls, progress, contacts (upload and list), settings. */
export function CampaignPage() {
  const { id = "" } = useParams();
  const canManage = useCan("admin");
  const zone = useWorkspaceZone();
  const campaign = useCampaign(id);
  const status = campaign.data?.status;
  const progress = useCampaignProgress(id, status);
  const agents = useAgents();

  if (campaign.isPending) return <Spinner />;
  if (campaign.error) {
    return (
      <>
        <PageHeader title="Campaign" subtitle={<Link to="/dashboard/campaigns">← Campaigns</Link>} />
        <ErrorBanner error={campaign.error} />
      </>
    );
  }
  const c = campaign.data;
  const agent = agents.data?.data.find((a) => a.id === c.agentId);
  const open = c.status === "draft" || c.status === "running" || c.status === "paused";
  return (
    <>
      <PageHeader
        title={c.name}
        subtitle={
          <>
            <Link to="/dashboard/campaigns">← Campaigns</Link> · {TYPE_LABEL[c.type]} ·{" "}
            {agent ? <Link to={`/dashboard/agents/${agent.id}`}>{agent.name}</Link> : "agent"} from <span className="font-mono">{c.fromNumber}</span>
          </>
        }
        actions={
          <a
            href={`/v1/campaigns/${c.id}/results.csv`}
            download
            className="rounded-lg px-3.5 py-2 text-sm font-semibold text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50"
          >
            Download results (CSV)
          </a>
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title={<>Status</>} className="lg:col-span-1">
          <div className="space-y-3 text-sm">
            <p>
              <StatusBadge status={c.status} />
            </p>
            {c.lastError && (
              <p role="alert" className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-red-800">
                Paused by the scheduler: {c.lastError}. Fix it, then resume.
              </p>
            )}
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
              <dt className="text-slate-600">Calling hours</dt>
              <dd>
                {c.window.start}–{c.window.end}, {daysLabel(c.window.days)}
              </dd>
              <dt className="text-slate-600">At once</dt>
              <dd>{c.maxConcurrent}</dd>
              <dt className="text-slate-600">Started</dt>
              <dd>{c.startedAt ? formatDateTime(c.startedAt, zone) : "—"}</dd>
              {c.completedAt && (
                <>
                  <dt className="text-slate-600">Completed</dt>
                  <dd>{formatDateTime(c.completedAt, zone)}</dd>
                </>
              )}
            </dl>
            {canManage ? <Controls campaign={c} /> : <p className="text-slate-600">{READ_ONLY_NOTE}</p>}
            {c.status === "running" && (
              <p className="text-xs text-slate-600">Calls start only inside the calling hours of each contact’s zone, at most {c.maxConcurrent} at once.</p>
            )}
          </div>
        </Card>
        <Card title="Progress" className="lg:col-span-2">
          {progress.data ? <CampaignProgress progress={progress.data} /> : progress.error ? <ErrorBanner error={progress.error} /> : <Spinner />}
        </Card>
        {canManage && open && c.type === "standard" && (
          <Card title="Add contacts" className="lg:col-span-3">
            <ContactsUpload campaignId={c.id} usesVariables={placeholdersOf(c.opening, c.voicemailMessage).filter((v) => v !== "name")} />
          </Card>
        )}
        <Card title="Contacts" className="lg:col-span-3">
          {c.type === "appointment_reminder" && c.status === "draft" && (
            <p className="mb-3 text-sm text-slate-600">When the campaign starts, tomorrow’s booked appointments become its contacts.</p>
          )}
          <ContactsList campaignId={c.id} campaignStatus={c.status} />
        </Card>
        <Card title="Settings" className="lg:col-span-3">
          {!open && <p className="mb-3 text-sm text-slate-600">A {c.status} campaign keeps its settings as they were.</p>}
          <CampaignForm key={c.id} campaign={c} readOnly={!canManage || !open} onSaved={() => undefined} />
        </Card>
      </div>
    </>
  );
}
