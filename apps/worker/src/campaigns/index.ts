import type { Job } from "@orbis/jobs";
import type { EventConsumer } from "../consumer.ts";
import { applyCallEnded } from "./outcomes.ts";
import { createCampaignScheduler, type CampaignSchedulerDeps } from "./scheduler.ts";

export const CAMPAIGN_TICK_QUEUE = "campaigns.tick";

export interface CampaignsConsumerDeps extends CampaignSchedulerDeps {
  /** Seconds between scheduler passes (CAMPAIGN_TICK_SEC). */
  tickSec: number;
}

/**
 * Outbound campaigns in the worker (docs/campaigns.md): the scheduler's pass every `tickSec` seconds
 * (one at a time across every worker: the job is a singleton), and `call.ended` setting a campaign
 * contact's outcome (and putting a "don't call me again" on the do-not-call list) on the relay's transaction.
 */
export function campaignsConsumer(deps: CampaignsConsumerDeps): EventConsumer {
  const scheduler = createCampaignScheduler(deps);
  return {
    name: "campaigns",
    queues: [],
    async fanOut(event, tx) {
      await applyCallEnded(event, tx);
      return [];
    },
    timers: [
      {
        queue: CAMPAIGN_TICK_QUEUE,
        everySec: deps.tickSec,
        handler: (async (_job: Job<object>) => {
          const { started } = await scheduler.tick();
          if (started > 0) deps.log?.info({ started }, "campaign calls started");
        }) as (job: Job<never>) => Promise<void>,
      },
    ],
  };
}
export { createCampaignScheduler, type PlaceCall } from "./scheduler.ts";
