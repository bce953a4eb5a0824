import type { Database, DomainEventRow, Tx } from "@orbis/db";
import type { JobHandler, QueueDefinition } from "@orbis/jobs";

/** A job to enqueue once the relay's transaction has committed. */
export interface PendingJob {
  queue: string;
  data: object;
  startAfter?: Date;
}

/**
 * One kind of consequence of domain events (webhook deliveries, emails, text messages). The relay
 * calls `fanOut` for every event on its transaction: the consumer writes its rows there (a delivery,
 * an email) and returns the jobs that will act on them. Job handlers are idempotent on those rows, so
 * a job that runs twice, or a `sweep` that re-enqueues a row whose job was lost, does no harm.
 */
export interface EventConsumer {
  name: string;
  queues: { definition: QueueDefinition; handler: JobHandler<never> }[];
  fanOut?(event: DomainEventRow, tx: Tx): Promise<PendingJob[]>;
  /** Scheduled work (UTC cron) of this consumer: reminders, summaries, retention. */
  schedules?: { queue: string; cron: string; handler: JobHandler<never>; definition?: Omit<QueueDefinition, "name"> }[];
  /**
   * Work every few seconds (cron's minute is too coarse): each process sends the queue a job every
   * `everySec`, as a singleton, so one runs at a time across every worker.
   */
  timers?: { queue: string; everySec: number; handler: JobHandler<never> }[];
  /** Rows left without a job (the process died between commit and enqueue): jobs to enqueue again. Runs every minute. */
  sweep?(db: Database): Promise<PendingJob[]>;
}
