import { useQuery } from "@tanstack/react-query";
import {
  campaignContactSchema,
  campaignProgressSchema,
  doNotCallSchema,
  outboundCampaignSchema,
  pageSchema,
  type CampaignStatus,
  type ContactOutcome,
  type ContactStatus,
} from "@orbis/contracts";
import { api } from "../../lib/api.ts";
import { queryString } from "../../lib/queries.ts";

/**
 * The campaign pages' reads (docs/campaigns.md, API under /v1/campaigns and /v1/do-not-call) and the
 * labels they share. Every answer is parsed with the contracts schema.
 */

/** Every read of a running campaign refreshes this often: the worker moves contacts along meanwhile. */
const LIVE_MS = 5_000;
const live = (status: CampaignStatus | undefined) => (status === "running" ? LIVE_MS : false);

export const campaignsKey = ["campaigns"] as const;

export const useCampaigns = (status?: CampaignStatus) =>
  useQuery({
    queryKey: [...campaignsKey, "list", status ?? "all"],
    queryFn: async () => pageSchema(outboundCampaignSchema).parse(await api(`/v1/campaigns${queryString({ limit: 100, status })}`)),
  });

export const useCampaign = (id: string) =>
  useQuery({
    queryKey: [...campaignsKey, "one", id],
    queryFn: async () => outboundCampaignSchema.parse(await api(`/v1/campaigns/${encodeURIComponent(id)}`)),
    refetchInterval: (q) => live(q.state.data?.status),
  });

export const useCampaignProgress = (id: string, status: CampaignStatus | undefined) =>
  useQuery({
    queryKey: [...campaignsKey, "progress", id],
    queryFn: async () => campaignProgressSchema.parse(await api(`/v1/campaigns/${encodeURIComponent(id)}/progress`)),
    refetchInterval: live(status),
  });

const CONTACTS_PAGE = 25;

export const useCampaignContacts = (id: string, filter: { status?: ContactStatus; cursor?: string }, campaignStatus: CampaignStatus | undefined) =>
  useQuery({
    queryKey: [...campaignsKey, "contacts", id, filter],
    queryFn: async () =>
      pageSchema(campaignContactSchema).parse(
        await api(`/v1/campaigns/${encodeURIComponent(id)}/contacts${queryString({ limit: CONTACTS_PAGE, status: filter.status, cursor: filter.cursor })}`),
      ),
    refetchInterval: live(campaignStatus),
    placeholderData: (previous) => previous,
  });

export const doNotCallKey = ["do-not-call"] as const;

export const useDoNotCall = (filter: { phone?: string; cursor?: string }) =>
  useQuery({
    queryKey: [...doNotCallKey, filter],
    queryFn: async () =>
      pageSchema(doNotCallSchema).parse(await api(`/v1/do-not-call${queryString({ limit: 50, phone: filter.phone, cursor: filter.cursor })}`)),
    placeholderData: (previous) => previous,
  });

export const CAMPAIGN_STATUS_LABEL: Record<CampaignStatus, string> = {
  draft: "Draft",
  running: "Running",
  paused: "Paused",
  completed: "Completed",
  cancelled: "Cancelled",
};
export const CAMPAIGN_STATUS_TONE: Record<CampaignStatus, "slate" | "green" | "amber" | "red"> = {
  draft: "slate",
  running: "green",
  paused: "amber",
  completed: "slate",
  cancelled: "red",
};

export const CONTACT_STATUS_LABEL: Record<ContactStatus, string> = {
  pending: "Pending",
  calling: "Calling",
  done: "Done",
  failed: "Failed",
  skipped_dnc: "Skipped (do not call)",
  skipped_no_consent: "Skipped (no consent)",
};

export const OUTCOME_LABEL: Record<ContactOutcome, string> = {
  booked: "Booked",
  rescheduled: "Rescheduled",
  cancelled: "Cancelled",
  message: "Message",
  voicemail: "Voicemail",
  no_answer: "No answer",
  busy: "Busy",
  declined: "Declined",
  failed: "Failed",
  completed: "Talked",
};

/** The outcomes the dashboard always shows (the others only once a contact has them). */
export const MAIN_OUTCOMES: readonly ContactOutcome[] = ["booked", "message", "voicemail", "no_answer", "declined", "failed"];

/** Which state changes the API allows from each status (`POST /v1/campaigns/:id/<action>`). */
export const ACTIONS_FROM: Record<CampaignStatus, readonly ("start" | "pause" | "resume" | "cancel")[]> = {
  draft: ["start", "cancel"],
  running: ["pause", "cancel"],
  paused: ["resume", "cancel"],
  completed: [],
  cancelled: [],
};

export const ISO_DAYS = [
  [1, "Mon"],
  [2, "Tue"],
  [3, "Wed"],
  [4, "Thu"],
  [5, "Fri"],
  [6, "Sat"],
  [7, "Sun"],
] as const;

export const daysLabel = (days: readonly number[]) => {
  const s = [...days].sort().join(",");
  if (s === "1,2,3,4,5") return "Mon–Fri";
  if (s === "1,2,3,4,5,6,7") return "Every day";
  return ISO_DAYS.filter(([d]) => days.includes(d))
    .map(([, l]) => l)
    .join(", ");
};
