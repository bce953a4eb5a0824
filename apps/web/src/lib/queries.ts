import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import {
  analyticsOverviewSchema,
  callDetailSchema,
  callSchema,
  pageSchema,
  toolSchema,
  type AgentDto,
  type ApiKeyDto,
  type BusinessTemplate,
  type CredentialMetadataDto,
  type PhoneNumberDto,
  type MemberDto,
} from "@orbis/contracts";
import { api } from "./api.ts";

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export const useAgents = () => useQuery({ queryKey: ["agents"], queryFn: () => api<Page<AgentDto>>("/v1/agents?limit=100") });
export const useAgent = (id: string) => useQuery({ queryKey: ["agents", id], queryFn: () => api<AgentDto>(`/v1/agents/${id}`) });
export const useApiKeys = () => useQuery({ queryKey: ["api-keys"], queryFn: () => api<{ data: ApiKeyDto[] }>("/v1/api-keys") });
export const useMembers = () => useQuery({ queryKey: ["members"], queryFn: () => api<{ data: MemberDto[] }>("/v1/workspaces/current/members") });
export const useTemplates = () => useQuery({ queryKey: ["templates"], queryFn: () => api<{ data: BusinessTemplate[] }>("/v1/templates"), staleTime: Infinity });

/** GET /v1/calls filters (the API's listCallsQuerySchema); empty values are left out of the query string. */
export interface CallFilters {
  agentId?: string;
  channel?: string;
  status?: string;
  from?: string;
  to?: string;
}

export const queryString = (params: Record<string, string | number | undefined | null>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
};

/** Calls, newest first, a page at a time (cursor); every page is checked against the shared schema. */
export const useCalls = (filters: CallFilters = {}, limit = 25) =>
  useInfiniteQuery({
    queryKey: ["calls", "list", filters, limit],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => pageSchema(callSchema).parse(await api(`/v1/calls${queryString({ limit, ...filters, cursor: pageParam })}`)),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

export const useCall = (id: string) => useQuery({ queryKey: ["calls", "one", id], queryFn: async () => callDetailSchema.parse(await api(`/v1/calls/${id}`)) });

export const useOverview = () =>
  useQuery({ queryKey: ["analytics", "overview"], queryFn: async () => analyticsOverviewSchema.parse(await api("/v1/analytics/overview")) });

/** Calls started in the last `days` days (up to 100; the API's largest page) for the per-day chart. */
export const useRecentCalls = (days: number) =>
  useQuery({
    queryKey: ["calls", "recent", days],
    queryFn: async () => {
      const from = new Date(Date.now() - days * 86_400_000);
      from.setHours(0, 0, 0, 0);
      return pageSchema(callSchema).parse(await api(`/v1/calls${queryString({ limit: 100, from: from.toISOString() })}`));
    },
  });

// ---- Phone numbers, credentials, providers, tools, usage, audit (the API-only capabilities' pages) ----

/** `GET /v1/phone-numbers/setup`: the URLs to paste into a carrier's console. */
interface CarrierSetup {
  publicBaseUrl: string;
  publicBaseUrlSet: boolean;
  twilio: { voiceUrl: string; statusCallbackUrl: string; mediaStreamUrl: string };
  telnyx: { webhookUrl: string; mediaStreamUrl: string };
}

export const usePhoneNumbers = () => useQuery({ queryKey: ["phone-numbers"], queryFn: () => api<{ data: PhoneNumberDto[] }>("/v1/phone-numbers") });
export const useCarrierSetup = () =>
  useQuery({ queryKey: ["phone-numbers", "setup"], queryFn: () => api<CarrierSetup>("/v1/phone-numbers/setup"), staleTime: Infinity });
export const useCredentials = () => useQuery({ queryKey: ["credentials"], queryFn: () => api<{ data: CredentialMetadataDto[] }>("/v1/credentials") });

/** One entry of `GET /v1/providers`: a chain id, the vendor whose key it needs (or null), availability and health. */
export interface ProviderInfo {
  id: string;
  capability: "stt" | "tts" | "llm" | "realtime";
  needsKey: string | null;
  available: boolean;
  models: string[];
  voices: string[];
  health: { state: string; consecutiveFailures: number; lastError?: string }[];
}
export const useProviders = () => useQuery({ queryKey: ["providers"], queryFn: () => api<{ data: ProviderInfo[] }>("/v1/providers") });

export const useAgentTools = (agentId: string) =>
  useQuery({
    queryKey: ["agents", agentId, "tools"],
    queryFn: async () => ({ data: (await api<{ data: unknown[] }>(`/v1/agents/${agentId}/tools`)).data.map((t) => toolSchema.parse(t)) }),
  });

/** `GET /v1/usage`: calls and cost in `[from, to)`, usage and cost per provider. */
export interface UsageSummary {
  from: string;
  to: string;
  calls: number;
  costUsd: number;
  byProvider: {
    provider: string;
    kind: "stt" | "llm" | "tts" | "realtime";
    sttSeconds: number;
    llmTokensIn: number;
    llmTokensOut: number;
    ttsCharacters: number;
    realtimeSeconds: number;
    costUsd: number;
  }[];
}
export const useUsage = (from: string, to: string) =>
  useQuery({ queryKey: ["usage", from, to], queryFn: () => api<UsageSummary>(`/v1/usage${queryString({ from, to })}`) });

interface AuditEntry {
  id: string;
  action: string;
  actorUserId: string | null;
  actorKeyId: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  metadata: unknown;
  createdAt: string;
}
export interface AuditFilters {
  actor?: string;
  action?: string;
  targetType?: string;
  from?: string;
  to?: string;
}
/** The audit log, newest first, a page at a time (cursor). */
export const useAuditLog = (filters: AuditFilters, limit = 50) =>
  useInfiniteQuery({
    queryKey: ["audit", filters, limit],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => api<Page<AuditEntry>>(`/v1/audit-logs${queryString({ limit, ...filters, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
