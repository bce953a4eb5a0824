import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { EarningsDto, ReferralLinkDto, ReferralsMeDto } from "@orbis/contracts";
import { api } from "../../lib/api.ts";

/** The Refer & Earn page's data: the caller's links, funnel, history and programme. */
export const useReferralsMe = () => useQuery({ queryKey: ["referrals", "me"], queryFn: () => api<ReferralsMeDto>("/v1/referrals/me") });

/** The earnings ledger; absent (404) where the endpoint is not served, which the page treats as "no details". */
export const useReferralEarnings = () =>
  useQuery({ queryKey: ["referrals", "earnings"], queryFn: () => api<EarningsDto>("/v1/referrals/me/earnings"), retry: false });

export function useCreateReferralLink() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { campaign?: string }) => api<ReferralLinkDto>("/v1/referral-links", { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["referrals"] }),
  });
}

/** Dollars as the page shows them: two decimals, the user's locale. */
export const formatUsd = (amount: number) => new Intl.NumberFormat(undefined, { style: "currency", currency: "USD" }).format(amount);
