import { relayEvents, type Database } from "@orbis/db";
import type { JobQueue } from "@orbis/jobs";
import type { EventConsumer, PendingJob } from "./consumer.ts";

export interface RelayOptions {
  db: Database;
  queue: JobQueue;
  consumers: EventConsumer[];
  /** Poll interval when no notification arrives (ms, default 1000). */
  pollMs?: number;
  batchSize?: number;
  onError?: (error: unknown) => void;
}

/**
 * Moves committed events out of the outbox: woken by NOTIFY (sent by the committing transaction) or
 * by the poll, it claims a batch, lets every consumer write what the event causes on the same
 * transaction, marks the batch relayed, and only then enqueues the jobs. A crash before the commit
 * leaves the events for the next pass; a crash after it leaves rows that the consumers' sweeps find.
 */
export function startRelay(options: RelayOptions) {
  const batchSize = options.batchSize ?? 100;
  let running = false;
  let again = false;
  let stopped = false;
  let relayed = 0;

  const fanOut = async (events: Parameters<Parameters<typeof relayEvents>[2]>[0], tx: Parameters<Parameters<typeof relayEvents>[2]>[1]) => {
    const jobs: PendingJob[] = [];
    for (const event of events) {
      for (const consumer of options.consumers) if (consumer.fanOut) jobs.push(...(await consumer.fanOut(event, tx)));
    }
    return jobs;
  };

  const pass = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        let jobs: PendingJob[] = [];
        const n = await relayEvents(options.db.system, batchSize, async (events, tx) => {
          jobs = await fanOut(events, tx);
        });
        relayed += n;
        await enqueue(options.queue, jobs);
        if (n === batchSize) again = true;
      } while (again && !stopped);
    } catch (error) {
      options.onError?.(error);
    } finally {
      running = false;
    }
  };

  const timer = setInterval(() => void pass(), options.pollMs ?? 1000);
  timer.unref();
  let unlisten: (() => Promise<void>) | undefined;
  const ready = options.db
    .listen("orbis_events", () => void pass())
    .then((stop) => {
      unlisten = stop;
    })
    .catch((error: unknown) => options.onError?.(error));
  void pass();

  return {
    ready,
    /** Relays now (tests, and the in-process hook after a commit). */
    poke: () => pass(),
    get relayed() {
      return relayed;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await ready;
      await unlisten?.();
      while (running) await new Promise((r) => setTimeout(r, 10));
    },
  };
}
export type Relay = ReturnType<typeof startRelay>;

export async function enqueue(queue: JobQueue, jobs: PendingJob[]): Promise<void> {
  for (const job of jobs) await queue.send(job.queue, job.data, job.startAfter ? { startAfter: job.startAfter } : undefined);
}
