import { EVENT_PAYLOADS, EVENT_VERSION, createId, type EventPayload, type EventType } from "@orbis/contracts";
import { and, asc, desc, eq, gte, inArray, isNull, sql } from "drizzle-orm";
import type { Db, Executor, Tx } from "../client.ts";
import { domainEvents } from "../schema.ts";
import type { Run } from "./scope.ts";

export type DomainEventRow = typeof domainEvents.$inferSelect;

/** Called after an event row is written, so a worker in this process can relay it at once. */
let onRecorded: (() => void) | undefined;
export function onEventRecorded(listener: (() => void) | undefined): void {
  onRecorded = listener;
}

/**
 * The outbox, tenant side: `record` writes an event in the caller's transaction, so the event exists
 * if and only if the change it reports committed. The payload is checked against its schema here: a
 * malformed event is a bug in the producer, and it fails the producer's transaction, not a consumer.
 */
export function eventsRepository(run: Run, workspaceId: string) {
  return {
    async record<T extends EventType>(type: T, payload: EventPayload<T>): Promise<string> {
      return run((tx) => recordEventOn(tx, workspaceId, type, payload));
    },
    /**
     * Records the event unless the workspace already has one of this type (`user.activated`: once per
     * workspace). Call it in a transaction: a transaction-scoped advisory lock on (workspace, type)
     * makes two concurrent callers take turns, so only the first writes. Answers the new id, or
     * undefined when one existed.
     */
    async recordOnce<T extends EventType>(type: T, payload: EventPayload<T>): Promise<string | undefined> {
      return run(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${workspaceId}:${type}`}))`);
        const [existing] = await tx
          .select({ id: domainEvents.id })
          .from(domainEvents)
          .where(and(eq(domainEvents.workspaceId, workspaceId), eq(domainEvents.type, type)))
          .limit(1);
        return existing ? undefined : recordEventOn(tx, workspaceId, type, payload);
      });
    },
    /**
     * Whether an event of this type about this call exists (its payload's `callId`); `since` (the call's
     * start: nothing about it is older) keeps the look-up on the (workspace, occurred_at) index.
     */
    async existsForCall(type: EventType, callId: string, since: Date): Promise<boolean> {
      const [row] = await run((tx) =>
        tx
          .select({ id: domainEvents.id })
          .from(domainEvents)
          .where(
            and(
              eq(domainEvents.workspaceId, workspaceId),
              gte(domainEvents.occurredAt, since),
              eq(domainEvents.type, type),
              sql`${domainEvents.payload}->>'callId' = ${callId}`,
            ),
          )
          .limit(1),
      );
      return row !== undefined;
    },
    list: (limit = 100, type?: string): Promise<DomainEventRow[]> =>
      run((tx) =>
        tx
          .select()
          .from(domainEvents)
          .where(and(eq(domainEvents.workspaceId, workspaceId), type ? eq(domainEvents.type, type) : undefined))
          .orderBy(desc(domainEvents.occurredAt), desc(domainEvents.id))
          .limit(limit),
      ),
    get: async (id: string): Promise<DomainEventRow | undefined> => {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(domainEvents)
          .where(and(eq(domainEvents.workspaceId, workspaceId), eq(domainEvents.id, id))),
      );
      return row;
    },
  };
}

/**
 * Writes one event row of the workspace on this connection: the caller's transaction, tenant or system
 * (signup and the reaper write on the system connection, where the workspace is not the session's).
 * The payload is checked against its schema: a malformed event fails the producer's transaction.
 */
export async function recordEventOn<T extends EventType>(executor: Executor, workspaceId: string, type: T, payload: EventPayload<T>): Promise<string> {
  const data = EVENT_PAYLOADS[type].parse(payload);
  const id = createId("event");
  await executor.insert(domainEvents).values({ id, workspaceId, type, version: EVENT_VERSION, payload: data });
  // NOTIFY is transactional: listeners hear it when (and only if) the transaction commits.
  await executor.execute(sql`select pg_notify('orbis_events', '')`);
  onRecorded?.();
  return id;
}

/**
 * The outbox, worker side (system connection, all workspaces): claim a batch of unrelayed events
 * (`FOR UPDATE SKIP LOCKED`, so several workers never take the same event), let `fanOut` write what
 * each event causes (webhook deliveries, emails, text messages) on the same transaction, and mark the
 * batch relayed. All or nothing: a worker killed half-way leaves the events unrelayed for the next.
 */
export async function relayEvents(db: Db, limit: number, fanOut: (events: DomainEventRow[], tx: Tx) => Promise<void>): Promise<number> {
  return db.transaction(async (tx) => {
    const events = await tx
      .select()
      .from(domainEvents)
      .where(isNull(domainEvents.relayedAt))
      .orderBy(asc(domainEvents.occurredAt), asc(domainEvents.id))
      .limit(limit)
      .for("update", { skipLocked: true });
    const ids = events.map((e) => e.id);
    if (ids.length === 0) return 0;
    await fanOut(events, tx as unknown as Tx);
    await tx
      .update(domainEvents)
      .set({ relayedAt: sql`now()` })
      .where(inArray(domainEvents.id, ids));
    return ids.length;
  });
}
