import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CommissionRule, ReferralAnalyticsDto, ReferralProgramDto } from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { queryString } from "../../lib/queries.ts";

/** The operator console's data: `/v1/admin/*` (platform operators only; the API enforces it). */

export interface AdminAffiliate {
  id: string;
  name: string;
  email: string;
  website: string | null;
  promotion: string | null;
  status: "unverified" | "pending" | "approved" | "rejected";
  termsVersion: string;
  termsAcceptedAt: string;
  emailVerifiedAt: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
  stripeAccountId: string | null;
  createdAt: string;
}
interface Referrer {
  kind: "user" | "affiliate";
  id: string;
  name: string | null;
  email?: string | null;
}
export interface AdminCommission {
  id: string;
  workspaceName: string;
  referrer: Referrer | null;
  kind: "activation" | "conversion" | "invoice";
  amountUsd: number;
  status: string;
  holdUntil: string | null;
  reasons: string[];
  createdAt: string;
}
export interface Balance {
  referrer: Referrer & { name: string; email: string };
  stripeAccountId: string | null;
  commissions: number;
  amountUsd: number;
}
export interface AdminPayout {
  id: string;
  referrer: Referrer | null;
  amountUsd: number;
  status: "pending" | "paid" | "failed";
  method: "manual" | "stripe_connect";
  transferId: string | null;
  error: string | null;
  createdAt: string;
  paidAt: string | null;
}
export interface AdminWorkspace {
  id: string;
  name: string;
  createdAt: string;
  ownerEmail: string | null;
  planId: string;
  calls: number;
  viaReferral: { code: string; referrerName: string } | null;
}

export const usd = (n: number) => n.toLocaleString(undefined, { style: "currency", currency: "USD" });
export const shortDate = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" }) : "–");

/** "operator" (200), "forbidden" (403) or the error: what the console shows. */
export function useOperatorAccess() {
  return useQuery({
    queryKey: ["admin", "access"],
    queryFn: async () => {
      try {
        return { state: "operator" as const, ...(await api<{ platformAdmin: true; email: string }>("/v1/admin/me")) };
      } catch (err) {
        if (err instanceof ApiError && err.status === 403) return { state: "forbidden" as const };
        throw err;
      }
    },
    retry: false,
  });
}

export const useReferralAnalytics = (from: string, to: string) =>
  useQuery({
    queryKey: ["admin", "analytics", from, to],
    queryFn: () => api<ReferralAnalyticsDto>(`/v1/admin/referrals/analytics${queryString({ from, to })}`),
  });

export const useAffiliates = () =>
  useQuery({ queryKey: ["admin", "affiliates"], queryFn: () => api<{ data: AdminAffiliate[] }>("/v1/admin/referrals/affiliates") });

export const useCommissions = (status: "held" | "pending" | "approved") =>
  useQuery({ queryKey: ["admin", "commissions", status], queryFn: () => api<{ data: AdminCommission[] }>(`/v1/admin/referrals/commissions?status=${status}`) });

export const useBalances = () => useQuery({ queryKey: ["admin", "balances"], queryFn: () => api<{ data: Balance[] }>("/v1/admin/referrals/balances") });
export const usePayouts = () => useQuery({ queryKey: ["admin", "payouts"], queryFn: () => api<{ data: AdminPayout[] }>("/v1/admin/referrals/payouts") });
export const usePrograms = () =>
  useQuery({ queryKey: ["admin", "programs"], queryFn: () => api<{ data: ReferralProgramDto[] }>("/v1/admin/referrals/programs") });

export const useAdminWorkspaces = (cursor: string | null) =>
  useQuery({
    queryKey: ["admin", "workspaces", cursor],
    queryFn: () =>
      api<{ data: AdminWorkspace[]; nextCursor: string | null }>(`/v1/admin/workspaces${queryString({ cursor: cursor ?? undefined, limit: "50" })}`),
  });

/** A console change: POST/PUT, then everything of the console is read again (balances, lists, analytics move together). */
export function useAdminChange<V>(request: (v: V) => { path: string; method?: "POST" | "PUT"; body?: unknown }) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: V) => {
      const r = request(v);
      return api<unknown>(r.path, { method: r.method ?? "POST", body: r.body ?? {} });
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: ["admin"], predicate: (q) => q.queryKey[1] !== "access" }),
  });
}

export type { CommissionRule, ReferralProgramDto };
