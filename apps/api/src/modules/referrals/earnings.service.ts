import type { EarningsDto } from "@orbis/contracts";
import { earningsOf } from "@orbis/db";
import type { ReferralDeps } from "./referral-deps.ts";

/** GET /v1/referrals/me/earnings: what the signed-in user earned by referring businesses. */
export function createEarningsService(deps: ReferralDeps) {
  return {
    /** The user's earnings as a referrer (Refer & Earn), whichever workspace they are signed in to. */
    mine: (userId: string): Promise<EarningsDto> => earningsOf(deps.db.system, { userId }),
  };
}
export type EarningsService = ReturnType<typeof createEarningsService>;
