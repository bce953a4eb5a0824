import { createId } from "@orbis/contracts";
import { and, asc, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Executor, Tx } from "../client.ts";
import { domainEvents, webhookDeliveries, webhookEndpoints } from "../schema.ts";
import type { DomainEventRow } from "./events.repository.ts";
import type { Run } from "./scope.ts";

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
type NewWebhookEndpointRow = Omit<typeof webhookEndpoints.$inferInsert, "workspaceId" | "createdAt" | "updatedAt">;
type WebhookEndpointPatch = Partial<Pick<WebhookEndpointRow, "url" | "description" | "eventTypes" | "enabled" | "secret" | "disabledReason">>;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

/**
 * A tenant's webhook endpoints and their delivery log. The deliveries themselves are written and
 * updated by the worker (system functions below); here they are read, and reset for a redelivery.
 */
export function webhooksRepository(run: Run, workspaceId: string) {
  const mine = eq(webhookEndpoints.workspaceId, workspaceId);
  const myDeliveries = eq(webhookDeliveries.workspaceId, workspaceId);
  return {
    list: (): Promise<WebhookEndpointRow[]> =>
      run((tx) => tx.select().from(webhookEndpoints).where(mine).orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id))),

    async get(id: string): Promise<WebhookEndpointRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(webhookEndpoints)
          .where(and(mine, eq(webhookEndpoints.id, id))),
      );
      return row;
    },

    async insert(values: NewWebhookEndpointRow): Promise<WebhookEndpointRow> {
      const [row] = await run((tx) =>
        tx
          .insert(webhookEndpoints)
          .values({ ...values, workspaceId })
          .returning(),
      );
      return row!;
    },

    async update(id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpointRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .update(webhookEndpoints)
          .set({ ...patch, updatedAt: new Date() })
          .where(and(mine, eq(webhookEndpoints.id, id)))
          .returning(),
      );
      return row;
    },

    async delete(id: string): Promise<WebhookEndpointRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .delete(webhookEndpoints)
          .where(and(mine, eq(webhookEndpoints.id, id)))
          .returning(),
      );
      return row;
    },

    /** One more delivery that failed for good in a row; the endpoint as it is now. */
    async countFailure(id: string): Promise<WebhookEndpointRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .update(webhookEndpoints)
          .set({ consecutiveFailures: sql`${webhookEndpoints.consecutiveFailures} + 1` })
          .where(and(mine, eq(webhookEndpoints.id, id)))
          .returning(),
      );
      return row;
    },

    /** Starts the run of failures again (an endpoint switched back on). */
    async resetFailures(id: string): Promise<WebhookEndpointRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .update(webhookEndpoints)
          .set({ consecutiveFailures: 0 })
          .where(and(mine, eq(webhookEndpoints.id, id)))
          .returning(),
      );
      return row;
    },

    /** Switches an enabled endpoint off with the reason; undefined when it was already off (or is gone). */
    async disable(id: string, reason: string): Promise<WebhookEndpointRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .update(webhookEndpoints)
          .set({ enabled: false, disabledReason: reason, updatedAt: new Date() })
          .where(and(mine, eq(webhookEndpoints.id, id), eq(webhookEndpoints.enabled, true)))
          .returning(),
      );
      return row;
    },

    /** An endpoint's deliveries, newest first; `after` is the previous page's last row. */
    deliveries(endpointId: string, q: { limit: number; after?: { createdAt: Date; id: string } }): Promise<WebhookDeliveryRow[]> {
      const page = q.after
        ? or(lt(webhookDeliveries.createdAt, q.after.createdAt), and(eq(webhookDeliveries.createdAt, q.after.createdAt), lt(webhookDeliveries.id, q.after.id)))
        : undefined;
      return run((tx) =>
        tx
          .select()
          .from(webhookDeliveries)
          .where(and(myDeliveries, eq(webhookDeliveries.endpointId, endpointId), page))
          .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
          .limit(q.limit),
      );
    },

    async getDelivery(endpointId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(webhookDeliveries)
          .where(and(myDeliveries, eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.id, id))),
      );
      return row;
    },

    /**
     * Makes a delivery pending again, due now, with a fresh retry schedule (attempts from 0). A claim
     * in progress is kept: the worker that holds it finishes, and the next job sends again.
     */
    async resetForRedelivery(endpointId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .update(webhookDeliveries)
          .set({ status: "pending", attempts: 0, nextAttemptAt: sql`now()`, error: null, deliveredAt: null })
          .where(and(myDeliveries, eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.id, id)))
          .returning(),
      );
      return row;
    },
  };
}

// ---- System side: the worker (all workspaces, system connection or the relay's transaction) ----

/**
 * The relay's fan-out: a pending delivery of `event` to every enabled endpoint of its workspace that
 * takes its type (an empty list takes every type), on the relay's transaction. A second pass over the
 * same event writes nothing (`on conflict do nothing`). Returns the ids of the new deliveries.
 */
export async function insertWebhookDeliveries(tx: Tx, event: DomainEventRow): Promise<string[]> {
  const endpoints = await tx
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.workspaceId, event.workspaceId),
        eq(webhookEndpoints.enabled, true),
        or(sql`${webhookEndpoints.eventTypes} = '[]'::jsonb`, sql`${webhookEndpoints.eventTypes} @> ${JSON.stringify([event.type])}::jsonb`),
      ),
    );
  if (endpoints.length === 0) return [];
  const rows = await tx
    .insert(webhookDeliveries)
    .values(
      endpoints.map((e) => ({
        id: createId("webhookDelivery"),
        workspaceId: event.workspaceId,
        endpointId: e.id,
        eventId: event.id,
        eventType: event.type,
        nextAttemptAt: sql`now()`,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: webhookDeliveries.id });
  return rows.map((r) => r.id);
}

export interface ClaimedWebhookDelivery {
  delivery: WebhookDeliveryRow;
  endpoint: WebhookEndpointRow;
  event: DomainEventRow;
}

/**
 * Takes a pending delivery that is due for `leaseSec` seconds and counts the attempt: one worker at a
 * time sends it, so a job that runs twice sends once. Undefined when it is done, failed, held by
 * another worker or not yet due (a duplicate job of a later retry).
 */
export async function claimWebhookDelivery(db: Executor, id: string, leaseSec: number): Promise<ClaimedWebhookDelivery | undefined> {
  const [delivery] = await db
    .update(webhookDeliveries)
    .set({ claimedUntil: sql`now() + make_interval(secs => ${leaseSec})`, attempts: sql`${webhookDeliveries.attempts} + 1`, lastAttemptAt: sql`now()` })
    .where(
      and(
        eq(webhookDeliveries.id, id),
        eq(webhookDeliveries.status, "pending"),
        or(isNull(webhookDeliveries.claimedUntil), lt(webhookDeliveries.claimedUntil, sql`now()`)),
        or(isNull(webhookDeliveries.nextAttemptAt), lt(webhookDeliveries.nextAttemptAt, sql`now() + interval '1 second'`)),
      ),
    )
    .returning();
  if (!delivery) return undefined;
  const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, delivery.endpointId));
  const [event] = await db.select().from(domainEvents).where(eq(domainEvents.id, delivery.eventId));
  if (!endpoint || !event) return undefined;
  return { delivery, endpoint, event };
}

/** What one attempt got: the endpoint's status, how long it took, the start of its reply, or why it failed. */
export interface WebhookAttemptResult {
  responseStatus: number | null;
  latencyMs: number | null;
  responseSnippet: string | null;
  error: string | null;
}

const attemptColumns = (r: WebhookAttemptResult) => ({
  responseStatus: r.responseStatus,
  latencyMs: r.latencyMs,
  responseSnippet: r.responseSnippet,
  error: r.error,
  claimedUntil: null,
});

/** The endpoint took it (2xx): the delivery is done and the endpoint's run of failures ends. */
export async function markWebhookDelivered(db: Executor, id: string, result: WebhookAttemptResult): Promise<void> {
  const [row] = await db
    .update(webhookDeliveries)
    .set({ ...attemptColumns(result), status: "succeeded", deliveredAt: sql`now()`, nextAttemptAt: null })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, "pending")))
    .returning({ endpointId: webhookDeliveries.endpointId });
  if (row) await db.update(webhookEndpoints).set({ consecutiveFailures: 0 }).where(eq(webhookEndpoints.id, row.endpointId));
}

/** The attempt failed and another is due in `delaySec` seconds: returns when (database time), for the job's `startAfter`. */
export async function scheduleWebhookRetry(db: Executor, id: string, result: WebhookAttemptResult, delaySec: number): Promise<Date | undefined> {
  const [row] = await db
    .update(webhookDeliveries)
    .set({ ...attemptColumns(result), nextAttemptAt: sql`now() + make_interval(secs => ${delaySec})` })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, "pending")))
    .returning({ nextAttemptAt: webhookDeliveries.nextAttemptAt });
  return row?.nextAttemptAt ?? undefined;
}

/** No attempt left (or nowhere to send): the delivery has failed for good. False when it was not pending any more. */
export async function markWebhookFailed(db: Executor, id: string, result: WebhookAttemptResult): Promise<boolean> {
  const rows = await db
    .update(webhookDeliveries)
    .set({ ...attemptColumns(result), status: "failed", nextAttemptAt: null })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, "pending")))
    .returning({ id: webhookDeliveries.id });
  return rows.length > 0;
}

/**
 * Pending deliveries whose job was lost (the process died between the relay's commit and the
 * enqueue, or a retry job vanished): due for more than a minute and held by no worker.
 */
export async function findStrandedWebhookDeliveries(db: Executor, limit = 500): Promise<string[]> {
  const rows = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.status, "pending"),
        lt(webhookDeliveries.nextAttemptAt, sql`now() - interval '1 minute'`),
        or(isNull(webhookDeliveries.claimedUntil), lt(webhookDeliveries.claimedUntil, sql`now()`)),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(limit);
  return rows.map((r) => r.id);
}
