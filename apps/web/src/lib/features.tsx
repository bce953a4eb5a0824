import type { ReactNode } from "react";
import { Link } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { featureFlagsSchema, type PlanFeature } from "@orbis/contracts";
import { api } from "./api.ts";

/** `GET /v1/features` (the same query, and cache, as the practice pages'): the plan's features with the operator's overrides. */
const useFeatureFlags = () =>
  useQuery({
    queryKey: ["features"],
    queryFn: async () => featureFlagsSchema.parse(await api("/v1/features")).flags,
    staleTime: 5 * 60_000,
    retry: false,
  });

/**
 * Whether the workspace's plan leaves out `feature`: true only once the flags say so. While they load,
 * or when they cannot be read, a control stays usable and the server decides (402 `plan_limit`).
 */
export const useFeatureOff = (feature: PlanFeature): boolean => useFeatureFlags().data?.[feature] === false;

/** Says what the plan leaves out, with a link to the billing page, in place of a form that would fail. */
export function UpgradeNotice({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="mb-4 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      {children}{" "}
      <Link to="/dashboard/billing" className="font-semibold underline underline-offset-2">
        Upgrade plan
      </Link>
    </p>
  );
}
