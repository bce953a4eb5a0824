import type { Billing, StripeBilling } from "@orbis/billing";
import { EVENT_PAYLOADS } from "@orbis/contracts";
import { billingSystemRepository, tenantScopeOn, type Database, type DomainEventRow, type Tx } from "@orbis/db";
import type { PriceTable } from "@orbis/providers";
import type { EventConsumer, PendingJob } from "../consumer.ts";
import { checkAllowance } from "./alerts.ts";
import { ledgerRowOf } from "./ledger.ts";
import { reportOverage, type OverageLog } from "./overage.ts";

const ROLLUP_QUEUE = "billing.rollup";
const REPORT_OVERAGE_QUEUE = "billing.report-overage";
const HOUR_MS = 3600_000;
/** Each rollup rebuilds the days that got ledger rows in this window: twice the usual gap, so one missed run loses nothing. */
const ROLLUP_WINDOW_MS = 2 * HOUR_MS;
/** The first sweep of a process rebuilds a day's worth: the schedule may not have run while no worker did. */
const CATCH_UP_WINDOW_MS = 24 * HOUR_MS;

export interface BillingConsumerDeps {
  db: Database;
  billing: Billing;
  /** The operator's price overrides (`config.prices`); the provider definitions' list prices fill the rest. */
  prices: PriceTable;
  log?: OverageLog;
  /** What time it is for plans and periods (default: `billing.now`, else the wall clock). */
  now?: () => Date;
}

/**
 * Metering as a consequence of `call.ended`: the call's ledger row (carrier minutes, infrastructure and
 * provider cost by kind), written on the relay's transaction, so exactly once per call (the ledger's
 * call id is unique, and a relay that rolls back takes the row with it). A real call then checks the
 * allowance (80 % and 100 % alerts, each once per period, as `usage.threshold_reached`, which the email
 * consumer sends to the owners). Schedules rebuild the daily rollup and report overage to Stripe.
 */
export function billingConsumer(deps: BillingConsumerDeps): EventConsumer {
  const { db, billing } = deps;
  const now = deps.now ?? billing.now ?? (() => new Date());
  let caughtUp = false;

  async function meter(event: DomainEventRow, tx: Tx): Promise<void> {
    const parsed = EVENT_PAYLOADS["call.ended"].safeParse(event.payload);
    if (!parsed.success) return;
    const t = tenantScopeOn(tx, event.workspaceId);
    const call = await t.calls.get(parsed.data.callId);
    if (!call) return; // purged before the event was relayed: nothing to bill
    const workspace = await t.workspace.get();
    const row = ledgerRowOf(call, { timezone: workspace?.timezone ?? "UTC", prices: deps.prices, rates: billing.rates, durationSec: parsed.data.durationSec });
    // A row already there was written, with its alerts, by a relay that committed.
    if (!(await t.billing.recordUsage(row)) || row.test) return;
    await checkAllowance(t, billing, now());
  }

  // Ledger rows are stamped by the database's clock, so the window is the wall clock's, never the billing one.
  const rollup = (windowMs: number) => billingSystemRepository(db.system).rollup(new Date(Date.now() - windowMs));

  const schedules: NonNullable<EventConsumer["schedules"]> = [
    {
      queue: ROLLUP_QUEUE,
      cron: "*/10 * * * *",
      handler: (async () => {
        await rollup(ROLLUP_WINDOW_MS);
      }) as never,
    },
  ];
  const stripe = billing.stripe;
  if (stripe) {
    schedules.push({
      queue: REPORT_OVERAGE_QUEUE,
      cron: "5 * * * *",
      handler: (async () => {
        await reportOverage(db, { ...billing, stripe } satisfies Billing & { stripe: StripeBilling }, now(), deps.log);
      }) as never,
    });
  }

  return {
    name: "billing",
    queues: [],
    async fanOut(event, tx): Promise<PendingJob[]> {
      if (event.type === "call.ended") await meter(event, tx);
      return [];
    },
    schedules,
    async sweep() {
      if (!caughtUp) {
        await rollup(CATCH_UP_WINDOW_MS);
        caughtUp = true;
      }
      return [];
    },
  };
}
