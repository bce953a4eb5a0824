import { useQuery } from "@tanstack/react-query";
import type { AffiliateDashboardDto } from "@orbis/contracts";
import { api } from "../../lib/api.ts";

/** `GET /v1/affiliates/terms`: the agreement, its version (sent back with the signup) and what the programme pays. */
export interface AffiliateTerms {
  version: string;
  text: string;
  program: { name: string; summary: string; holdDays: number; windowDays: number };
}

/** `GET /v1/affiliates/me`: the dashboard, with the operator's note on a reviewed application. */
export type AffiliateMe = AffiliateDashboardDto & { affiliate: AffiliateDashboardDto["affiliate"] & { reviewNote: string | null } };

export const AFFILIATE_ME_KEY = ["affiliate", "me"] as const;

export const useAffiliateTerms = () => useQuery({ queryKey: ["affiliate", "terms"], queryFn: () => api<AffiliateTerms>("/v1/affiliates/terms") });

/** The signed-in affiliate's dashboard (a 401 without the affiliate cookie). */
export const useAffiliateMe = () => useQuery({ queryKey: AFFILIATE_ME_KEY, queryFn: () => api<AffiliateMe>("/v1/affiliates/me") });

export const formatUsd = (n: number) => n.toLocaleString("en-US", { style: "currency", currency: "USD" });
