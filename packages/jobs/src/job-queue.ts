import PgBoss from "pg-boss";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/**
 * Durable jobs on PostgreSQL (or the embedded PGlite) through pg-boss: a job is a row, taken by one
 * worker at a time (`SKIP LOCKED`), retried with exponential backoff when its handler throws, and
 * retried again when its worker dies mid-job (an active job that outlives `expireInSeconds` goes back
 * to the queue). Handlers must therefore be idempotent: the rows they act on carry the state that
 * says whether the effect already happened (an email's `sent` status, a delivery's `succeeded`).
 */
export interface Job<T> {
  id: string;
  data: T;
  /** 0 on the first run, then 1, 2, … */
  retryCount: number;
  retryLimit: number;
}
export type JobHandler<T> = (job: Job<T>) => Promise<void>;

export interface QueueDefinition {
  name: string;
  /** Retries after the first run (default 5). */
  retryLimit?: number;
  /** Seconds before the first retry (default 10); doubled each time with `retryBackoff`. */
  retryDelaySec?: number;
  retryBackoff?: boolean;
  /** A run longer than this is taken for dead and retried (default 60 s). */
  expireInSeconds?: number;
}

export interface JobQueueOptions {
  /** The database the queue lives in: a PostgreSQL URL, or statements on an embedded connection. */
  connection: { kind: "postgres"; databaseUrl: string } | { kind: "pglite"; executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };
  metrics?: Registry;
  /** How often an idle worker looks for jobs (seconds, at least 0.5; default 1). Sending in this process wakes it at once. */
  pollingIntervalSec?: number;
  onError?: (error: unknown) => void;
  /** Where failed runs are logged (queue, job id, attempt, error). */
  log?: { warn(obj: object, msg?: string): void };
  /** Jobs of one queue a worker runs at once (default 4). */
  concurrency?: number;
  /**
   * How often expired jobs (their worker died) go back to the queue, old jobs are archived (seconds,
   * default 15): a job lost with its worker runs again within its `expireInSeconds` plus this.
   */
  maintenanceIntervalSec?: number;
}

export interface JobQueue {
  /** Creates the queue's tables (first start) and starts maintenance and the clock. */
  start(): Promise<void>;
  define(queue: QueueDefinition): Promise<void>;
  /** Enqueues a job; `startAfter` delays it. Returns the job id. */
  send<T extends object>(name: string, data: T, options?: { startAfter?: Date; singletonKey?: string }): Promise<string | null>;
  /** Runs `handler` for the queue's jobs in this process until `stop`. */
  work<T extends object>(name: string, handler: JobHandler<T>): Promise<void>;
  /** Enqueues `name` on a cron schedule (UTC), once across every process. */
  schedule(name: string, cron: string, data?: object): Promise<void>;
  /** Jobs waiting or running, per state, for `/metrics` and tests. */
  counts(name: string): Promise<{ queued: number; active: number; failed: number; completed: number }>;
  /** Waits for running handlers (up to `timeoutMs`), then stops. */
  stop(timeoutMs?: number): Promise<void>;
}

export function createJobQueue(options: JobQueueOptions): JobQueue {
  const connection = options.connection;
  const boss = new PgBoss({
    ...(connection.kind === "postgres"
      ? { connectionString: connection.databaseUrl, max: 4 }
      : { db: { executeSql: (text: string, values: unknown[]) => connection.executeSql(text, values) } }),
    schema: "pgboss",
    application_name: "orbis-jobs",
    // Finished jobs are kept for a week, for the record; the delivery and email rows keep the history.
    deleteAfterDays: 7,
    archiveCompletedAfterSeconds: 3600,
    maintenanceIntervalSeconds: options.maintenanceIntervalSec ?? 15,
  } as PgBoss.ConstructorOptions);
  boss.on("error", (error) => options.onError?.(error));

  const registry = options.metrics;
  const completed = registry && counter(registry, "orbis_jobs_completed_total", "Jobs that ran to completion, by queue");
  const failed = registry && counter(registry, "orbis_jobs_failed_total", "Job runs that threw (each retry counts), by queue");
  const duration =
    registry &&
    ((registry.getSingleMetric("orbis_job_duration_seconds") as Histogram<"queue"> | undefined) ??
      new Histogram({
        name: "orbis_job_duration_seconds",
        help: "Run time of a job, by queue",
        labelNames: ["queue"],
        registers: [registry],
        buckets: [0.005, 0.02, 0.1, 0.5, 2, 10, 60],
      }));
  const defined = new Map<string, Required<Omit<QueueDefinition, "name">>>();
  const workers = new Map<string, string[]>();
  let started: Promise<void> | undefined;

  const start = () =>
    (started ??= (async () => {
      await boss.start();
      if (registry && !registry.getSingleMetric("orbis_jobs_waiting")) {
        new Gauge({
          name: "orbis_jobs_waiting",
          help: "Jobs queued or being retried, by queue",
          labelNames: ["queue"],
          registers: [registry],
          collect: async function (this: Gauge<"queue">) {
            for (const name of defined.keys()) this.set({ queue: name }, await boss.getQueueSize(name).catch(() => 0));
          },
        });
      }
    })());

  const api: JobQueue = {
    // A process that only sends (the api role) starts on its first send.
    start,
    async define(queue) {
      await start();
      const settings = {
        retryLimit: queue.retryLimit ?? 5,
        retryDelaySec: queue.retryDelaySec ?? 10,
        retryBackoff: queue.retryBackoff ?? true,
        expireInSeconds: queue.expireInSeconds ?? 60,
      };
      defined.set(queue.name, settings);
      const existing = await boss.getQueue(queue.name);
      const options = {
        name: queue.name,
        retryLimit: settings.retryLimit,
        retryDelay: settings.retryDelaySec,
        retryBackoff: settings.retryBackoff,
        expireInSeconds: settings.expireInSeconds,
      };
      if (existing) await boss.updateQueue(queue.name, options);
      else
        await boss.createQueue(queue.name, options).catch(async (error: unknown) => {
          // Another process created it between our look and our create.
          if (!(await boss.getQueue(queue.name))) throw error;
        });
    },
    async send(name, data, sendOptions) {
      await start();
      const id = await boss.send(name, data, {
        ...(sendOptions?.startAfter ? { startAfter: sendOptions.startAfter } : {}),
        ...(sendOptions?.singletonKey ? { singletonKey: sendOptions.singletonKey } : {}),
      });
      // A worker of this process polls; tell it now rather than at its next poll.
      if (!sendOptions?.startAfter) for (const workerId of workers.get(name) ?? []) boss.notifyWorker(workerId);
      return id;
    },
    async work(name, handler) {
      await start();
      const concurrency = options.concurrency ?? 4;
      // One pg-boss worker per queue fetching up to `concurrency` jobs at once and running them side by
      // side. Each job succeeds or fails on its own: a failed one is failed by id (retried per its
      // queue's policy), and pg-boss completes the rest when the batch returns. pg-boss waits a polling
      // interval after every fetch, so a worker that found jobs asks for more at once (notify).
      let workerId = "";
      const runOne = async (job: PgBoss.JobWithMetadata<object>) => {
        const end = duration?.startTimer({ queue: name });
        try {
          await handler({ id: job.id, data: job.data as never, retryCount: job.retryCount, retryLimit: job.retryLimit });
          completed?.inc({ queue: name });
        } catch (error) {
          failed?.inc({ queue: name });
          const message = error instanceof Error ? error.message : String(error);
          options.log?.warn({ queue: name, jobId: job.id, attempt: job.retryCount + 1, of: job.retryLimit + 1, err: message }, "job failed");
          await boss.fail(name, job.id, { message });
        } finally {
          end?.();
        }
      };
      workerId = await boss.work<object>(
        name,
        { includeMetadata: true, batchSize: concurrency, pollingIntervalSeconds: Math.max(0.5, options.pollingIntervalSec ?? 1) },
        async (jobs) => {
          await Promise.all(jobs.map(runOne));
          if (jobs.length > 0) boss.notifyWorker(workerId);
        },
      );
      workers.set(name, [...(workers.get(name) ?? []), workerId]);
    },
    async schedule(name, cron, data) {
      await start();
      await boss.schedule(name, cron, data ?? {}, { tz: "UTC" });
    },
    async counts(name) {
      await start();
      const rows = (await boss.getDb().executeSql(`select state, count(*)::int as n from pgboss.job where name = $1 group by state`, [name])) as {
        rows: { state: string; n: number }[];
      };
      const by = Object.fromEntries(rows.rows.map((r) => [r.state, Number(r.n)]));
      return { queued: (by.created ?? 0) + (by.retry ?? 0), active: by.active ?? 0, failed: by.failed ?? 0, completed: by.completed ?? 0 };
    },
    async stop(timeoutMs = 10_000) {
      if (!started) return;
      await started.catch(() => undefined);
      started = undefined;
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
    },
  };
  return api;
}

function counter(registry: Registry, name: string, help: string): Counter<"queue"> {
  return (registry.getSingleMetric(name) as Counter<"queue"> | undefined) ?? new Counter({ name, help, labelNames: ["queue"], registers: [registry] });
}
