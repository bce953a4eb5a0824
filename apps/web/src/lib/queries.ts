import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import {
  analyticsOverviewSchema,
  callDetailSchema,
  callSchema,
  pageSchema,
  type AgentDto,
  type ApiKeyDto,
  type BusinessTemplate,
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
